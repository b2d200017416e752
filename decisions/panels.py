"""The "Beslutninger" section of the tiltag and investment pages (omstilling/panels.py)."""

from django.http import HttpRequest

from decisions import selectors
from decisions.access import can_read_decisions, can_record_decisions
from omstilling.panels import register_panel


def _context(relation: str, query: str):
    def context(request: HttpRequest, obj) -> dict | None:
        if not can_read_decisions(request.user):
            return None
        decisions, total = selectors.decisions_concerning(relation=relation, obj=obj)
        return {
            "decisions": decisions,
            "total": total,
            "more": total - len(decisions),
            "list_query": f"{query}={obj.pk}",
            "can_record": can_record_decisions(request.user, plan_id=obj.plan_id),
        }

    return context


register_panel(
    "tracks.Initiative",
    name="decisions",
    template="decisions/includes/panel.html",
    context=_context("initiatives", "tiltag"),
    order=10,
)
register_panel(
    "investments.Investment",
    name="decisions",
    template="decisions/includes/panel.html",
    context=_context("investments", "investering"),
    order=10,
)
