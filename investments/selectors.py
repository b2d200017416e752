"""Reads of the pool. Sums are computed by the database, as exact decimals, in a fixed number of
queries however many schools, investments and spendings there are (the dashboard uses these)."""

from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from investments.models import (
    AMOUNT_DECIMAL_PLACES,
    AMOUNT_MAX_DIGITS,
    APPROVED_STATES,
    ZERO,
    DevelopmentSchool,
    Investment,
    InvestmentDecision,
    InvestmentState,
    Spending,
)
from omstilling.models import Institution, Plan
from tracks.models import Initiative

_AMOUNT = DecimalField(max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES)


def _kroner(value: Decimal) -> Decimal:
    """Two decimal places, so sums look the same from every database (SQLite hands back
    computed decimals with up to 15 significant digits, PostgreSQL with the column's scale)."""
    return value.quantize(Decimal("0.01"))


def _sum_or_zero(queryset: QuerySet, group_by: str) -> Coalesce:
    """A correlated subquery summing `amount` over `queryset` per outer row (0 when none).

    Subqueries rather than joins: joining both investments and spendings onto a school would
    multiply the rows and so the sums."""
    total = queryset.values(group_by).annotate(total=Sum("amount")).values("total")
    return Coalesce(Subquery(total, output_field=_AMOUNT), Value(ZERO), output_field=_AMOUNT)


def _decision_subquery(to_state: str, field: str) -> Subquery:
    """A field of the investment's latest decision that moved it to `to_state`."""
    return Subquery(
        InvestmentDecision.objects.filter(investment=OuterRef("pk"), to_state=to_state)
        .order_by("-decided_on", "-pk")
        .values(field)[:1]
    )


def pool_summary(*, plan: Plan) -> dict:
    """The pool in total and per udviklingsskole.

    Returns {"granted", "approved", "spent", "free": Decimal, "schools": [{"school":
    DevelopmentSchool (with .school and .daycares prefetched), "approved": Decimal, "spent":
    Decimal, "investments": int}]}. "approved" counts investments that are godkendt, i gang or
    afsluttet; "free" is granted − approved; "investments" counts a school's investments that
    are not afvist. Four queries: the schools with their sums, their daycares, and two totals.
    """
    school_investments = Investment.objects.filter(development_school=OuterRef("pk"))
    counted = (
        school_investments.exclude(state=InvestmentState.AFVIST)
        .values("development_school")
        .annotate(n=Count("pk"))
        .values("n")
    )
    schools = list(
        DevelopmentSchool.objects.filter(plan=plan)
        .select_related("school")
        .prefetch_related(Prefetch("daycares", queryset=Institution.objects.order_by("name")))
        .annotate(
            approved_sum=_sum_or_zero(
                school_investments.filter(state__in=APPROVED_STATES), "development_school"
            ),
            spent_sum=_sum_or_zero(
                Spending.objects.filter(investment__development_school=OuterRef("pk")),
                "investment__development_school",
            ),
            investment_count=Coalesce(Subquery(counted), Value(0)),
        )
        .order_by("order", "pk")
    )
    approved = approved_total(plan=plan)
    spent = Spending.objects.filter(investment__plan=plan).aggregate(
        total=Coalesce(Sum("amount"), ZERO, output_field=_AMOUNT)
    )["total"]
    granted = _granted(plan)
    return {
        "granted": _kroner(granted),
        "approved": _kroner(approved),
        "spent": _kroner(spent),
        "free": _kroner(granted - approved),
        "schools": [
            {
                "school": school,
                "approved": _kroner(school.approved_sum),
                "spent": _kroner(school.spent_sum),
                "investments": school.investment_count,
            }
            for school in schools
        ],
    }


def _overview_queryset() -> QuerySet[Investment]:
    return (
        Investment.objects.select_related("development_school__school")
        .prefetch_related(
            Prefetch(
                "initiatives",
                queryset=Initiative.objects.select_related("spor").order_by(
                    "spor__number", "order", "pk"
                ),
            )
        )
        .annotate(
            spent=_sum_or_zero(Spending.objects.filter(investment=OuterRef("pk")), "investment"),
            approved=Case(
                When(state__in=APPROVED_STATES, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            treated_on=_decision_subquery(InvestmentState.BEHANDLET_BFU, "decided_on"),
            treated_reference=_decision_subquery(InvestmentState.BEHANDLET_BFU, "reference"),
            approved_on=_decision_subquery(InvestmentState.GODKENDT, "decided_on"),
            approved_reference=_decision_subquery(InvestmentState.GODKENDT, "reference"),
        )
        .order_by("development_school__order", "development_school_id", "created_at", "pk")
    )


def investment_overview(*, plan: Plan) -> QuerySet[Investment]:
    """The plan's investments by udviklingsskole, each annotated with `spent` (Decimal),
    `approved` (bool: godkendt, i gang or afsluttet), `treated_on`/`treated_reference` (BFU)
    and `approved_on`/`approved_reference` (ØKU and gruppeformænd), initiatives prefetched.
    Two queries."""
    return _overview_queryset().filter(plan=plan)


def investment_list(
    *, plan: Plan, development_school: DevelopmentSchool | None = None, state: str = ""
) -> QuerySet[Investment]:
    """The plan's investments for the paged list ("Alle investeringer"), by udviklingsskole,
    annotated as in `investment_overview` but without the initiatives (the list does not show
    them): one query for a page, one for the count."""
    rows = _overview_queryset().prefetch_related(None).filter(plan=plan)
    if development_school is not None:
        rows = rows.filter(development_school=development_school)
    if state:
        rows = rows.filter(state=state)
    return rows


def recently_changed_investments(*, plan: Plan, limit: int) -> list[Investment]:
    """The `limit` investments created or moved along the decision path most recently, newest
    first, annotated as in `investment_list` plus `changed_at` (one query)."""
    last_decision = Subquery(
        InvestmentDecision.objects.filter(investment=OuterRef("pk"))
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    return list(
        _overview_queryset()
        .prefetch_related(None)
        .filter(plan=plan)
        .annotate(changed_at=Greatest("created_at", Coalesce(last_decision, "created_at")))
        .order_by("-changed_at", "-pk")[:limit]
    )


def state_summary(*, plan: Plan) -> list[dict]:
    """The plan's investments per state of the decision path, in its order: [{"state", "count",
    "amount": Decimal}], every state with 0 where there is none (one query)."""
    found = {
        row["state"]: row
        for row in Investment.objects.filter(plan=plan)
        .values("state")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by()
    }
    return [
        {
            "state": state,
            "count": found.get(state, {}).get("count", 0),
            "amount": _kroner(found.get(state, {}).get("amount") or ZERO),
        }
        for state in InvestmentState.values
    ]


def development_school_investments(*, development_school: DevelopmentSchool) -> list[Investment]:
    """One school's investments, annotated as in `investment_overview`."""
    return list(_overview_queryset().filter(development_school=development_school))


def investment_detail(*, investment: Investment) -> dict:
    """An investment's decision history, spending and initiatives (three queries)."""
    decisions = list(investment.decisions.select_related("by").order_by("decided_on", "at", "pk"))
    spendings = list(investment.spendings.select_related("by").order_by("spent_on", "at", "pk"))
    spent = sum((s.amount for s in spendings), Decimal("0.00"))
    initiatives = list(investment.initiatives.select_related("spor").order_by("spor__number"))
    return {
        "decisions": decisions,
        "spendings": spendings,
        "spent": spent,
        "remaining": investment.amount - spent,
        "initiatives": initiatives,
    }


def approved_total(*, plan: Plan) -> Decimal:
    """The sum of the plan's investments that count against the pool (one query)."""
    total = Investment.objects.filter(plan=plan, state__in=APPROVED_STATES).aggregate(
        total=Coalesce(Sum("amount"), ZERO, output_field=_AMOUNT)
    )["total"]
    return _kroner(total)


def spent_total(*, investment: Investment) -> Decimal:
    """What has been spent on one investment (one query)."""
    total = Spending.objects.filter(investment=investment).aggregate(
        total=Coalesce(Sum("amount"), ZERO, output_field=_AMOUNT)
    )["total"]
    return _kroner(total)


def free_amount(*, plan: Plan) -> Decimal:
    """What is left of the pool to approve (one query)."""
    return _granted(plan) - approved_total(plan=plan)


def _granted(plan: Plan) -> Decimal:
    return plan.funding_amount if plan.funding_amount is not None else ZERO
