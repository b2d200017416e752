"""Sections an app higher up adds to a page of an app below it.

The tiltag page (tracks) and the investment page (investments) show the decisions, documents
and comments that concern them, but those apps live above them and must not be imported by
them (shared/architecture.md). So the higher app registers a panel for a model here when it
is ready, and the page's template asks for the panels of its object with
`{% object_panels initiative %}` (omstilling/templatetags/panels.py). A panel is a template
and a function that gives its context, or None when the user may not see it; each function
makes a bounded number of queries whatever the data size.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model
from django.http import HttpRequest

PanelContext = Callable[[HttpRequest, Model], dict | None]


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: PanelContext
    order: int = 0


_panels: dict[str, dict[str, Panel]] = {}


def register_panel(
    model_label: str, *, name: str, template: str, context: PanelContext, order: int = 0
) -> None:
    """Show `template` on the pages of `model_label` ("tracks.Initiative"); registering the
    same name again replaces it (ready() may run more than once in tests)."""
    _panels.setdefault(model_label, {})[name] = Panel(name, template, context, order)


def panels_for(model_label: str) -> list[Panel]:
    return sorted(_panels.get(model_label, {}).values(), key=lambda p: (p.order, p.name))
