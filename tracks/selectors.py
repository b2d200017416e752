"""Reads of the plan's content that take more than one query."""

import datetime as dt

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from omstilling.models import Plan, Role, User
from omstilling.quarters import Quarter
from tracks.models import Initiative, Milestone, Recommendation, Spor, StatusUpdate, WorkState

# Shown on screen next to every spor's progress, so the roll-up is never a mystery (the Danish
# source text; translate it with gettext where it is shown).
PROGRESS_RULE = gettext_noop(
    "Sporets fremdrift er gennemsnittet af fremdriften i sporets tiltag, der har fået en "
    "statusopdatering. Opgivne tiltag og tiltag uden status tælles ikke med."
)


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


def milestones_for_user(
    *, user: User, plan: Plan | int | None, today: dt.date | None = None
) -> list[Milestone]:
    """ "Mine milepæle": a leader's institutions' milestones and those of initiatives they own,
    in `plan` (the current one: an earlier plan's milestones are nobody's work any more).

    Overdue first, then by due date; completed ones last.
    """
    today = today or timezone.localdate()
    scope = Q(institution__in=user.institutions.all()) | Q(initiative__owner=user)
    scope |= Q(initiative__owner_body__members=user)
    milestones = list(
        Milestone.objects.filter(scope, initiative__plan=plan)
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


def plan_milestones(*, plan: Plan) -> list[Milestone]:
    """Every milestone of the plan with its institution, in the plan's order (one query)."""
    return list(
        Milestone.objects.filter(initiative__plan=plan)
        .select_related("institution")
        .order_by("initiative_id", "planned_quarter", "planned_date", "order", "pk")
    )


def _due_by(day: dt.date) -> Q:
    """Open and due on or before `day`: the planned date, else the planned quarter's last day
    (a quarter ends on or before `day` when it begins before the quarter of the day after)."""
    after = Quarter.of(day + dt.timedelta(days=1)).first_day
    return Q(completed_on__isnull=True) & (
        Q(planned_date__lte=day) | Q(planned_date__isnull=True, planned_quarter__lt=after)
    )


def open_milestones_due_by(*, plan: Plan, day: dt.date) -> list[Milestone]:
    """Open milestones due on or before `day`, overdue ones included, with who answers for
    them: the initiative's owner, the active members of its owning group
    (`initiative.owner_body.active_members`) and the active leaders of the milestone's
    institution (`institution.leaders`). Three queries."""
    active = User.objects.filter(is_active=True)
    return list(
        Milestone.objects.filter(_due_by(day), initiative__plan=plan)
        .select_related("initiative__spor", "initiative__owner", "initiative__owner_body")
        .select_related("institution")
        .prefetch_related(
            Prefetch("initiative__owner_body__members", queryset=active, to_attr="active_members"),
            Prefetch(
                "institution__users",
                queryset=active.filter(role=Role.LEDER),
                to_attr="leaders",
            ),
        )
        .order_by("planned_quarter", "planned_date", "pk")
    )


def initiatives_without_status_since(*, plan: Plan, since: dt.datetime) -> list[Initiative]:
    """Initiatives with an owner (a person or a group) that are not finished or abandoned and
    have had no status update since `since`, with the owning group's active members
    (`owner_body.active_members`). Two queries."""
    return list(
        initiatives_with_status()
        .filter(plan=plan)
        .filter(Q(owner__isnull=False) | Q(owner_body__isnull=False))
        .exclude(current_status__state__in=[WorkState.AFSLUTTET, WorkState.OPGIVET])
        .filter(Q(current_status__isnull=True) | Q(current_status__created_at__lt=since))
        .prefetch_related(
            Prefetch(
                "owner_body__members",
                queryset=User.objects.filter(is_active=True),
                to_attr="active_members",
            )
        )
        .order_by("spor__number", "order", "pk")
    )


def published_status_updates() -> QuerySet[StatusUpdate]:
    """The status updates that may be shown outside the working group: today every update is
    published when it is saved. The one place that will leave drafts out once there are any
    (the public page and the open data read status through here)."""
    return StatusUpdate.objects.all()
