"""The "Beslutninger" section of the tiltag and investment pages (omstilling/panels.py), kept
rendered until a decision, or the plan's names for its bodies, change: the same for every
viewer of the role who may (or may not) record decisions in the plan."""

from django.http import HttpRequest

from decisions import selectors
from decisions.access import can_read_decisions, can_record_decisions
from omstilling.cache import Family
from omstilling.panels import register_panel


def _key(request: HttpRequest, obj) -> dict | None:
    if not can_read_decisions(request.user):
        return None
    return {"record": int(can_record_decisions(request.user, plan_id=obj.plan_id))}


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
            # The bodies as the object's plan names them (not the plan the viewer looks at).
            "plan_names": obj.plan.names,
        }

    return context


register_panel(
    "tracks.Initiative",
    name="decisions",
    template="decisions/includes/panel.html",
    context=_context("initiatives", "tiltag"),
    order=10,
    families=(Family.RECORDS, Family.CORE),
    key=_key,
)
register_panel(
    "investments.Investment",
    name="decisions",
    template="decisions/includes/panel.html",
    context=_context("investments", "investering"),
    order=10,
    families=(Family.RECORDS, Family.CORE),
    key=_key,
)
