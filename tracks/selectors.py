"""Reads of the plan's content that take more than one query."""

import datetime as dt

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from omstilling.models import Plan, Role, User
from omstilling.quarters import Quarter, quarter_began
from tracks.models import (
    Health,
    Initiative,
    Milestone,
    MilestoneState,
    Recommendation,
    Spor,
    StatusUpdate,
    WorkState,
)

# Shown on screen next to every spor's progress, so the roll-up is never a mystery (the Danish
# source text; translate it with gettext where it is shown).
PROGRESS_RULE = gettext_noop(
    "Sporets fremdrift er gennemsnittet af fremdriften i sporets tiltag, der har fået en "
    "statusopdatering. Opgivne tiltag og tiltag uden status tælles ikke med."
)


# Tiltag that are finished or given up need no attention.
CLOSED = (WorkState.AFSLUTTET, WorkState.OPGIVET)


class Attention(models.TextChoices):
    """Tiltag that need attention, as BFU's verdict counts them (reports/verdict.py) and the
    tiltag list filters them, so that "se alle" lists exactly the counted ones."""

    RED = "roed", _("Røde (bagud)")
    YELLOW = "gul", _("Gule (i risiko)")
    WITHOUT_OWNER = "uden_ejer", _("Uden ejer")
    WITHOUT_UPDATE = "uden_opdatering", _("Ikke opdateret i kvartalet")


def attention_conditions(*, today: dt.date) -> dict[str, Q]:
    """The one home of each kind of attention, as a filter on Initiative. Only tiltag that are
    neither finished nor given up; *without an update* means none since the quarter began."""
    active = ~Q(current_status__state__in=CLOSED)
    return {
        Attention.RED: active & Q(current_status__health=Health.ROED),
        Attention.YELLOW: active & Q(current_status__health=Health.GUL),
        Attention.WITHOUT_OWNER: active & Q(owner__isnull=True, owner_body__isnull=True),
        Attention.WITHOUT_UPDATE: active
        & (Q(current_status__isnull=True) | Q(current_status__created_at__lt=quarter_began(today))),
    }


def changed_since(initiatives: QuerySet[Initiative], *, since: dt.date) -> QuerySet[Initiative]:
    """The initiatives whose status (work state or health) differs from what it was on `since`.

    Compares the current status with the last one recorded before `since` (annotated as
    `previous_state` / `previous_health`, None if there was none). An initiative that changed
    and changed back in between is not one of them: net changes only."""
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    before = StatusUpdate.objects.filter(initiative=OuterRef("pk"), created_at__lt=start).order_by(
        "-version"
    )
    return (
        initiatives.filter(current_status__created_at__gte=start)
        .annotate(
            previous_state=Subquery(before.values("state")[:1]),
            previous_health=Subquery(before.values("health")[:1]),
        )
        .filter(
            Q(previous_state__isnull=True)
            | ~Q(previous_state=F("current_status__state"))
            | ~Q(previous_health=F("current_status__health"))
        )
    )


def initiatives_with_status() -> QuerySet[Initiative]:
    return Initiative.objects.select_related(
        "spor", "theme", "lead_area", "owner", "owner_body", "current_status"
    )


# The overview names this many tiltag per spor; the rest are a count and a link to the list.
OVERVIEW_PER_SPOR = 10


def spor_overview(*, plan: Plan) -> list[Spor]:
    """All spor with their first `OVERVIEW_PER_SPOR` initiatives (`shown`, each with its
    current status), how many they have (`n_initiatives`) and the progress roll-up.

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
            n_initiatives=Count("initiatives", distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "initiatives",
                queryset=initiatives_with_status().order_by("order", "pk")[:OVERVIEW_PER_SPOR],
                to_attr="shown",
            ),
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
    if filters.get("recommendation"):
        qs = qs.filter(recommendations=filters["recommendation"])
    if filters.get("attention"):
        qs = qs.filter(attention_conditions(today=timezone.localdate())[filters["attention"]])
    if filters.get("changed_since"):
        qs = changed_since(qs, since=filters["changed_since"])
    text = (filters.get("q") or "").strip()
    if text:
        qs = qs.filter(
            Q(title__icontains=text) | Q(description__icontains=text) | Q(slug__icontains=text)
        )
    return qs.order_by("spor__number", "order", "pk")


def milestone_list(*, plan: Plan, filters: dict, today: dt.date) -> QuerySet[Milestone]:
    """The plan's milestones filtered by the milestone list's cleaned filter values, soonest
    (or longest overdue) due first: a planned date lies in its quarter, so quarter, then date
    with undated last, is the order of the due dates."""
    qs = Milestone.objects.filter(initiative__plan=plan).select_related(
        "initiative__spor", "initiative__owner", "initiative__owner_body", "institution"
    )
    state = filters.get("state")
    if state == MilestoneState.OVERDUE:
        qs = qs.filter(Milestone.overdue_condition(today))
    elif state == MilestoneState.PLANNED:
        qs = qs.filter(Milestone.not_yet_due_condition(today))
    elif state == MilestoneState.DONE:
        qs = qs.filter(completed_on__isnull=False)
    if filters.get("spor"):
        qs = qs.filter(initiative__spor=filters["spor"])
    if filters.get("area"):
        qs = qs.filter(initiative__lead_area=filters["area"])
    return qs.order_by("planned_quarter", F("planned_date").asc(nulls_last=True), "pk")


def initiative_detail(*, initiative: Initiative) -> dict:
    """Milestones and recommendations of one initiative (two queries); the status history is
    read a page at a time (`status_history`)."""
    milestones = list(
        initiative.milestones.select_related("institution", "completed_by").order_by(
            "planned_quarter", "planned_date", "order", "pk"
        )
    )
    recommendations = list(
        Recommendation.objects.filter(initiatives=initiative).select_related("theme")
    )
    return {"milestones": milestones, "recommendations": recommendations}


HISTORY_PER_PAGE = 10


def status_history(*, initiative: Initiative, page: int | str | None = 1) -> Page:
    """One page of the status history, newest first: the newest ten, then older ones on
    demand ("Vis ældre"). Two queries (the count and the page's rows)."""
    updates = initiative.status_updates.select_related("author").order_by("-version")
    return Paginator(updates, HISTORY_PER_PAGE).get_page(page)


def milestones_for_user(
    *, user: User, plan: Plan | int | None, today: dt.date | None = None
) -> QuerySet[Milestone]:
    """ "Mine milepæle": a leader's institutions' milestones and those of initiatives they own,
    in `plan` (the current one: an earlier plan's milestones are nobody's work any more).

    Overdue first, then the open ones by due date (a planned date lies in its quarter, so
    quarter, then date with undated last, is the order of the due dates); completed ones last,
    the latest completed first. Ordered in SQL, so that a page of them is one query.
    """
    today = today or timezone.localdate()
    scope = Q(institution__in=user.institutions.all()) | Q(initiative__owner=user)
    scope |= Q(initiative__owner_body__members=user)
    mine = Milestone.objects.filter(scope, initiative__plan=plan).values("pk")
    group = Case(
        When(completed_on__isnull=False, then=Value(2)),
        When(Milestone.overdue_condition(today), then=Value(0)),
        default=Value(1),
    )
    return (
        Milestone.objects.filter(pk__in=mine)
        .select_related("initiative__spor", "institution", "completed_by")
        .order_by(
            group,
            F("completed_on").desc(nulls_last=True),
            "planned_quarter",
            F("planned_date").asc(nulls_last=True),
            "pk",
        )
    )


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
