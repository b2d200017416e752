from django.conf import settings
from django.utils.functional import SimpleLazyObject

from omstilling.access import (
    INVESTMENT_READERS,
    MILESTONE_ROLES,
    can_change_own_password,
    chosen_plan,
)
from omstilling.models import Plan


def portal(request):
    """The current plan (the portal carries one municipality's plan), fetched only if used,
    and which roles see which menu entries (the views check access themselves)."""
    return {
        "accessibility_statement_url": settings.ACCESSIBILITY_STATEMENT_URL,
        "current_plan": SimpleLazyObject(
            lambda: Plan.objects.only(
                "slug", "title", "municipality", "department", "is_current"
            ).current()
        ),
        # A plan chosen in the plan chooser: the reading pages show it instead of the current
        # one, and base.html says so when it is an earlier one.
        "chosen_plan": SimpleLazyObject(lambda: chosen_plan(request)),
        "milestone_roles": MILESTONE_ROLES,
        "investment_reader_roles": INVESTMENT_READERS,
        "can_change_password": SimpleLazyObject(
            lambda: hasattr(request, "user") and can_change_own_password(request.user)
        ),
    }
