"""Reading the register: the list page, the panels on other pages and the report."""

import datetime as dt

from django.db.models import Prefetch, QuerySet

from decisions.models import Decision
from investments.models import Investment
from omstilling.models import Plan
from tracks.models import Initiative, Recommendation

PANEL_LIMIT = 10  # decisions a tiltag's or an investment's page shows; the rest by a link


def _with_links(queryset: QuerySet) -> QuerySet:
    """Decisions with what they concern (three queries for the links, whatever the count)."""
    return queryset.select_related("by").prefetch_related(
        Prefetch("initiatives", queryset=Initiative.objects.only("pk", "title", "plan_id")),
        Prefetch("investments", queryset=Investment.objects.only("pk", "title", "plan_id")),
        Prefetch(
            "recommendations", queryset=Recommendation.objects.only("pk", "number", "theme_id")
        ),
    )


def decision_list(
    *,
    plan: Plan,
    initiative: int | None = None,
    investment: int | None = None,
    recommendation: int | None = None,
) -> QuerySet:
    """The current decisions of the plan, newest meeting first, optionally those concerning
    one tiltag, investment or recommendation. Sliced by the caller (paginated)."""
    queryset = Decision.objects.current().filter(plan=plan)
    if initiative:
        queryset = queryset.filter(initiatives=initiative)
    if investment:
        queryset = queryset.filter(investments=investment)
    if recommendation:
        queryset = queryset.filter(recommendations=recommendation)
    return _with_links(queryset)


def decisions_concerning(*, relation: str, obj) -> tuple[list[Decision], int]:
    """The latest PANEL_LIMIT current decisions concerning `obj` through `relation`
    ("initiatives", "investments", "recommendations"), and how many there are in all."""
    queryset = Decision.objects.current().filter(**{relation: obj})
    rows = list(queryset.select_related("by")[:PANEL_LIMIT])
    total = len(rows) if len(rows) < PANEL_LIMIT else queryset.count()
    return rows, total


def decision_history(*, decision: Decision) -> list[Decision]:
    """The earlier rows a decision corrects, newest first (a chain: one query per step, and a
    chain is as long as the corrections made by hand)."""
    chain = []
    row = decision.corrects
    while row is not None:
        chain.append(row)
        row = row.corrects
    return chain


def decisions_in_period(*, plan: Plan, first: dt.date, last: dt.date) -> QuerySet:
    """The current decisions of meetings from `first` to `last`, oldest first (the report)."""
    return _with_links(
        Decision.objects.current()
        .filter(plan=plan, meeting_date__range=(first, last))
        .order_by("meeting_date", "pk")
    )
