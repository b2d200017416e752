"""Reads for visitation: the workspace's lists and the KPIs' raw numbers (aggregated in SQL).

The KPI functions return plain counts. They are not fit to show to BFU as they are: the
reports app passes them through disclosure control (reports/disclosure.py) first.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from omstilling.models import Institution, User
from omstilling.quarters import Quarter
from visitation.models import (
    CountImport,
    DecisionKind,
    KpiTarget,
    Level,
    PreReferral,
    PreReferralOutcome,
    Referral,
    ReferralMonthStats,
    SpecialOfferCount,
    school_year_of,
)

REFERRAL_FIGURES = (
    "referrals",
    "referrals_preceded",
    "pre_referrals_stayed",
    "pre_referrals_referred",
    "school_start_direct",
)


# --- the workspace ---------------------------------------------------------------------------


def pre_referrals_for_workspace(
    *, case_key: str | None = None, recorded_by: User | None = None
) -> QuerySet[PreReferral]:
    queryset = PreReferral.objects.select_related("institution")
    if case_key:
        queryset = queryset.filter(case_key=case_key)
    if recorded_by is not None:
        queryset = queryset.filter(recorded_by=recorded_by)
    return queryset.order_by("-held_on", "-pk")


def referrals_for_workspace(
    *, case_key: str | None = None, recorded_by: User | None = None
) -> QuerySet[Referral]:
    queryset = Referral.objects.select_related("institution")
    if case_key:
        queryset = queryset.filter(case_key=case_key)
    if recorded_by is not None:
        queryset = queryset.filter(recorded_by=recorded_by)
    return queryset.order_by("-received_on", "-pk")


def recent_imports(*, limit: int = 10) -> list[CountImport]:
    return list(CountImport.objects.select_related("imported_by")[:limit])


def counts_for_quarter(*, quarter: Quarter) -> QuerySet[SpecialOfferCount]:
    """A quarter's counts per institution and level, for a paged table (a row per institution
    and level: it grows with the municipality)."""
    return (
        SpecialOfferCount.objects.filter(quarter=quarter.first_day)
        .select_related("institution")
        .order_by("level", "institution__name", "pk")
    )


def counted_quarters() -> list[Quarter]:
    days = (
        SpecialOfferCount.objects.order_by("-quarter").values_list("quarter", flat=True).distinct()
    )
    return [Quarter.of(day) for day in days]


# --- KPI: children in special offers ---------------------------------------------------------


@dataclass(frozen=True)
class QuarterCounts:
    quarter: Quarter
    dagtilbud: int | None
    skole: int | None

    @property
    def total(self) -> int | None:
        if self.dagtilbud is None and self.skole is None:
            return None
        return (self.dagtilbud or 0) + (self.skole or 0)


def special_offers_by_quarter() -> list[QuarterCounts]:
    """Children in special offers per quarter and level, summed over institutions (1 query)."""
    sums: dict[Quarter, dict[str, int]] = defaultdict(dict)
    rows = (
        SpecialOfferCount.objects.values("quarter", "level")
        .annotate(n=Sum("children_in_special_offers"))
        .order_by("quarter", "level")
    )
    for row in rows:
        sums[Quarter.of(row["quarter"])][row["level"]] = row["n"]
    return [
        QuarterCounts(
            quarter=quarter,
            dagtilbud=levels.get(Level.DAGTILBUD),
            skole=levels.get(Level.SKOLE),
        )
        for quarter, levels in sorted(sums.items())
    ]


@dataclass(frozen=True)
class InstitutionCount:
    institution_id: int
    name: str
    quarter: Quarter
    children_in_special_offers: int
    district_pupils: int | None


def special_offers_by_institution(*, level: str = Level.SKOLE) -> list[InstitutionCount]:
    """Per district school (or daycare) and quarter: children in special offers and, where
    known, pupils of the district (1 query)."""
    rows = (
        SpecialOfferCount.objects.filter(level=level)
        .values("institution_id", "institution__name", "quarter")
        .annotate(
            n=Sum("children_in_special_offers"),
            pupils=Sum("district_pupils"),
            known=Count("district_pupils"),
            rows=Count("pk"),
        )
        .order_by("institution__name", "quarter")
    )
    return [
        InstitutionCount(
            institution_id=row["institution_id"],
            name=row["institution__name"],
            quarter=Quarter.of(row["quarter"]),
            children_in_special_offers=row["n"],
            district_pupils=row["pupils"] if row["known"] == row["rows"] else None,
        )
        for row in rows
    ]


# --- KPI targets -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetPoint:
    target: float | None
    baseline: float | None


def kpi_targets() -> dict[str, dict[Quarter, TargetPoint]]:
    """Every indicator's targets and baselines by quarter (1 query).

    The baseline is carried forward from the quarter it was set in to later quarters that
    name none (it is entered once, when measured).
    """
    by_indicator: dict[str, dict[Quarter, TargetPoint]] = defaultdict(dict)
    for row in KpiTarget.objects.order_by("indicator", "quarter").values(
        "indicator", "quarter", "target", "baseline"
    ):
        by_indicator[row["indicator"]][Quarter.of(row["quarter"])] = TargetPoint(
            target=float(row["target"]) if row["target"] is not None else None,
            baseline=float(row["baseline"]) if row["baseline"] is not None else None,
        )
    return dict(by_indicator)


def baseline_for(points: dict[Quarter, TargetPoint], quarter: Quarter) -> float | None:
    """The baseline in force in `quarter`: the newest one set in it or before it."""
    current = None
    for point_quarter in sorted(points):
        if point_quarter > quarter:
            break
        if points[point_quarter].baseline is not None:
            current = points[point_quarter].baseline
    return current


# --- KPI: referrals, før-henvisninger, school start ------------------------------------------


def _in_months(months: list[dt.date], field: str) -> Q:
    condition = Q(pk__in=[])
    for month in months:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        condition |= Q(**{f"{field}__gte": month, f"{field}__lt": following})
    return condition


def _by_month(queryset, date_field: str, **annotations) -> list[dict]:
    return list(
        queryset.annotate(month=TruncMonth(date_field))
        .values("month")
        .annotate(**annotations)
        .order_by("month")
    )


def _as_date(value) -> dt.date:
    # TruncMonth of a DateField gives a date on every backend we use; be lenient anyway.
    return value.date() if isinstance(value, dt.datetime) else value


def live_referral_month_figures(
    *, months: Iterable[dt.date] | None = None, exclude: Iterable[dt.date] = ()
) -> dict[dt.date, dict[str, int]]:
    """The referral KPIs' counts per month from the child-level rows still present (3 queries).

    A referral counts in the month it was received; a før-henvisning in the month it was
    held; a school start in the month it was decided.
    """
    referrals = Referral.objects.all()
    pre_referrals = PreReferral.objects.exclude(outcome=PreReferralOutcome.PENDING)
    school_starts = Referral.objects.filter(
        decision=DecisionKind.SPECIAL_OFFER, school_start_direct=True
    )
    if months is not None:
        months = list(months)
        referrals = referrals.filter(_in_months(months, "received_on"))
        pre_referrals = pre_referrals.filter(_in_months(months, "held_on"))
        school_starts = school_starts.filter(_in_months(months, "decided_on"))
    exclude = list(exclude)
    if exclude:
        referrals = referrals.exclude(_in_months(exclude, "received_on"))
        pre_referrals = pre_referrals.exclude(_in_months(exclude, "held_on"))
        school_starts = school_starts.exclude(_in_months(exclude, "decided_on"))

    figures: dict[dt.date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(REFERRAL_FIGURES, 0))
    for row in _by_month(
        referrals,
        "received_on",
        n=Count("pk"),
        preceded=Count("pk", filter=Q(preceded_by_pre_referral=True)),
    ):
        figures[_as_date(row["month"])].update(
            referrals=row["n"], referrals_preceded=row["preceded"]
        )
    for row in _by_month(
        pre_referrals,
        "held_on",
        stayed=Count("pk", filter=Q(outcome=PreReferralOutcome.STAYED)),
        referred=Count("pk", filter=Q(outcome=PreReferralOutcome.REFERRED)),
    ):
        figures[_as_date(row["month"])].update(
            pre_referrals_stayed=row["stayed"], pre_referrals_referred=row["referred"]
        )
    for row in _by_month(school_starts, "decided_on", n=Count("pk")):
        figures[_as_date(row["month"])]["school_start_direct"] = row["n"]
    return dict(figures)


def referral_month_figures() -> dict[dt.date, dict[str, int]]:
    """Month figures: frozen months from ReferralMonthStats, the others from live rows."""
    frozen = {
        row["month"]: {name: row[name] for name in REFERRAL_FIGURES}
        for row in ReferralMonthStats.objects.values("month", *REFERRAL_FIGURES)
    }
    live = live_referral_month_figures(exclude=frozen)
    return dict(sorted({**live, **frozen}.items()))


@dataclass(frozen=True)
class ReferralQuarter:
    quarter: Quarter
    referrals: int
    referrals_preceded: int
    pre_referrals_stayed: int
    pre_referrals_referred: int

    @property
    def referrals_not_preceded(self) -> int:
        return self.referrals - self.referrals_preceded

    @property
    def pre_referrals_closed(self) -> int:
        return self.pre_referrals_stayed + self.pre_referrals_referred


def referrals_by_quarter(
    months: dict[dt.date, dict[str, int]] | None = None,
) -> list[ReferralQuarter]:
    """Referrals received per quarter and how many a før-henvisning preceded; før-henvisninger
    held per quarter with a known outcome, by outcome."""
    months = referral_month_figures() if months is None else months
    sums: dict[Quarter, dict[str, int]] = defaultdict(lambda: dict.fromkeys(REFERRAL_FIGURES, 0))
    for month, figures in months.items():
        quarter_sums = sums[Quarter.of(month)]
        for name in REFERRAL_FIGURES:
            quarter_sums[name] += figures[name]
    return [
        ReferralQuarter(
            quarter=quarter,
            referrals=values["referrals"],
            referrals_preceded=values["referrals_preceded"],
            pre_referrals_stayed=values["pre_referrals_stayed"],
            pre_referrals_referred=values["pre_referrals_referred"],
        )
        for quarter, values in sorted(sums.items())
        if values["referrals"] or values["pre_referrals_stayed"] or values["pre_referrals_referred"]
    ]


def school_start_direct_by_school_year(
    months: dict[dt.date, dict[str, int]] | None = None,
) -> dict[int, int]:
    """Decisions that put a child from a general kindergarten directly into a special offer at
    school start, per school year (August–July) of the decision, keyed by its first year."""
    months = referral_month_figures() if months is None else months
    years: dict[int, int] = defaultdict(int)
    for month, figures in months.items():
        years[school_year_of(month)] += figures["school_start_direct"]
    if not years:
        return {}
    # A school year without any case in between still shows, as 0.
    return {year: years.get(year, 0) for year in range(min(years), max(years) + 1)}


def district_schools() -> QuerySet[Institution]:
    return Institution.objects.filter(kind=Institution.Kind.SKOLE)
