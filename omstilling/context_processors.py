from django.utils.functional import SimpleLazyObject

from omstilling.models import Plan


def portal(request):
    """The current plan (the portal carries one municipality's plan), fetched only if used."""
    return {
        "current_plan": SimpleLazyObject(
            lambda: Plan.objects.order_by("pk").only("title", "municipality", "department").first()
        )
    }
