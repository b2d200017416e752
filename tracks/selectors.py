"""Reads of the plan's content that take more than one query."""

import datetime as dt

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from omstilling.models import Plan, Role, User
from omstilling.quarters import Quarter
from tracks.models import (
    Initiative,
    Milestone,
    MilestoneEvent,
    Recommendation,
    Spor,
    StatusUpdate,
    Theme,
    WorkState,
)

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
        initiatives__current_status__isnull=False, initiatives__archived_on__isnull=True
    )
    return list(
        Spor.objects.filter(plan=plan)
        .active()
        .annotate(
            progress=Avg("initiatives__current_status__progress", filter=counted),
            counted_initiatives=Count("initiatives", filter=counted, distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "initiatives",
                queryset=initiatives_with_status().active().order_by("order", "pk"),
            ),
            Prefetch("themes", queryset=Theme.objects.active().order_by("order", "pk")),
            "lead_areas",
        )
        .order_by("number")
    )


# The archive listed on the overview is bounded: the newest this many of each kind, with counts.
ARCHIVE_LIMIT = 20


def archived_content(*, plan: Plan) -> dict:
    """Archived spor, themes and tiltag of a plan, newest first (readable, out of the figures):
    at most ARCHIVE_LIMIT of each, three queries (and a count for a kind with more)."""
    result = {}
    for key, queryset in (
        ("spor", Spor.objects.filter(plan=plan)),
        ("themes", Theme.objects.filter(spor__plan=plan).select_related("spor")),
        ("initiatives", Initiative.objects.filter(plan=plan)),
    ):
        archived = queryset.filter(archived_on__isnull=False).order_by("-archived_on", "-pk")
        rows = list(archived[: ARCHIVE_LIMIT + 1])
        result[key] = rows[:ARCHIVE_LIMIT]
        result[f"{key}_count"] = archived.count() if len(rows) > ARCHIVE_LIMIT else len(rows)
    return result


def initiative_list(*, plan: Plan, filters: dict) -> QuerySet[Initiative]:
    """Initiatives of a plan filtered by the list page's cleaned filter values."""
    qs = initiatives_with_status().filter(plan=plan).active()
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
    """Milestones (each re-planned one with its latest move), archived milestones apart, status
    history and recommendations of one initiative (four queries)."""
    rows = list(
        initiative.milestones.select_related("institution", "completed_by")
        .prefetch_related(_moves())
        .order_by("planned_quarter", "planned_date", "order", "pk")
    )
    history = list(initiative.status_updates.select_related("author").order_by("-version"))
    recommendations = list(
        Recommendation.objects.filter(initiatives=initiative).select_related("theme")
    )
    return {
        "milestones": [m for m in rows if not m.is_archived],
        "archived_milestones": [m for m in rows if m.is_archived],
        "history": history,
        "recommendations": recommendations,
    }


def _moves() -> Prefetch:
    """A milestone's re-plans, newest first, as `milestone.moves` ("flyttet fra … til …")."""
    moves = MilestoneEvent.objects.filter(kind=MilestoneEvent.Kind.REPLANNED).select_related("by")
    return Prefetch("events", queryset=moves, to_attr="moves")


def milestone_row(*, pk: int) -> Milestone:
    """One milestone as its row on the tiltag page shows it (two queries)."""
    return (
        Milestone.objects.select_related("initiative", "institution", "completed_by")
        .prefetch_related(_moves())
        .get(pk=pk)
    )


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
        Milestone.objects.filter(scope, initiative__plan=plan, cancelled_on__isnull=True)
        .active()
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
        .active()
        .select_related("institution")
        .order_by("initiative_id", "planned_quarter", "planned_date", "order", "pk")
    )


def _due_by(day: dt.date) -> Q:
    """Open and due on or before `day`: the planned date, else the planned quarter's last day
    (a quarter ends on or before `day` when it begins before the quarter of the day after)."""
    after = Quarter.of(day + dt.timedelta(days=1)).first_day
    return Milestone.open_condition() & (
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
        .active()
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


def replanned_events(*, plan: Plan, since: dt.datetime, until: dt.datetime | None = None):
    """Re-plans of the plan's milestones made from `since` (to `until`), newest first: the
    log rows with their milestone and tiltag (a queryset: slice or count it). Archived
    milestones are left out, as from every figure."""
    events = MilestoneEvent.objects.filter(
        kind=MilestoneEvent.Kind.REPLANNED,
        milestone__initiative__plan=plan,
        milestone__archived_on__isnull=True,
        at__gte=since,
    )
    if until is not None:
        events = events.filter(at__lt=until)
    return events.select_related("milestone__initiative", "by").order_by("-at", "-pk")


def replanned_summary(*, plan: Plan, today: dt.date | None = None) -> dict:
    """The dashboard's line: how many milestones were re-planned this quarter (one query)."""
    quarter = Quarter.of(today or timezone.localdate())
    since = _quarter_began(quarter)
    count = replanned_events(plan=plan, since=since).values("milestone").distinct().count()
    return {"quarter": quarter, "count": count}


def _quarter_began(quarter: Quarter) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(quarter.first_day, dt.time.min))
