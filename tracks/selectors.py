"""Reads of the plan's content that take more than one query."""

import datetime as dt

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone

from omstilling.models import Plan, User
from tracks.models import Initiative, Milestone, Recommendation, Spor, StatusUpdate, WorkState

# Shown on screen next to every spor's progress, so the roll-up is never a mystery.
PROGRESS_RULE = (
    "Sporets fremdrift er gennemsnittet af fremdriften i sporets tiltag, der har fået en "
    "statusopdatering. Opgivne tiltag og tiltag uden status tælles ikke med."
)


def current_plan() -> Plan | None:
    return Plan.objects.order_by("pk").first()


def initiatives_with_status() -> QuerySet[Initiative]:
    return Initiative.objects.select_related(
        "spor", "theme", "lead_area", "owner", "owner_body", "current_status"
    )


def spor_overview(*, plan: Plan) -> list[Spor]:
    """All spor with their initiatives (and each one's current status) and the progress roll-up.

    Three queries whatever the size of the plan: spor with aggregates, initiatives, lead areas.
    """
    counted = ~Q(initiatives__current_status__state=WorkState.OPGIVET) & Q(
        initiatives__current_status__isnull=False
    )
    return list(
        Spor.objects.filter(plan=plan)
        .annotate(
            progress=Avg("initiatives__current_status__progress", filter=counted),
            counted_initiatives=Count("initiatives", filter=counted, distinct=True),
        )
        .prefetch_related(
            Prefetch("initiatives", queryset=initiatives_with_status().order_by("order", "pk")),
            "lead_areas",
        )
        .order_by("number")
    )


def initiative_list(*, plan: Plan, filters: dict) -> QuerySet[Initiative]:
    """Initiatives of a plan filtered by the list page's cleaned filter values."""
    qs = initiatives_with_status().filter(plan=plan)
    if filters.get("spor"):
        qs = qs.filter(spor=filters["spor"])
    status = filters.get("status")
    if status == "ingen":
        qs = qs.filter(current_status__isnull=True)
    elif status:
        qs = qs.filter(current_status__state=status)
    if filters.get("health"):
        qs = qs.filter(current_status__health=filters["health"])
    if filters.get("owner"):
        owner = filters["owner"]
        qs = qs.filter(Q(owner=owner) | Q(owner_body__members=owner)).distinct()
    if filters.get("area"):
        qs = qs.filter(lead_area=filters["area"])
    quarter = filters.get("quarter")
    if quarter:
        qs = qs.filter(start_quarter__lte=quarter.first_day).filter(
            Q(end_quarter__isnull=True) | Q(end_quarter__gte=quarter.first_day)
        )
    text = (filters.get("q") or "").strip()
    if text:
        qs = qs.filter(
            Q(title__icontains=text) | Q(description__icontains=text) | Q(slug__icontains=text)
        )
    return qs.order_by("spor__number", "order", "pk")


def initiative_detail(*, initiative: Initiative) -> dict:
    """Milestones, status history and recommendations of one initiative (three queries)."""
    milestones = list(
        initiative.milestones.select_related("institution", "completed_by").order_by(
            "planned_quarter", "planned_date", "order", "pk"
        )
    )
    history = list(initiative.status_updates.select_related("author").order_by("-version"))
    recommendations = list(
        Recommendation.objects.filter(initiatives=initiative).select_related("theme")
    )
    return {"milestones": milestones, "history": history, "recommendations": recommendations}


def status_history(*, initiative: Initiative) -> list[StatusUpdate]:
    return list(initiative.status_updates.select_related("author").order_by("-version"))


def milestones_for_user(*, user: User, today: dt.date | None = None) -> list[Milestone]:
    """ "Mine milepæle": a leader's institutions' milestones and those of initiatives they own.

    Overdue first, then by due date; completed ones last.
    """
    today = today or timezone.localdate()
    scope = Q(institution__in=user.institutions.all()) | Q(initiative__owner=user)
    scope |= Q(initiative__owner_body__members=user)
    milestones = list(
        Milestone.objects.filter(scope)
        .select_related("initiative__spor", "institution", "completed_by")
        .distinct()
    )

    def sort_key(milestone: Milestone):
        return (
            milestone.is_done,
            not milestone.is_overdue(today),
            milestone.due_date if not milestone.is_done else -milestone.completed_on.toordinal(),
            milestone.pk,
        )

    return sorted(milestones, key=sort_key)
