from django.conf import settings
from django.utils.functional import SimpleLazyObject

from omstilling.access import INVESTMENT_READERS, MILESTONE_ROLES, can_change_own_password
from omstilling.models import Plan


def portal(request):
    """The current plan (the portal carries one municipality's plan), fetched only if used,
    and which roles see which menu entries (the views check access themselves)."""
    return {
        "accessibility_statement_url": settings.ACCESSIBILITY_STATEMENT_URL,
        "current_plan": SimpleLazyObject(
            lambda: Plan.objects.only("title", "municipality", "department", "is_current").current()
        ),
        "milestone_roles": MILESTONE_ROLES,
        "investment_reader_roles": INVESTMENT_READERS,
        "can_change_password": SimpleLazyObject(
            lambda: hasattr(request, "user") and can_change_own_password(request.user)
        ),
    }
