from django.conf import settings
from django.utils.functional import SimpleLazyObject

from omstilling.access import (
    INVESTMENT_READERS,
    MILESTONE_ROLES,
    can_change_own_password,
    chosen_plan,
    request_current_plan,
)
from omstilling.models import PlanNames


def _names(request, current) -> PlanNames | None:
    plan = chosen_plan(request) or current
    return plan.names if plan else None


def _has_pool(request, current) -> bool:
    plan = chosen_plan(request) or current
    return bool(plan) and plan.has_pool


def portal(request):
    """The current plan (the portal carries one municipality's plan), fetched only if used,
    and which roles see which menu entries (the views check access themselves)."""
    current = SimpleLazyObject(lambda: request_current_plan(request))
    return {
        "accessibility_statement_url": settings.ACCESSIBILITY_STATEMENT_URL,
        "current_plan": current,
        # A plan chosen in the plan chooser: the reading pages show it instead of the current
        # one, and base.html says so when it is an earlier one.
        "chosen_plan": SimpleLazyObject(lambda: chosen_plan(request)),
        # What the municipality calls its bodies (committee, approving body, advisory committee,
        # department), for the plan shown: `{{ plan_names.committee_short }}` instead of "BFU".
        "plan_names": SimpleLazyObject(lambda: _names(request, current)),
        # Whether the plan shown has an investment pool: without one, the menu leaves it out.
        "plan_has_pool": SimpleLazyObject(lambda: _has_pool(request, current)),
        "milestone_roles": MILESTONE_ROLES,
        "investment_reader_roles": INVESTMENT_READERS,
        "can_change_password": SimpleLazyObject(
            lambda: hasattr(request, "user") and can_change_own_password(request.user)
        ),
    }
