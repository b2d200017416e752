"""`{% object_panels obj %}`: the panels higher apps registered for obj's model
(omstilling/panels.py), rendered in their order."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from omstilling.cache import cached_fragment
from omstilling.panels import fill_slots, panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def object_panels(context, obj) -> str:
    request = context["request"]
    parts = []
    label = obj._meta.label
    for panel in panels_for(label):
        if panel.families:
            html = _cached_panel(request, obj, panel)
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


def _cached_panel(request, obj, panel) -> str | None:
    """The panel's HTML, from the cache while nothing in its families was written."""
    key = panel.key(request, obj)
    if key is None:
        return None

    def render() -> str:
        extra = panel.context(request, obj)
        if extra is None:  # the key said the viewer sees it: an empty panel, not a stale one
            return ""
        return render_to_string(panel.template, {"object": obj, **extra}, request=request)

    return cached_fragment(
        request,
        name=f"panel:{obj._meta.label_lower}:{panel.name}",
        families=panel.families,
        render=render,
        object=obj.pk,
        plan=getattr(obj, "plan_id", ""),
        **key,
    )
