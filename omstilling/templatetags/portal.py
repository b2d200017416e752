"""Template filters for Danish presentation: quarters and amounts in kroner."""

import datetime as dt
import functools
import re
from decimal import Decimal

import pyphen
from django import template
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from omstilling.numbers import count_text, kr_text, percent_text
from omstilling.quarters import Quarter

register = template.Library()

# Words at least this long get soft hyphens: shorter ones fit a phone's line whole.
HYPHENATE_MIN = 12
_LONG_WORD = re.compile(rf"[^\W\d_]{{{HYPHENATE_MIN},}}")
SOFT_HYPHEN = "\u00ad"


@functools.cache
def _hyphenator(language: str) -> pyphen.Pyphen | None:
    fallback = pyphen.language_fallback(language.replace("-", "_"))
    return pyphen.Pyphen(lang=fallback) if fallback else None


@register.filter(needs_autoescape=True)
def hyphenate(value, autoescape=True) -> str:
    """A heading's long words with soft hyphens where the page's language breaks them, so that a
    long Danish compound breaks with a hyphen at a syllable on a phone instead of mid-syllable
    (CSS `hyphens: auto` needs the browser's own dictionary, which not every browser has)."""
    text = conditional_escape(value) if autoescape else str(value)
    hyphenator = _hyphenator(get_language() or "da")
    if hyphenator is None:
        return mark_safe(text)
    return mark_safe(
        _LONG_WORD.sub(lambda word: hyphenator.inserted(word.group(0), hyphen=SOFT_HYPHEN), text)
    )


@register.filter
def quarter(value: dt.date | None) -> str:
    """`2025-07-01` → `3. kvartal 2025`."""
    return Quarter.of(value).label if value else ""


@register.filter
def short_quarter(value: dt.date | None) -> str:
    """`2025-07-01` → `K3 2025`."""
    return Quarter.of(value).short_label if value else ""


@register.filter
def weekday_date(value: dt.date | None) -> str:
    """`2027-01-04` → `mandag 4. januar 2027` (in English: `Monday 4 January 2027`)."""
    if not value:
        return ""
    return f"{date_format(value, 'l')} {date_format(value, 'DATE_FORMAT')}"


@register.filter
def kr(value: Decimal | int | None) -> str:
    """`50000000` → `50.000.000 kr.`; øre are shown only when there are any."""
    return kr_text(value)


@register.filter
def percent(value, decimals: int = 0) -> str:
    """`47.14` → `47 %` (`|percent:1` → `47,1 %`); None → `–`."""
    return percent_text(value, decimals=int(decimals), missing="–")


@register.filter
def count(value) -> str:
    """`1234` → `1.234`."""
    return count_text(value) if value is not None else "–"


_WIDGET_CLASSES = {"select": "form-select", "textarea": "form-input", "checkbox": "form-checkbox"}


@register.filter
def dkfds_widget(field) -> str:
    """Render a bound field's widget with DKFDS classes and its hint and error tied to it."""
    widget = field.field.widget
    kind = getattr(widget, "input_type", None) or widget.__class__.__name__.lower()
    attrs = {"class": _WIDGET_CLASSES.get(kind, "form-input")}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
        attrs["aria-invalid"] = "true"
    if char_limit(field):
        described.append(f"{field.auto_id}-limit")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def char_limit(field) -> int | None:
    """The length limit of a long free-text field, shown with a live count (DKFDS character
    limit); None for other fields."""
    return (
        getattr(field.field, "max_length", None)
        if getattr(field.field, "multiline", False)
        else None
    )


@register.simple_tag(takes_context=True)
def nav_section(context, *urls: str) -> str:
    """Of the main menu's addresses, the longest that the page's address starts with: the
    section the page belongs to ("" when none does)."""
    path = context["request"].path
    return max((url for url in urls if url and path.startswith(url)), key=len, default="")


@register.simple_tag(takes_context=True)
def nav_item(context, url: str, label: str, section: str = "") -> str:
    """A main-menu entry in DKFDS markup: marked current (aria-current="page") on its own
    page, active (aria-current="true") on the other pages of its section (`nav_section`)."""
    from django.utils.html import format_html

    if url and context["request"].path == url:
        return format_html(
            '<li class="active current"><a href="{}" class="nav-link" aria-current="page">'
            "<span>{}</span></a></li>",
            url,
            label,
        )
    if url and url == section:
        return format_html(
            '<li class="active"><a href="{}" class="nav-link" aria-current="true">'
            "<span>{}</span></a></li>",
            url,
            label,
        )
    return format_html('<li><a href="{}" class="nav-link"><span>{}</span></a></li>', url, label)
