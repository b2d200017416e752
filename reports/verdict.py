"""Is the plan on track? The verdict BFU reads first: on the dashboard's first screen and on the
summary page of the quarterly and monthly report. This module is the one home of what counts:

- a tiltag is red or yellow by the health of its current status update; tiltag that are
  finished or given up are not counted;
- a tiltag that is neither finished nor given up is *without an owner* when neither a person
  nor a group owns it, and *without an update this quarter* when it has had no status update
  since the quarter began, or none at all (these four live in
  `tracks.selectors.attention_conditions`, which the tiltag list filters by too);
- a milestone is overdue as `Milestone.overdue_condition` says, longest overdue first;
- a KPI goes the way the plan wants (`WANTED`) or not, compared with the figure before it, and
  is on its target trajectory when its newest figure is on the right side of the target path
  for its period (`Headline.trajectory`: the quarter's target, or the straight line between the
  targets around it). A figure that disclosure control hides is never judged;
- BFU is asked to decide on the investments that are still kladder: each one's next step is
  its treatment in BFU.

`plan_verdict` returns plain data: every list bounded to `limit` with its full count beside
it, and a fixed number of queries however large the plan (plus the KPI page's, unless the
caller passes the page it has).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from investments.models import Investment, InvestmentState
from omstilling.cache import Family, cached
from omstilling.models import Plan
from omstilling.numbers import number_text
from omstilling.quarters import Quarter
from reports.disclosure import Cell, Reason, share_text
from reports.kpis.page import KPI_FAMILIES, Headline, KpiPage, cached_kpi_page, kpi_page
from tracks.models import Initiative, Milestone
from tracks.selectors import CLOSED, AttentionKind, attention_conditions
from visitation.models import PERCENT_INDICATORS, KpiIndicator

LIMIT = 10


class Direction(StrEnum):
    DOWN = "ned"
    UP = "op"


# Which way each indicator should go for fewer children in special offers.
WANTED = {
    KpiIndicator.SPECIAL_TOTAL: Direction.DOWN,
    KpiIndicator.SPECIAL_DAGTILBUD: Direction.DOWN,
    KpiIndicator.SPECIAL_SKOLE: Direction.DOWN,
    KpiIndicator.SEGREGATION_RATE: Direction.DOWN,
    KpiIndicator.REFERRALS: Direction.DOWN,
    KpiIndicator.PRECEDED_SHARE: Direction.UP,
    KpiIndicator.STAYED_SHARE: Direction.UP,
}


class Trend(StrEnum):
    FALLING = "faldende"
    RISING = "stigende"
    UNCHANGED = "uaendret"
    UNKNOWN = "ukendt"


class Judgement(StrEnum):
    ON_TRACK = "paa_sporet"
    OFF_TRACK = "ikke_paa_sporet"
    NO_TARGET = "intet_maal"
    UNKNOWN = "kan_ikke_vurderes"


# Symbols that carry the meaning without colour (and are in the fonts we embed).
TREND_SYMBOLS = {Trend.FALLING: "↓", Trend.RISING: "↑", Trend.UNCHANGED: "→", Trend.UNKNOWN: "–"}
JUDGEMENT_SYMBOLS = {
    Judgement.ON_TRACK: "✓",
    Judgement.OFF_TRACK: "✗",
    Judgement.NO_TARGET: "–",
    Judgement.UNKNOWN: "?",
}


@dataclass(frozen=True)
class InitiativeNote:
    """A tiltag as the verdict names it, with its current status's note where it has one."""

    id: int
    title: str
    spor_number: int
    owner: str
    health: str = ""
    health_label: str = ""
    state_label: str = ""
    progress: int | None = None
    note: str = ""
    next_steps: str = ""
    updated_on: dt.date | None = None


@dataclass(frozen=True)
class OverdueMilestone:
    id: int
    title: str
    institution: str
    initiative_id: int
    initiative: str
    spor_number: int
    owner: str
    due_date: dt.date
    days_late: int


@dataclass(frozen=True)
class KpiVerdict:
    indicator: str
    label: str
    period: str
    value: str  # the figure as disclosure control shows it
    target: str  # the target path's value for the period, "" without one
    wanted: Direction
    wanted_text: str
    trend: Trend
    trend_symbol: str
    trend_text: str
    judgement: Judgement
    judgement_symbol: str
    judgement_text: str


@dataclass(frozen=True)
class Decision:
    id: int
    title: str
    school: str
    amount: Decimal


@dataclass(frozen=True)
class Counted:
    """A list shown in part: the first `limit` items and how many there are."""

    items: list
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.items)


@dataclass(frozen=True)
class Verdict:
    today: dt.date
    quarter: str
    initiatives: int  # tiltag neither finished nor given up
    red: Counted
    yellow: Counted
    overdue: Counted
    without_owner: Counted
    without_update: Counted
    kpis: list[KpiVerdict]
    decisions: Counted

    @property
    def kpis_off_track(self) -> int:
        return sum(1 for kpi in self.kpis if kpi.judgement == Judgement.OFF_TRACK)

    @property
    def on_track(self) -> bool:
        """No red tiltag, no overdue milestone and no KPI off its trajectory."""
        return not (self.red.count or self.overdue.count or self.kpis_off_track)


def _owner(initiative: Initiative) -> str:
    names = []
    if initiative.owner_id:
        names.append(initiative.owner.get_full_name() or initiative.owner.username)
    if initiative.owner_body_id:
        names.append(str(initiative.owner_body))
    return ", ".join(names)


def _note(initiative: Initiative) -> InitiativeNote:
    status = initiative.current_status
    if status is None:
        return InitiativeNote(
            id=initiative.pk,
            title=initiative.title,
            spor_number=initiative.spor.number,
            owner=_owner(initiative),
        )
    return InitiativeNote(
        id=initiative.pk,
        title=initiative.title,
        spor_number=initiative.spor.number,
        owner=_owner(initiative),
        health=status.health,
        health_label=str(status.get_health_display()),
        state_label=str(status.get_state_display()),
        progress=status.progress,
        note=status.narrative,
        next_steps=status.next_steps,
        updated_on=timezone.localdate(status.created_at),
    )


def _initiatives(plan: Plan, condition: Q, limit: int) -> list[InitiativeNote]:
    """One query: the first `limit` tiltag meeting `condition`, in the plan's order."""
    rows = (
        Initiative.objects.filter(condition, plan=plan, archived_on__isnull=True)
        .select_related("spor", "owner", "owner_body", "current_status")
        .order_by("spor__number", "order", "pk")[:limit]
    )
    return [_note(i) for i in rows]


# The verdict's names for the kinds of attention the tiltag list filters by.
ATTENTION_FIELDS = {
    AttentionKind.RED: "red",
    AttentionKind.YELLOW: "yellow",
    AttentionKind.WITHOUT_OWNER: "without_owner",
    AttentionKind.WITHOUT_UPDATE: "without_update",
}


def _initiative_conditions(today: dt.date) -> dict[str, Q]:
    return {
        ATTENTION_FIELDS[kind]: condition
        for kind, condition in attention_conditions(today=today).items()
    }


def _overdue(plan: Plan, today: dt.date, limit: int) -> Counted:
    """Two queries: the count and the longest overdue (a planned date lies in its quarter, so
    quarter, then date with undated last, is the order of the due dates)."""
    overdue = Milestone.objects.overdue(today).filter(initiative__plan=plan)
    rows = list(
        overdue.select_related(
            "institution", "initiative__spor", "initiative__owner", "initiative__owner_body"
        ).order_by("planned_quarter", "planned_date", "pk")[:limit]
    )
    items = [
        OverdueMilestone(
            id=m.pk,
            title=m.title,
            institution=str(m.institution) if m.institution_id else "",
            initiative_id=m.initiative_id,
            initiative=m.initiative.title,
            spor_number=m.initiative.spor.number,
            owner=_owner(m.initiative),
            due_date=m.due_date,
            days_late=(today - m.due_date).days,
        )
        for m in sorted(rows, key=lambda m: (m.due_date, m.pk))
    ]
    return Counted(items, overdue.count() if len(rows) == limit else len(rows))


def _decisions(plan: Plan, limit: int) -> Counted:
    waiting = Investment.objects.filter(plan=plan, state=InvestmentState.KLADDE)
    rows = list(
        waiting.select_related("development_school__school").order_by("created_at", "pk")[:limit]
    )
    items = [
        Decision(
            id=i.pk,
            title=i.title,
            school=str(i.development_school.school),
            amount=i.amount,
        )
        for i in rows
    ]
    return Counted(items, waiting.count() if len(rows) == limit else len(rows))


# --- KPIs -------------------------------------------------------------------------------------


def _shown(cell: Cell | None) -> float | None:
    return float(cell.value) if cell is not None and cell.value is not None else None


def _trend(headline: Headline) -> tuple[Trend, str]:
    now, before = _shown(headline.cell), _shown(headline.previous)
    if headline.previous is None:
        return Trend.UNKNOWN, _("Intet tidligere tal at sammenligne med.")
    if now is None or before is None:
        return Trend.UNKNOWN, _(
            "Kan ikke sammenlignes med %(period)s: et af tallene er skjult."
        ) % {"period": headline.previous_period}
    values = {"before": headline.previous.text, "period": headline.previous_period}
    if now < before:
        return Trend.FALLING, _("Faldet fra %(before)s i %(period)s.") % values
    if now > before:
        return Trend.RISING, _("Steget fra %(before)s i %(period)s.") % values
    return Trend.UNCHANGED, _("Uændret siden %(period)s.") % values


def _target_text(headline: Headline) -> str:
    if headline.trajectory is None:
        return ""
    if headline.indicator in PERCENT_INDICATORS:
        return share_text(Decimal(str(headline.trajectory)))
    return number_text(headline.trajectory)


def _judgement(headline: Headline, wanted: Direction) -> tuple[Judgement, str]:
    value = _shown(headline.cell)
    if value is None:
        if headline.cell.reason == Reason.MISSING:
            return Judgement.UNKNOWN, _("Kan ikke vurderes: der er intet tal.")
        return Judgement.UNKNOWN, _("Kan ikke vurderes: tallet er skjult, fordi det er lille.")
    if headline.trajectory is None:
        return Judgement.NO_TARGET, _("Der er intet mål for perioden.")
    target = _target_text(headline)
    on_track = (
        value <= headline.trajectory if wanted == Direction.DOWN else value >= headline.trajectory
    )
    if on_track:
        return Judgement.ON_TRACK, _("På vej mod målet (målet for perioden er %(target)s).") % {
            "target": target
        }
    return Judgement.OFF_TRACK, _("Ikke på vej mod målet (målet for perioden er %(target)s).") % {
        "target": target
    }


def kpi_verdict(headline: Headline) -> KpiVerdict:
    wanted = WANTED.get(headline.indicator, Direction.DOWN)
    trend, trend_text = _trend(headline)
    judgement, judgement_text = _judgement(headline, wanted)
    return KpiVerdict(
        indicator=headline.indicator,
        label=str(headline.label),
        period=str(headline.period),
        value=headline.cell.text,
        target=_target_text(headline),
        wanted=wanted,
        wanted_text=_("Målet er, at tallet falder.")
        if wanted == Direction.DOWN
        else _("Målet er, at tallet stiger."),
        trend=trend,
        trend_symbol=TREND_SYMBOLS[trend],
        trend_text=trend_text,
        judgement=judgement,
        judgement_symbol=JUDGEMENT_SYMBOLS[judgement],
        judgement_text=judgement_text,
    )


def plan_verdict(
    *, plan: Plan, today: dt.date, kpis: KpiPage | None = None, limit: int = LIMIT
) -> Verdict:
    """The verdict on `plan` on `today`. `kpis`: the KPI page if the caller has it already.

    Queries, at most: 1 count of the tiltag by kind, 4 lists of tiltag (red, yellow, without
    owner, without update; none for an empty one), 2 for the overdue milestones and 2 for the
    decisions (a count only when the list is full), and the KPI page's own when `kpis` is not
    given."""
    conditions = _initiative_conditions(today)
    counts = Initiative.objects.filter(plan=plan, archived_on__isnull=True).aggregate(
        active=Count("pk", filter=~Q(current_status__state__in=CLOSED)),
        **{name: Count("pk", filter=condition) for name, condition in conditions.items()},
    )
    lists = {
        name: Counted(_initiatives(plan, condition, limit) if counts[name] else [], counts[name])
        for name, condition in conditions.items()
    }
    page = kpis if kpis is not None else kpi_page(today=today)
    return Verdict(
        today=today,
        quarter=Quarter.of(today).label,
        initiatives=counts["active"],
        overdue=_overdue(plan, today, limit),
        kpis=[kpi_verdict(h) for h in page.headlines],
        decisions=_decisions(plan, limit),
        **lists,
    )


# What the verdict is built from: the plan's content, the pool, the outcome figures and the core.
VERDICT_FAMILIES = (Family.PLAN, Family.INVESTMENTS, *KPI_FAMILIES)


def cached_plan_verdict(*, plan: Plan, today: dt.date) -> Verdict:
    """`plan_verdict` with the cached KPI page, itself cached until the plan's content, the
    pool, an outcome figure or the core changes (omstilling.cache). The dashboard's first
    screen reads it on every request."""
    return cached(
        name="verdict",
        families=VERDICT_FAMILIES,
        build=lambda: plan_verdict(plan=plan, today=today, kpis=cached_kpi_page(today=today)),
        plan=plan.pk,
        today=today.isoformat(),
    )
