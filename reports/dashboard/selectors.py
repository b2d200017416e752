"""Reads for the BFU dashboard. Aggregates are computed in the database; every function runs a
fixed number of queries, however many initiatives, milestones, updates and investments there are.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, Sum
from django.utils import timezone

from omstilling.models import Area, Plan
from omstilling.quarters import Quarter
from reports.models import Report, ReportKind, ReportState
from tracks.models import Initiative, Milestone, Recommendation, Spor, StatusUpdate, WorkState

# The dashboard's "since when" before there is a BFU report to count from.
CHANGE_WINDOW_DAYS = 90


def changes_since(*, today: dt.date) -> dt.date:
    """The first day of the window in which status changes are shown on the dashboard:
    the day the last quarterly report to BFU was compiled, or, before the first one, `today`
    − 90 days. One query."""
    last = (
        Report.objects.filter(
            kind=ReportKind.KVARTALSRAPPORT,
            state=ReportState.FAERDIG,
            finished_at__date__lte=today,
        )
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    if last is not None:
        return timezone.localdate(last)
    return today - dt.timedelta(days=CHANGE_WINDOW_DAYS)


@dataclass(frozen=True)
class Scope:
    """The dashboard's filters; applied to every section through the initiatives they touch."""

    spor: Spor | None = None
    area: Area | None = None

    @property
    def is_filtered(self) -> bool:
        return bool(self.spor or self.area)

    def q(self, prefix: str = "") -> Q:
        """A filter on initiatives, reached from another model through `prefix`. Archived
        initiatives are never in scope: they drop out of every figure."""
        q = Q(**{f"{prefix}archived_on__isnull": True})
        if self.spor:
            q &= Q(**{f"{prefix}spor": self.spor})
        if self.area:
            q &= Q(**{f"{prefix}lead_area": self.area})
        return q


def _counted(q: Q) -> Count:
    return Count("initiatives", filter=q) if q else Count("initiatives")


def spor_status(*, plan: Plan, scope: Scope) -> list[Spor]:
    """The plan's spor, each with its initiatives counted per work state and its progress.

    Annotations: `n_<state>` for each WorkState, `n_ingen` (no status yet), `n_total`, and
    `progress_sum` / `n_counted` over the initiatives that count for progress (PROGRESS_RULE:
    those with a status that are not abandoned). Two queries: spor with counts, lead areas.
    """
    within = scope.q("initiatives__")
    counts = {
        f"n_{state}": _counted(within & Q(initiatives__current_status__state=state))
        for state in WorkState.values
    }
    counted = (
        within
        & Q(initiatives__current_status__isnull=False)
        & ~Q(initiatives__current_status__state=WorkState.OPGIVET)
    )
    spor = Spor.objects.filter(plan=plan, archived_on__isnull=True)
    if scope.spor:
        spor = spor.filter(pk=scope.spor.pk)
    return list(
        spor.annotate(
            **counts,
            n_ingen=_counted(within & Q(initiatives__current_status__isnull=True)),
            n_total=_counted(within),
            n_counted=_counted(counted),
            progress_sum=Sum("initiatives__current_status__progress", filter=counted),
        )
        .prefetch_related("lead_areas")
        .order_by("number")
    )


def status_changes(*, plan: Plan, scope: Scope, since: dt.date) -> list[Initiative]:
    """Initiatives whose status (work state or health) differs from what it was on `since`.

    Compares the current status with the last one recorded before `since` (annotated as
    `previous_state` / `previous_health`, None if there was none). An initiative that changed
    and changed back within the window is not listed: the committee sees net changes. One query.
    """
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    before = StatusUpdate.objects.filter(initiative=OuterRef("pk"), created_at__lt=start).order_by(
        "-version"
    )
    return list(
        Initiative.objects.filter(scope.q(), plan=plan, current_status__created_at__gte=start)
        .annotate(
            previous_state=Subquery(before.values("state")[:1]),
            previous_health=Subquery(before.values("health")[:1]),
        )
        .filter(
            Q(previous_state__isnull=True)
            | ~Q(previous_state=F("current_status__state"))
            | ~Q(previous_health=F("current_status__health"))
        )
        .select_related("spor", "current_status")
        .order_by("spor__number", "-current_status__created_at", "pk")
    )


def milestone_quarters(*, plan: Plan, scope: Scope, today: dt.date) -> dict[Quarter, dict]:
    """Milestones per planned quarter: `done`, `due` (open, not yet due) and `overdue`.

    One query."""
    rows = (
        Milestone.objects.filter(scope.q("initiative__"), initiative__plan=plan)
        .filter(archived_on__isnull=True)
        .values("planned_quarter")
        .annotate(
            done=Count("pk", filter=Q(completed_on__isnull=False)),
            due=Count("pk", filter=Milestone.not_yet_due_condition(today)),
            overdue=Count("pk", filter=Milestone.overdue_condition(today)),
        )
        .order_by("planned_quarter")
    )
    return {
        Quarter.of(row["planned_quarter"]): {k: row[k] for k in ("done", "due", "overdue")}
        for row in rows
    }


def overdue_milestones(*, plan: Plan, scope: Scope, today: dt.date) -> list[Milestone]:
    """Open milestones past their due date, longest overdue first, with initiative and owner.

    One query.
    """
    milestones = list(
        Milestone.objects.overdue(today)
        .filter(scope.q("initiative__"), initiative__plan=plan)
        .select_related(
            "initiative__spor", "initiative__owner", "initiative__owner_body", "institution"
        )
        .order_by("planned_quarter", "planned_date", "pk")
    )
    return sorted(milestones, key=lambda m: (m.due_date, m.initiative.spor.number, m.pk))


def recommendation_coverage(*, plan: Plan, scope: Scope) -> list[Recommendation]:
    """The §17.4 recommendations with the initiatives in scope that carry them (`carrying`)
    and how many initiatives carry each in the whole plan (`n_initiatives`). Two queries."""
    carrying = (
        Initiative.objects.filter(scope.q(), plan=plan)
        .select_related("spor", "current_status")
        .order_by("spor__number", "order", "pk")
    )
    return list(
        Recommendation.objects.filter(theme__plan=plan)
        .select_related("theme")
        .annotate(
            n_initiatives=Count("initiatives", filter=Q(initiatives__archived_on__isnull=True))
        )
        .prefetch_related(Prefetch("initiatives", queryset=carrying, to_attr="carrying"))
        .order_by("theme__number", "number")
    )
