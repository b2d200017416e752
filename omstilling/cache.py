"""Aggregates that are expensive to compute and change rarely (the KPIs with their suppression,
the dashboard's roll-ups, the verdict), kept in Django's cache until a write changes what they
are built from.

The data is divided into *families* (`Family`). Each family has a generation number in the
cache, and a cached value's key holds the generation of every family it is built from, so a
write that bumps a family makes every value built from it unreachable at once: nothing is
listed or deleted, the stale entries simply expire.

Writes bump their family through Django's model signals (`post_save`, `post_delete`,
`m2m_changed`) for every model of the family's apps, connected once in `connect_signals`, so
a new service or admin page cannot forget it. Bulk writes send no signal (`bulk_create`,
`QuerySet.update`): the code that makes them calls `bump` itself (the seeders, the counts
import). A bump is made at once and again when the transaction commits, so a reader that
computed the old figures while the write was still uncommitted cannot keep them in the cache
under the new generation.

A generation that is missing from the cache (evicted, or the cache cleared) starts again from
the clock in nanoseconds, never from a number an older entry could still carry.

The generations live in Django's cache, so every process that serves pages must share it:
Redis (`REDIS_URL`), as in production. The local-memory default is one process's own, right
for `manage.py runserver` but not for several gunicorn workers, where a write in one worker
would not reach the values another worker keeps until they expire (`TIMEOUT`).
"""

import hashlib
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.middleware.csrf import get_token
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

T = TypeVar("T")

# A safety net only: the generations make an entry stale, the timeout frees its memory.
TIMEOUT = 60 * 60


class Family(StrEnum):
    CORE = "core"  # the plan itself, areas, institutions, bodies and their members, users' names
    PLAN = "plan"  # spor, tiltag, milestones and their events, status updates, recommendations
    INVESTMENTS = "investments"  # udviklingsskoler, investments, decisions, spending
    OUTCOMES = "outcomes"  # counts, referrals, før-henvisninger, decisions, forløb, KPI targets
    REPORTS = "reports"  # reports issued (the dashboard counts changes since the last one)
    # the committee's decisions, the documents attached, the comments: the panels the tiltag,
    # investment and decision pages show (omstilling/panels.py). A family of their own, so a
    # comment does not make the plan's pages and the dashboard stale (none is built from them).
    RECORDS = "records"


# Which family a write to a model belongs to: by app, and for the core by model (the core's
# access log and sessions change on every request and feed no aggregate).
APP_FAMILIES = {
    "tracks": Family.PLAN,
    "investments": Family.INVESTMENTS,
    "visitation": Family.OUTCOMES,
    "supportsystem": Family.OUTCOMES,
    "reports": Family.REPORTS,
    # Rows only added (and a comment edited or withdrawn) by a user's action, none on a read.
    "decisions": Family.RECORDS,
    "documents": Family.RECORDS,
    "discussion": Family.RECORDS,
}
CORE_MODELS = {"plan", "area", "institution", "governancebody", "user", "governancebody_members"}
# A user's log-in stamps these; no aggregate shows them.
_IGNORED_USER_FIELDS = {"last_login"}


def _key(family: str) -> str:
    return f"generation:{family}"


def generations(families: Iterable[str]) -> dict[str, int]:
    """The current generation of each family (one cache round trip, two for a missing one)."""
    keys = {_key(f): f for f in families}
    found = cache.get_many(list(keys))
    for key in keys.keys() - found.keys():
        cache.add(key, time.time_ns(), timeout=None)
        found[key] = cache.get(key)
    return {keys[key]: value for key, value in found.items()}


# How many bumps this process has made: a request's memo of the generations
# (`request_generations`) is read again after its own writes.
_bumps_here = 0


def request_generations(request, families: Iterable[str]) -> dict[str, int]:
    """`generations(families)`, read once per request for every family: a page made of several
    cached parts (the tiltag page has four) asks the cache once instead of once a part. A bump
    made in this process since (the request's own write, before it renders the result) makes
    the next call read them again; a write elsewhere during the request is seen by the next
    request, as if this one had read everything at its start."""
    memo = getattr(request, "_cache_generations", None)
    if memo is None or memo[0] != _bumps_here:
        memo = (_bumps_here, generations(Family))
        request._cache_generations = memo
    return {family: memo[1][family] for family in families}


def _bump_now(family: str) -> None:
    global _bumps_here
    _bumps_here += 1
    try:
        cache.incr(_key(family))
    except ValueError:  # missing: start afresh from the clock
        cache.set(_key(family), time.time_ns(), timeout=None)


def bump(*families: str) -> None:
    """Make every cached value built from `families` stale: at once, and again on commit."""
    for family in families:
        _bump_now(family)
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(lambda family=family: _bump_now(family), robust=True)


def bump_all() -> None:
    """For bulk loads (seeders, imports): every cached aggregate is stale."""
    bump(*Family)


def _value_key(name: str, current: dict[str, int], parts: dict) -> str:
    """A cached value's key: its name, the language, its parts and the generations it was
    built at (`current`: exactly its families')."""
    described = ",".join(f"{k}={v}" for k, v in sorted(parts.items()))
    if len(described) > 64:  # filters from a URL: a key of bounded length, whatever they hold
        described = hashlib.sha256(described.encode()).hexdigest()
    stamps = ",".join(f"{f}{current[f]}" for f in sorted(current))
    return f"aggregate:{name}:{get_language()}:{described}:{stamps}"


def cached(
    *,
    name: str,
    families: Iterable[str],
    build: Callable[[], T],
    keep: Callable[[T], bool] | None = None,
    current: dict[str, int] | None = None,
    **parts,
) -> T:
    """`build()`, from the cache when nothing in `families` was written since it was stored.

    `parts` are what else the value depends on (the plan, the filters, the day); the language
    is always part of the key, for the values hold translated text.

    `keep(value)`, asked after a build, says whether the value may be stored: False for a
    value that is right for this moment only (one whose look changes with the clock, not with
    a write), or for a request that `parts` do not describe in their one spelling. It is then
    returned but not stored, and built again on the next request.

    `current`: the families' generations, when the caller has read them already
    (`request_generations`)."""
    if current is None:
        current = generations(families)
    key = _value_key(name, current, parts)
    value = cache.get(key)
    if value is None:
        value = build()
        if keep is None or keep(value):
            cache.set(key, value, timeout=TIMEOUT)
    return value


def family_of(model) -> str | None:
    meta = model._meta
    if meta.app_label == "omstilling":
        return Family.CORE if meta.model_name in CORE_MODELS else None
    return APP_FAMILIES.get(meta.app_label)


def _on_save(sender, update_fields=None, **kwargs) -> None:
    family = family_of(sender)
    if family is None:
        return
    if family == Family.CORE and update_fields and set(update_fields) <= _IGNORED_USER_FIELDS:
        return
    bump(family)


def _on_delete(sender, **kwargs) -> None:
    if (family := family_of(sender)) is not None:
        bump(family)


def _on_m2m(sender, action: str, **kwargs) -> None:
    if action.startswith("post_") and (family := family_of(sender)) is not None:
        bump(family)


def connect_signals() -> None:
    """Called once from the core's AppConfig.ready: a receiver for each model of a family only,
    so that deletes of other models stay fast deletes (a receiver for every model would make
    Django load each row before deleting it)."""
    for model in apps.get_models(include_auto_created=True):
        if family_of(model) is None:
            continue
        uid = f"omstilling.cache.{model._meta.label_lower}"
        post_save.connect(_on_save, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"{uid}.delete")
        # Auto-created through models (tiltag ↔ anbefalinger) change through m2m_changed.
        m2m_changed.connect(_on_m2m, sender=model, dispatch_uid=f"{uid}.m2m")


# --- rendered fragments ---------------------------------------------------------------------

# A CSRF token belongs to one session: it is never kept for other requests. Our templates put
# one in a form's input (`{% csrf_token %}`) and in htmx's request header (`hx-headers`, as the
# base layout's <body> does).
_PER_REQUEST_MARKERS = ("csrfmiddlewaretoken", "X-CSRFToken")
# The hidden input `{% csrf_token %}` renders (django.template.defaulttags.CsrfTokenNode), and
# the slot a fragment kept with `csrf=True` holds in its place. The slot cannot come from data:
# text from the database is escaped when rendered, so it never holds "<!--".
_CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"<>]*">')
CSRF_SLOT = "<!--csrf-token-->"


class PerRequestContent(ValueError):
    """A fragment meant for the cache holds what belongs to one request (a CSRF token)."""


def shareable_html(name: str, html: str) -> str:
    """`html`, checked to hold nothing that belongs to one request (a CSRF token), before it is
    kept for other requests: for `cached_fragment`, and for a view that keeps a fragment
    together with other values in one `cached` entry."""
    if any(marker in html for marker in _PER_REQUEST_MARKERS):
        raise PerRequestContent(
            f"The fragment {name!r} holds a CSRF token: render its forms outside it."
        )
    return html


def csrf_slots(html: str) -> str:
    """`html` with each form's CSRF token input replaced by a slot (`fill_csrf_slots`)."""
    return _CSRF_INPUT.sub(CSRF_SLOT, html)


def fill_csrf_slots(request, html: str) -> str:
    """`html` with each slot `csrf_slots` left replaced by a CSRF token input with `request`'s
    own token, as `{% csrf_token %}` would have rendered it (and, like it, the CSRF cookie is
    then set on the response if the session has none yet)."""
    if CSRF_SLOT not in html:
        return html
    token = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
    return html.replace(CSRF_SLOT, token)


def _role(request) -> str:
    """The viewer's role: part of every fragment's key (what a role may do shows in the HTML)."""
    return getattr(getattr(request, "user", None), "role", "") or ""


def cached_fragment(
    request,
    *,
    name: str,
    families: Iterable[str],
    render: Callable[[], str],
    store: bool = True,
    csrf: bool = False,
    keep: Callable[[str], bool] | None = None,
    **parts,
) -> SafeString:
    """The HTML `render()` makes, from the cache while nothing in `families` was written.

    For the read pages' expensive parts (the dashboard's sections, the plan, the lists): the
    view renders the page's frame (header, menu, messages, forms with their CSRF token) for
    every request and puts the cached fragment inside it, so a page that did not change costs
    little more than the frame. `render` must build its context itself, so nothing is queried
    on a hit.

    The fragment is shared by everyone whose request gives the same key: the viewer's role is
    always part of it (what a role may do shows in the HTML: edit links, menus), `parts` must
    name everything else it depends on (the plan, the filters, the day, the page number; the
    user when it shows the viewer's own things). A CSRF token found in a fragment is an error,
    not a cached secret: a form that POSTs is rendered outside the fragment, unless

    `csrf=True`, for a fragment with forms that POST among its rows (the archive's "Prøv
    igen"): after `render()` each `{% csrf_token %}` input is replaced by a slot, so the stored
    HTML holds no token, and on every request, from the cache or not, the slots are filled with
    this request's own token. A token anywhere else in the HTML is still refused.

    `store=False` renders without the cache: for a key made of what a user typed (a search),
    whose every spelling would be a new entry, so that no one can fill the cache's memory.
    `keep(html)` decides after rendering whether to store it (see `cached`): False for HTML
    that is right for this moment only, or for a request whose key is not its one spelling."""
    role = _role(request)

    def build() -> str:
        html = str(render())
        return shareable_html(name, csrf_slots(html) if csrf else html)

    if not store:
        html = build()
    else:
        html = cached(
            name=f"fragment:{name}",
            families=families,
            build=build,
            keep=keep,
            current=request_generations(request, families),
            role=role,
            **parts,
        )
    if csrf:
        html = fill_csrf_slots(request, html)
    return mark_safe(html)  # noqa: S308 - our own templates' output, escaped when rendered


@dataclass(frozen=True)
class Fragment:
    """One of several fragments a page asks for at once (`cached_fragments`)."""

    name: str
    families: tuple[str, ...]
    render: Callable[[], str]
    parts: dict = field(default_factory=dict)


def cached_fragments(request, fragments: list[Fragment]) -> list[SafeString]:
    """Several fragments of one page, each as `cached_fragment` gives it (the role in every
    key, a CSRF token refused), in one round trip to the cache for them all: the panels of the
    tiltag page (omstilling/templatetags/panels.py) are three."""
    role = _role(request)
    current = request_generations(request, {f for fragment in fragments for f in fragment.families})
    keys = [
        _value_key(
            f"fragment:{fragment.name}",
            {f: current[f] for f in fragment.families},
            {"role": role, **fragment.parts},
        )
        for fragment in fragments
    ]
    found = cache.get_many(keys) if keys else {}
    result = []
    for fragment, key in zip(fragments, keys, strict=True):
        html = found.get(key)
        if html is None:
            html = shareable_html(fragment.name, str(fragment.render()))
            cache.set(key, html, timeout=TIMEOUT)
        result.append(mark_safe(html))  # noqa: S308 - our own templates' output
    return result
