"""Sections an app higher up adds to a page of an app below it.

The tiltag page (tracks) and the investment page (investments) show the decisions, documents
and comments that concern them, but those apps live above them and must not be imported by
them (shared/architecture.md). So the higher app registers a panel for a model here when it
is ready, and the page's template asks for the panels of its object with
`{% object_panels initiative %}` (omstilling/templatetags/panels.py). A panel is a template
and a function that gives its context, or None when the user may not see it; each function
makes a bounded number of queries whatever the data size.

A panel given `families` is kept rendered (omstilling.cache.cached_fragment): `key(request,
obj)` says, without a query, whether the viewer sees it (None: not) and what else than the
object, its plan and the viewer's role the HTML depends on (the viewer's rights that show in
it); `context` then runs only when the fragment is built. What belongs to one request or one
user (a form with its CSRF token, a button only its author has) is left out of the fragment as
a slot, `<!--panel-slot:NAME:ARGS-->`, which `fill(request, obj, name, args)` renders for every
request from what the slot says (no query).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model
from django.http import HttpRequest

PanelContext = Callable[[HttpRequest, Model], dict | None]
PanelKey = Callable[[HttpRequest, Model], dict | None]
PanelFill = Callable[[HttpRequest, Model, str, list[str]], str]

SLOT = re.compile(r"<!--panel-slot:([a-z-]+)((?::[^:>-]*)*)-->")


def slot(name: str, *args) -> str:
    """The marker of a per-request part inside a cached panel (arguments without ':' '-' '>')."""
    return "<!--panel-slot:" + name + "".join(f":{arg}" for arg in args) + "-->"


def fill_slots(request: HttpRequest, obj: Model, html: str, fill: PanelFill) -> str:
    return SLOT.sub(
        lambda m: fill(request, obj, m.group(1), m.group(2).split(":")[1:]),
        html,
    )


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: PanelContext
    order: int = 0
    families: tuple[str, ...] = ()
    key: PanelKey | None = None
    fill: PanelFill | None = None


_panels: dict[str, dict[str, Panel]] = {}


def register_panel(
    model_label: str,
    *,
    name: str,
    template: str,
    context: PanelContext,
    order: int = 0,
    families: tuple[str, ...] = (),
    key: PanelKey | None = None,
    fill: PanelFill | None = None,
) -> None:
    """Show `template` on the pages of `model_label` ("tracks.Initiative"); registering the
    same name again replaces it (ready() may run more than once in tests). With `families`
    (and `key`) the panel is kept rendered, see above."""
    if families and key is None:
        raise ValueError(f"The cached panel {name!r} needs a key.")
    _panels.setdefault(model_label, {})[name] = Panel(
        name, template, context, order, tuple(families), key, fill
    )


def panels_for(model_label: str) -> list[Panel]:
    return sorted(_panels.get(model_label, {}).values(), key=lambda p: (p.order, p.name))
