"""Reads for the BFU dashboard. Aggregates are computed in the database; every function runs a
fixed number of queries, however many initiatives, milestones, updates and investments there are.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from omstilling.models import Area, Plan
from omstilling.quarters import Quarter
from reports.models import Report, ReportKind, ReportState
from tracks.models import Initiative, Milestone, Recommendation, Spor, WorkState
from tracks.selectors import changed_since, milestone_list

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


# Per spor, the dashboard names the newest changes; the rest are a count and a link.
CHANGES_PER_SPOR = 3
# The overdue milestones named in the milestone section; the rest are a count and a link.
OVERDUE_SHOWN = 10
# The tiltag named under each recommendation; the rest are a count and a link.
CARRYING_SHOWN = 3


def status_changes(
    *, plan: Plan, scope: Scope, since: dt.date
) -> tuple[list[Initiative], dict[int, int]]:
    """The newest `CHANGES_PER_SPOR` net status changes of each spor since `since`
    (`tracks.selectors.changed_since`), and how many there are per spor (spor pk → count).
    Two queries, however many changes there are."""
    changed = changed_since(Initiative.objects.filter(scope.q(), plan=plan), since=since)
    counts = dict(
        Initiative.objects.filter(pk__in=changed.values("pk"))
        .values("spor")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("spor", "n")
    )
    newest = (
        changed.annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("spor"),
                order_by=[F("current_status__created_at").desc(), F("pk").asc()],
            )
        )
        .filter(rank__lte=CHANGES_PER_SPOR)
        .select_related("spor", "current_status")
        .order_by("spor__number", "-current_status__created_at", "pk")
    )
    return list(newest), counts


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


def overdue_milestones(
    *, plan: Plan, scope: Scope, today: dt.date, limit: int = OVERDUE_SHOWN
) -> list[Milestone]:
    """The `limit` open milestones longest past their due date, with initiative and owner, in
    the order of `tracks.selectors.milestone_list` (which "se alle" opens). One query; the
    count is `milestone_quarters`'s."""
    return list(
        milestone_list(plan=plan, filters={}, today=today)
        .filter(Milestone.overdue_condition(today))
        .filter(scope.q("initiative__"))[:limit]
    )


def recommendation_coverage(*, plan: Plan, scope: Scope) -> list[Recommendation]:
    """The §17.4 recommendations with the first `CARRYING_SHOWN` initiatives in scope that
    carry them (`carrying`), how many in scope carry each (`n_carrying`) and how many in the
    whole plan (`n_initiatives`). Two queries."""
    carrying = (
        Initiative.objects.filter(scope.q(), plan=plan)
        .select_related("spor", "current_status")
        .order_by("spor__number", "order", "pk")
    )[:CARRYING_SHOWN]
    in_scope = scope.q("initiatives__")
    return list(
        Recommendation.objects.filter(theme__plan=plan)
        .select_related("theme")
        .annotate(
            n_initiatives=Count("initiatives", filter=Q(initiatives__archived_on__isnull=True)),
            n_carrying=Count("initiatives", filter=in_scope),
        )
        .prefetch_related(Prefetch("initiatives", queryset=carrying, to_attr="carrying"))
        .order_by("theme__number", "number")
    )
