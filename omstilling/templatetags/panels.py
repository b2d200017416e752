"""`{% object_panels obj %}`: the panels higher apps registered for obj's model
(omstilling/panels.py), rendered in their order."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from omstilling.panels import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def object_panels(context, obj) -> str:
    request = context["request"]
    parts = []
    for panel in panels_for(obj._meta.label):
        extra = panel.context(request, obj)
        if extra is None:
            continue
        parts.append(render_to_string(panel.template, {"object": obj, **extra}, request=request))
    return mark_safe("".join(parts))
