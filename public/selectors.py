"""What the public may see of a plan: one read, built here and nowhere else.

The public progress page and the open-data API both show `public_data(plan)`, so the line
between public and private is drawn once. It holds plain values only (no model instances, so
a template or a serializer can never reach a field that was not chosen here):

- the plan, its spor, each tiltag's work state, health and progress from its latest published
  status update (never the narrative or the next steps: those are the working group's notes),
  its milestones (planned, overdue, reached), the recommendations and the tiltag carrying them;
- a person's name only when the person is marked a public officeholder; bodies (groups) and
  institutions are named;
- the pool's totals and each udviklingsskole's approved amount, only when the plan has a pool
  (drafts and rejected investments count nowhere);
- the outcome figures (children in special offers, referrals) through reports/disclosure.py:
  a count of 1–4 is never shown, and a hidden one cannot be worked out from the others.

`data_stamp(plan)` is the moment of the newest change to anything shown (one query); the
cache key, the ETag and Last-Modified are made from it.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from investments.models import DevelopmentSchool, Investment, InvestmentDecision, Spending
from investments.selectors import pool_summary
from omstilling.models import Plan
from omstilling.quarters import Quarter
from reports.disclosure import Cell, Dimension, disclose
from reports.models import Report, ReportPublication, ReportState
from tracks.models import (
    Health,
    Initiative,
    Milestone,
    MilestoneEvent,
    Recommendation,
    RecommendationTheme,
    Spor,
    StatusUpdate,
    Theme,
    WorkState,
)
from tracks.selectors import published_statuses
from visitation.models import (
    CountImport,
    Decision,
    PreReferral,
    PreReferralOutcomeChange,
    Referral,
    ReferralMonthStats,
)
from visitation.selectors import referrals_by_quarter, special_offers_by_quarter

# A built page of data is kept at most this long even if nothing it shows has changed: the net
# under changes that leave no timestamp (a user marked a public officeholder is also announced
# by a signal, see public/apps.py).
CACHE_SECONDS = 10 * 60
VERSION_KEY = "public:version"
# The outcome figures: the latest quarters with figures.
OUTCOME_QUARTERS = 8
# Health as a symbol beside its words (the words carry the meaning; the symbol helps the eye).
HEALTH_SYMBOLS = {Health.GROEN: "●", Health.GUL: "▲", Health.ROED: "■"}


def public_plans():
    """The plans whose progress is public, the current one first."""
    return Plan.objects.filter(is_public=True).order_by("-is_current", "-start_quarter", "pk")


def public_plan(slug: str) -> Plan | None:
    return public_plans().filter(slug=slug).first()


# --- the date of the data ---------------------------------------------------------------------


def _newest(queryset, field_name: str) -> Subquery:
    return Subquery(queryset.order_by(f"-{field_name}").values(field_name)[:1])


def data_stamp(plan: Plan) -> dt.datetime:
    """The newest change to anything the public sees of `plan` (one query).

    The plan content's history (django-simple-history), status updates, milestone events,
    investment decisions and spending, imported counts, the child-level rows' recording times
    (the outcome figures are counted from them) and the reports' publications. Tables whose
    history has no plan column are read whole: a change in another plan only renews the cache.
    """
    pk = plan.pk
    newest = {
        "plan": _newest(Plan.history.filter(id=pk), "history_date"),
        "spor": _newest(Spor.history.filter(plan_id=pk), "history_date"),
        "theme": _newest(Theme.history.all(), "history_date"),
        "initiative": _newest(Initiative.history.filter(plan_id=pk), "history_date"),
        "milestone": _newest(Milestone.history.all(), "history_date"),
        "rec_theme": _newest(RecommendationTheme.history.filter(plan_id=pk), "history_date"),
        "recommendation": _newest(Recommendation.history.all(), "history_date"),
        "status": _newest(StatusUpdate.objects.all(), "created_at"),
        "event": _newest(MilestoneEvent.objects.all(), "at"),
        "school": _newest(DevelopmentSchool.history.filter(plan_id=pk), "history_date"),
        "investment": _newest(Investment.history.filter(plan_id=pk), "history_date"),
        "decision": _newest(InvestmentDecision.objects.all(), "at"),
        "spending": _newest(Spending.objects.all(), "at"),
        "counts": _newest(CountImport.objects.all(), "imported_at"),
        "referral": _newest(Referral.objects.all(), "recorded_at"),
        "pre_referral": _newest(PreReferral.objects.all(), "recorded_at"),
        "outcome": _newest(PreReferralOutcomeChange.objects.all(), "recorded_at"),
        "decided": _newest(Decision.objects.all(), "recorded_at"),
        "frozen": _newest(ReferralMonthStats.objects.all(), "frozen_at"),
        "published": _newest(ReportPublication.objects.all(), "at"),
        "report": _newest(Report.objects.filter(state=ReportState.FAERDIG), "finished_at"),
    }
    newest = {f"newest_{name}": value for name, value in newest.items()}
    row = Plan.objects.filter(pk=pk).annotate(**newest).values(*newest).first() or {}
    stamps = [value for value in row.values() if value is not None]
    # Kept to the microsecond: the cache key and the ETag must change with a change made in the
    # same second as the one before (Last-Modified is rounded down by HTTP itself).
    return max(stamps) if stamps else (plan.loaded_at or timezone.now())


def etag(stamp: dt.datetime, *parts: str) -> str:
    """An ETag for what is shown at `parts` (the path, the language) of data as of `stamp`."""
    seed = "|".join([stamp.isoformat(), str(data_version()), *parts])
    return f'"{hashlib.sha256(seed.encode()).hexdigest()[:32]}"'


def data_version() -> int:
    """Raised by signals for changes that leave no timestamp (see public/apps.py)."""
    return cache.get(VERSION_KEY, 0)


def bump_data_version(**kwargs) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


# --- the public data --------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A disclosed figure: the text to show, and the value only when it may be shown."""

    text: str
    value: int | None

    @classmethod
    def of(cls, cell: Cell) -> "Figure":
        return cls(text=cell.text, value=None if cell.value is None else int(cell.value))


@dataclass(frozen=True)
class PublicMilestone:
    id: int
    slug: str
    title: str
    planned_quarter: str
    planned_quarter_label: str
    planned_date: dt.date | None
    original_quarter: str | None  # the quarter first planned, when it has been moved since
    original_quarter_label: str | None
    state: str
    state_label: str
    reached_on: dt.date | None
    institution: str | None


@dataclass(frozen=True)
class PublicInitiative:
    id: int
    slug: str
    title: str
    description: str
    spor_id: int
    spor_number: int
    theme: str | None
    lead_area: str | None
    owner: str | None
    owner_body: str | None
    start_quarter: str
    end_quarter: str | None
    period_label: str
    state: str | None
    state_label: str
    health: str | None
    health_label: str
    health_symbol: str
    progress: int | None
    status_date: dt.date | None
    milestones: list[PublicMilestone]
    milestones_reached: int
    milestones_overdue: int
    recommendations: list[int]


@dataclass(frozen=True)
class PublicSpor:
    id: int
    number: int
    slug: str
    title: str
    description: str
    progress: int | None
    initiatives: list[int]


@dataclass(frozen=True)
class PublicRecommendation:
    id: int
    number: int
    theme_number: int
    theme: str
    text: str
    means: list[str]
    initiatives: list[int]


@dataclass(frozen=True)
class PublicSchool:
    id: int
    name: str
    approved: Decimal


@dataclass(frozen=True)
class PublicPool:
    title: str
    granted: Decimal
    approved: Decimal
    spent: Decimal
    free: Decimal
    schools: list[PublicSchool]


@dataclass(frozen=True)
class SpecialOfferQuarter:
    quarter: str
    quarter_label: str
    dagtilbud: Figure
    skole: Figure
    total: Figure


@dataclass(frozen=True)
class ReferralQuarterFigures:
    quarter: str
    quarter_label: str
    preceded: Figure
    not_preceded: Figure
    referrals: Figure


@dataclass(frozen=True)
class PublicReport:
    id: int
    title: str
    period: str
    finished_at: dt.datetime


@dataclass(frozen=True)
class PublicData:
    plan_id: int
    slug: str
    title: str
    municipality: str
    department: str
    committee: str
    summary: str
    period_label: str
    start_quarter: str
    end_quarter: str
    is_current: bool
    data_date: dt.datetime
    spor: list[PublicSpor]
    initiatives: list[PublicInitiative]
    recommendations: list[PublicRecommendation]
    advisory_committee: str
    pool: PublicPool | None
    special_offers: list[SpecialOfferQuarter]
    referrals: list[ReferralQuarterFigures]
    report: PublicReport | None
    by_id: dict[int, PublicInitiative] = field(default_factory=dict, repr=False)


def _latest_status_ids() -> Subquery:
    return Subquery(
        published_statuses().filter(initiative=OuterRef("pk")).order_by("-version").values("pk")[:1]
    )


def _milestone(milestone: Milestone, today: dt.date) -> PublicMilestone:
    state = milestone.state_on(today)
    quarter = milestone.quarter
    original = Quarter.of(milestone.original_quarter) if milestone.is_replanned else None
    return PublicMilestone(
        id=milestone.pk,
        slug=milestone.slug,
        title=milestone.title,
        planned_quarter=quarter.danish_code,
        planned_quarter_label=quarter.label,
        planned_date=milestone.planned_date,
        original_quarter=original.danish_code if original else None,
        original_quarter_label=original.label if original else None,
        state=state.value,
        state_label=str(state.label),
        reached_on=milestone.completed_on,
        institution=milestone.institution.name if milestone.institution_id else None,
    )


def _initiatives(plan: Plan, today: dt.date) -> list[PublicInitiative]:
    """Every tiltag of the plan with its latest published status and its milestones (five
    queries: tiltag, statuses, milestones, recommendation links, and their owners)."""
    initiatives = list(
        Initiative.objects.active()
        .filter(plan=plan)
        .select_related("spor", "theme", "lead_area", "owner", "owner_body")
        .annotate(published_status_id=_latest_status_ids())
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=Milestone.objects.active()
                .select_related("institution")
                .order_by("planned_quarter", "planned_date", "order", "pk"),
            ),
            Prefetch("recommendations", queryset=Recommendation.objects.only("pk", "number")),
        )
        .order_by("spor__number", "order", "pk")
    )
    status_ids = [i.published_status_id for i in initiatives if i.published_status_id]
    statuses = StatusUpdate.objects.only("pk", "state", "health", "progress", "created_at").in_bulk(
        status_ids
    )
    result = []
    for initiative in initiatives:
        status = statuses.get(initiative.published_status_id)
        milestones = [_milestone(m, today) for m in initiative.milestones.all()]
        owner = initiative.owner
        health = status.health if status else None
        result.append(
            PublicInitiative(
                id=initiative.pk,
                slug=initiative.slug,
                title=initiative.title,
                description=initiative.description,
                spor_id=initiative.spor_id,
                spor_number=initiative.spor.number,
                theme=initiative.theme.title if initiative.theme_id else None,
                lead_area=initiative.lead_area.name if initiative.lead_area_id else None,
                owner=str(owner) if owner and owner.is_public_officeholder else None,
                owner_body=initiative.owner_body.name if initiative.owner_body_id else None,
                start_quarter=initiative.start.danish_code,
                end_quarter=initiative.end.danish_code if initiative.end else None,
                period_label=(
                    f"{initiative.start.label} – {initiative.end.label}"
                    if initiative.end
                    else _("fra %(quarter)s") % {"quarter": initiative.start.label}
                ),
                state=status.state if status else None,
                state_label=str(WorkState(status.state).label) if status else _("Ingen status"),
                health=health,
                health_label=str(Health(health).label) if health else _("Ingen status"),
                health_symbol=HEALTH_SYMBOLS.get(health, "○"),
                progress=status.progress if status else None,
                status_date=timezone.localdate(status.created_at) if status else None,
                milestones=milestones,
                milestones_reached=sum(1 for m in milestones if m.reached_on),
                milestones_overdue=sum(1 for m in milestones if m.state == "forsinket"),
                recommendations=sorted(r.number for r in initiative.recommendations.all()),
            )
        )
    return result


def _spor(plan: Plan, initiatives: list[PublicInitiative]) -> list[PublicSpor]:
    """The spor and their progress: the mean of their tiltag's progress, as on the portal's own
    overview (tiltag given up, or without a status, not counted)."""
    result = []
    for spor in Spor.objects.active().filter(plan=plan).order_by("number"):
        own = [i for i in initiatives if i.spor_id == spor.pk]
        counted = [i.progress for i in own if i.progress is not None and i.state != "opgivet"]
        result.append(
            PublicSpor(
                id=spor.pk,
                number=spor.number,
                slug=spor.slug,
                title=spor.title,
                description=spor.description,
                progress=round(sum(counted) / len(counted)) if counted else None,
                initiatives=[i.id for i in own],
            )
        )
    return result


def _recommendations(plan: Plan) -> list[PublicRecommendation]:
    recommendations = (
        Recommendation.objects.filter(theme__plan=plan)
        .select_related("theme")
        .prefetch_related(Prefetch("initiatives", queryset=Initiative.objects.active().only("pk")))
        .order_by("number", "pk")
    )
    return [
        PublicRecommendation(
            id=r.pk,
            number=r.number,
            theme_number=r.theme.number,
            theme=r.theme.title,
            text=r.text,
            means=list(r.means or []),
            initiatives=sorted(i.pk for i in r.initiatives.all()),
        )
        for r in recommendations
    ]


def _pool(plan: Plan) -> PublicPool | None:
    if plan.funding_amount is None:
        return None
    summary = pool_summary(plan=plan)
    return PublicPool(
        title=plan.funding_title,
        granted=summary["granted"],
        approved=summary["approved"],
        spent=summary["spent"],
        free=summary["free"],
        schools=[
            PublicSchool(id=s["school"].pk, name=s["school"].school.name, approved=s["approved"])
            for s in summary["schools"]
        ],
    )


def _special_offers() -> list[SpecialOfferQuarter]:
    """Children and young people in municipal special offers per quarter and level: one
    disclosed table (levels as columns, with the total), so a hidden figure stays hidden."""
    rows = special_offers_by_quarter()[-OUTCOME_QUARTERS:]
    if not rows:
        return []
    table = disclose(
        [[row.dagtilbud, row.skole] for row in rows],
        rows_by=Dimension.QUARTER,
        columns_by=Dimension.LEVEL,
        row_totals=True,
    )
    return [
        SpecialOfferQuarter(
            quarter=row.quarter.danish_code,
            quarter_label=row.quarter.label,
            dagtilbud=Figure.of(cells[0]),
            skole=Figure.of(cells[1]),
            total=Figure.of(total),
        )
        for row, cells, total in zip(rows, table.cells, table.row_totals or [], strict=True)
    ]


def _referrals() -> list[ReferralQuarterFigures]:
    """Referrals to visitation per quarter, split by whether a før-henvisning came first: one
    disclosed table with the total per quarter."""
    rows = referrals_by_quarter()[-OUTCOME_QUARTERS:]
    if not rows:
        return []
    table = disclose(
        [[row.referrals_preceded, row.referrals_not_preceded] for row in rows],
        rows_by=Dimension.QUARTER,
        columns_by=Dimension.MEASURE,
        row_totals=True,
    )
    return [
        ReferralQuarterFigures(
            quarter=row.quarter.danish_code,
            quarter_label=row.quarter.label,
            preceded=Figure.of(cells[0]),
            not_preceded=Figure.of(cells[1]),
            referrals=Figure.of(total),
        )
        for row, cells, total in zip(rows, table.cells, table.row_totals or [], strict=True)
    ]


def latest_public_report() -> Report | None:
    """The newest finished report that chefgruppen has published and not withdrawn since."""
    latest = Subquery(
        ReportPublication.objects.filter(report=OuterRef("pk"))
        .order_by("-at", "-pk")
        .values("published")[:1]
    )
    return (
        Report.objects.filter(state=ReportState.FAERDIG)
        .annotate(is_public=latest)
        .filter(is_public=True)
        .order_by("-period_start", "-finished_at", "-pk")
        .first()
    )


def report_is_public(report: Report) -> bool:
    latest = report.publications.order_by("-at", "-pk").first()
    return bool(report.state == ReportState.FAERDIG and latest and latest.published)


def build_public_data(plan: Plan, *, today: dt.date | None = None) -> PublicData:
    today = today or timezone.localdate()
    initiatives = _initiatives(plan, today)
    report = latest_public_report()
    first, last = Quarter.of(plan.start_quarter), Quarter.of(plan.end_quarter)
    data = PublicData(
        plan_id=plan.pk,
        slug=plan.slug,
        title=plan.title,
        municipality=plan.municipality,
        department=plan.department,
        committee=plan.committee,
        summary=plan.summary,
        period_label=f"{first.label} – {last.label}",
        start_quarter=first.danish_code,
        end_quarter=last.danish_code,
        is_current=plan.is_current,
        data_date=data_stamp(plan),
        spor=_spor(plan, initiatives),
        initiatives=initiatives,
        recommendations=_recommendations(plan),
        advisory_committee=plan.names.advisory_committee,
        pool=_pool(plan),
        special_offers=_special_offers(),
        referrals=_referrals(),
        report=PublicReport(
            id=report.pk,
            title=str(report),
            period=report.period,
            finished_at=report.finished_at,
        )
        if report
        else None,
    )
    data.by_id.update({i.id: i for i in initiatives})
    return data


def cache_key(plan: Plan, stamp: dt.datetime) -> str:
    return (
        f"public:data:{plan.pk}:{stamp.isoformat()}:{data_version()}:"
        f"{timezone.localdate().isoformat()}:{get_language()}"
    )


def public_data(plan: Plan, *, stamp: dt.datetime | None = None) -> PublicData:
    """`build_public_data`, cached under a key that changes whenever the data does (its
    stamp), the day does (milestones fall overdue) or the language does."""
    stamp = stamp or data_stamp(plan)
    key = cache_key(plan, stamp)
    data = cache.get(key)
    if data is None:
        data = build_public_data(plan)
        cache.set(key, data, CACHE_SECONDS)
    return data
