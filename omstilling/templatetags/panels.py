"""`{% object_panels obj %}`: the panels higher apps registered for obj's model
(omstilling/panels.py), rendered in their order."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from omstilling.cache import Fragment, cached_fragments
from omstilling.panels import fill_slots, panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def object_panels(context, obj) -> str:
    request = context["request"]
    panels = panels_for(obj._meta.label)
    # The cached panels the viewer sees, fetched from the cache together (one round trip).
    kept = {}
    fragments = []
    for panel in panels:
        if panel.families and (key := panel.key(request, obj)) is not None:
            kept[panel.name] = len(fragments)
            fragments.append(_fragment(request, obj, panel, key))
    kept_html = cached_fragments(request, fragments) if fragments else []
    parts = []
    for panel in panels:
        if panel.families:
            html = kept_html[kept[panel.name]] if panel.name in kept else None
        else:
            extra = panel.context(request, obj)
            html = (
                None
                if extra is None
                else render_to_string(panel.template, {"object": obj, **extra}, request=request)
            )
        if html is None:
            continue
        if panel.fill is not None:
            html = fill_slots(request, obj, html, panel.fill)
        parts.append(html)
    return mark_safe("".join(parts))  # noqa: S308 - our templates' output


def _fragment(request, obj, panel, key: dict) -> Fragment:
    """The panel as a cached fragment: kept while nothing in its families was written, for
    every viewer with the same role and the same `key` (what the panel's HTML depends on)."""

    def render() -> str:
        extra = panel.context(request, obj)
        if extra is None:  # the key said the viewer sees it: an empty panel, not a stale one
            return ""
        return render_to_string(panel.template, {"object": obj, **extra}, request=request)

    return Fragment(
        name=f"panel:{obj._meta.label_lower}:{panel.name}",
        families=panel.families,
        render=render,
        parts={"object": obj.pk, "plan": getattr(obj, "plan_id", ""), **key},
    )
