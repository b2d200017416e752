"""The KPIs as they may be shown: tables and charts built from the raw numbers of visitation and
the support system, with every count of children passed through disclosure control.

Figures that add up to one another are disclosed in one call (the counts per level, per
district school and in total come from one table), so a number hidden in one place cannot be
recovered by subtracting numbers shown in another.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.translation import gettext as _

from omstilling.cache import Family, cached
from omstilling.numbers import number_text
from omstilling.quarters import Quarter, quarter_range
from reports.charts import (
    ACTUAL_LINE,
    BASELINE_LINE,
    TARGET_LINE,
    ColumnInput,
    LineInput,
    PeriodChart,
    period_columns,
    period_lines,
)
from reports.disclosure import (
    MISSING_TEXT,
    ROW_TOTAL,
    Cell,
    Dimension,
    Reason,
    Statistic,
    disclose,
    disclose_count,
    disclose_median,
    share_text,
)
from supportsystem import selectors as support_selectors
from supportsystem.models import ConcernType
from visitation import selectors
from visitation.models import (
    PERCENT_INDICATORS,
    KpiIndicator,
    school_year_label,
    school_year_of,
)

PER_SCHOOL_QUARTERS = 4  # the per-school table shows the newest quarters only
DAGTILBUD = "dagtilbud"
SKOLE = "skole"


# --- what a template renders -----------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class Table:
    caption: str
    row_header: str
    columns: list[str]
    rows: list[Row]
    footer: list[Row] = field(default_factory=list)
    # A row per district school: the page shows the first SCHOOLS_SHOWN (`shown_rows`), the
    # schools' own page (reports.kpis.views.kpi_schools) all of them, 50 at a time.
    per_school: bool = False
    # When the page shows part of the rows: how many rows the whole table has.
    rows_total: int | None = None

    @property
    def is_empty(self) -> bool:
        return not self.rows

    @property
    def rows_not_shown(self) -> int:
        return (self.rows_total or 0) - len(self.rows) if self.rows_total is not None else 0


@dataclass(frozen=True)
class Headline:
    """An indicator's newest figure, with what the verdict (reports/verdict.py) judges it by:
    the figure before it and the target path's value for its period (`trajectory`)."""

    label: str
    period: str
    cell: Cell
    target: str = ""
    baseline: str = ""
    indicator: str = ""
    trajectory: float | None = None
    previous: Cell | None = None
    previous_period: str = ""


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    intro: str
    tables: list[Table]
    chart: PeriodChart | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class KpiPage:
    headlines: list[Headline]
    sections: list[Section]


# --- formatting ------------------------------------------------------------------------------


def _number_text(value: float | Decimal, *, percent: bool = False) -> str:
    return share_text(Decimal(str(value))) if percent else number_text(value)


def _plain(value: float | None, *, percent: bool = False) -> Cell:
    """A planning figure (target, baseline): not a count of children, shown as it is."""
    statistic = Statistic.SHARE if percent else Statistic.COUNT
    if value is None:
        return Cell(value=None, text=MISSING_TEXT, reason=Reason.MISSING, statistic=statistic)
    return Cell(
        value=Decimal(str(value)), text=_number_text(value, percent=percent), statistic=statistic
    )


def _text_cell(text: str) -> Cell:
    return Cell(value=None, text=text, reason=Reason.MISSING)


# --- targets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """An indicator's targets and baselines by quarter, as cells."""

    indicator: str
    points: dict

    @property
    def has_targets(self) -> bool:
        return any(p.target is not None for p in self.points.values())

    @property
    def has_baseline(self) -> bool:
        return any(p.baseline is not None for p in self.points.values())

    @property
    def percent(self) -> bool:
        return self.indicator in PERCENT_INDICATORS

    def target(self, quarter: Quarter) -> float | None:
        point = self.points.get(quarter)
        return point.target if point else None

    def baseline(self, quarter: Quarter) -> float | None:
        return selectors.baseline_for(self.points, quarter)

    def trajectory(self, quarter: Quarter) -> float | None:
        """Where the targets say the figure should be in `quarter`: its target, else a straight
        line from the target (or baseline) before it to the target after it. None before the
        first point, after the last target, or with no targets at all."""
        if self.target(quarter) is not None:
            return self.target(quarter)
        before = [
            (q, p.target if p.target is not None else p.baseline)
            for q, p in sorted(self.points.items())
            if q < quarter and (p.target is not None or p.baseline is not None)
        ]
        after = [(q, p.target) for q, p in sorted(self.points.items()) if q > quarter and p.target]
        if not before or not after:
            return None
        (q0, v0), (q1, v1) = before[-1], after[0]
        return v0 + (v1 - v0) * len(quarter_range(q0, quarter)[1:]) / len(quarter_range(q0, q1)[1:])

    def quarters(self) -> list[Quarter]:
        return sorted(self.points)

    def columns(self, what: str) -> list[str]:
        columns = []
        if self.has_targets:
            columns.append(_("Mål: %(what)s") % {"what": what})
        if self.has_baseline:
            columns.append(_("Baseline: %(what)s") % {"what": what})
        return columns

    def cells(self, quarter: Quarter) -> list[Cell]:
        cells = []
        if self.has_targets:
            cells.append(_plain(self.target(quarter), percent=self.percent))
        if self.has_baseline:
            cells.append(_plain(self.baseline(quarter), percent=self.percent))
        return cells


def _plans() -> dict[str, _Plan]:
    targets = selectors.kpi_targets()
    return {
        indicator: _Plan(indicator=indicator, points=targets.get(indicator, {}))
        for indicator in KpiIndicator.values
    }


def _span(*quarter_lists: Sequence[Quarter]) -> list[Quarter]:
    quarters = [q for quarters in quarter_lists for q in quarters]
    return quarter_range(min(quarters), max(quarters)) if quarters else []


# --- charts ----------------------------------------------------------------------------------


def _value(cell: Cell) -> float | None:
    return float(cell.value) if cell.value is not None else None


def _columns(labels: list[str], cells: list[Cell]) -> list[ColumnInput]:
    """A count as the chart may draw it: its value only when it may be shown, else its text."""
    return [
        ColumnInput(label=label, value=cell.value, text=cell.text)
        for label, cell in zip(labels, cells, strict=True)
    ]


# --- the sections ----------------------------------------------------------------------------


def _special_offer_sections(plans: dict[str, _Plan]) -> tuple[list[Section], list[Headline]]:
    """Children in special offers: per level, in total and per district school, and the
    segregation rate — all from one disclosed table, rows = [all daycare-level counts] +
    district schools, columns = quarters."""
    by_quarter = selectors.special_offers_by_quarter()
    by_school = selectors.special_offers_by_institution()
    total_plan = plans[KpiIndicator.SPECIAL_TOTAL]
    level_plans = [plans[KpiIndicator.SPECIAL_DAGTILBUD], plans[KpiIndicator.SPECIAL_SKOLE]]
    rate_plan = plans[KpiIndicator.SEGREGATION_RATE]
    quarters = _span(
        [c.quarter for c in by_quarter],
        total_plan.quarters(),
        *(plan.quarters() for plan in level_plans),
        rate_plan.quarters(),
    )
    column = {q: i for i, q in enumerate(quarters)}
    schools: dict[int, str] = {}
    for entry in by_school:
        schools.setdefault(entry.institution_id, entry.name)
    school_ids = list(schools)
    row_of = {pk: i + 1 for i, pk in enumerate(school_ids)}

    counts: list[list[int | None]] = [[None] * len(quarters) for _ in range(len(school_ids) + 1)]
    pupils: list[list[int | None]] = [[None] * len(quarters) for _ in range(len(school_ids) + 1)]
    for entry in by_quarter:
        counts[0][column[entry.quarter]] = entry.dagtilbud
    for entry in by_school:
        r, c = row_of[entry.institution_id], column[entry.quarter]
        counts[r][c] = entry.children_in_special_offers
        pupils[r][c] = entry.district_pupils
    # The municipal segregation rate needs the pupils of every school counted that quarter.
    pupil_totals: list[int | None] = []
    for c in range(len(quarters)):
        counted = [r for r in range(1, len(counts)) if counts[r][c] is not None]
        known = [pupils[r][c] for r in counted]
        pupil_totals.append(sum(known) if counted and None not in known else None)

    table = disclose(
        counts,
        rows_by=Dimension.INSTITUTION,
        columns_by=Dimension.QUARTER,
        column_totals=True,
        row_groups=[DAGTILBUD] + [SKOLE] * len(school_ids),
        shares=pupils,
        group_share_bases={SKOLE: pupil_totals} if school_ids else None,
    )
    # Pupils of a district are counts of children too: the same rule for small numbers.
    pupil_cells = disclose(pupils, rows_by=Dimension.INSTITUTION, columns_by=Dimension.QUARTER)
    dagtilbud_cells = table.group_totals.get(DAGTILBUD, [])
    skole_cells = table.group_totals.get(SKOLE, [_text_cell(MISSING_TEXT)] * len(quarters))
    total_cells = table.column_totals or []
    labels = [q.short_label for q in quarters]

    # 1. per level and in total, against the targets
    level_rows = []
    for c, quarter in enumerate(quarters):
        level_rows.append(
            Row(
                label=quarter.short_label,
                cells=[
                    dagtilbud_cells[c],
                    skole_cells[c],
                    total_cells[c],
                    *total_plan.cells(quarter),
                    *(cell for plan in level_plans for cell in plan.cells(quarter)),
                ],
            )
        )
    level_table = Table(
        caption=_("Børn og unge i kommunale specialtilbud pr. kvartal"),
        row_header=_("Kvartal"),
        columns=[
            _("Dagtilbud"),
            _("Skole"),
            _("I alt"),
            *total_plan.columns(_("i alt")),
            *level_plans[0].columns(_("dagtilbud")),
            *level_plans[1].columns(_("skole")),
        ],
        rows=level_rows,
    )
    chart_lines = [
        LineInput(_("Faktisk antal i alt"), ACTUAL_LINE, [_value(cell) for cell in total_cells])
    ]
    if total_plan.has_targets:
        chart_lines.append(
            LineInput(_("Mål"), TARGET_LINE, [total_plan.target(q) for q in quarters])
        )
    if total_plan.has_baseline:
        chart_lines.append(
            LineInput(_("Baseline"), BASELINE_LINE, [total_plan.baseline(q) for q in quarters])
        )
    special = Section(
        slug="specialtilbud",
        title=_("Børn og unge i specialtilbud"),
        intro=_(
            "Antal børn og unge i kommunale specialtilbud ved kvartalets opgørelse, i dagtilbud "
            "og skole, mod chefgruppens mål og baseline. Planens mål er, at tallet falder."
        ),
        tables=[level_table],
        chart=period_lines(
            id="specialtilbud-graf",
            title=_("Børn og unge i specialtilbud i alt pr. kvartal"),
            periods=labels,
            lines=chart_lines,
        )
        if quarters
        else None,
    )

    # 2. per district school, the newest quarters with counts
    counted = [
        c
        for c in range(len(quarters))
        if any(counts[r][c] is not None for r in range(1, len(counts)))
    ]
    shown = counted[-PER_SCHOOL_QUARTERS:]
    school_table = Table(
        caption=_("Børn og unge i specialtilbud pr. distriktsskole (skoleniveau)"),
        row_header=_("Distriktsskole"),
        columns=[quarters[c].short_label for c in shown],
        rows=[
            Row(label=schools[pk], cells=[table.cells[row_of[pk]][c] for c in shown])
            for pk in school_ids
        ],
        per_school=True,
        footer=[Row(label=_("Alle distriktsskoler"), cells=[skole_cells[c] for c in shown])]
        if school_ids
        else [],
    )
    per_school = Section(
        slug="distriktsskoler",
        title=_("Pr. distriktsskole"),
        intro=_(
            "Børn og unge fra hver distriktsskole, der går i et kommunalt specialtilbud "
            "(de seneste kvartaler med tal)."
        ),
        tables=[school_table],
    )

    # 3. segregation rate: per school in the newest quarter, and for all schools per quarter
    latest = shown[-1] if shown else None
    segregation_rows = []
    if latest is not None:
        for pk in school_ids:
            r = row_of[pk]
            if pupils[r][latest] is None:
                continue
            segregation_rows.append(
                Row(
                    label=schools[pk],
                    cells=[
                        pupil_cells.cells[r][latest],
                        table.cells[r][latest],
                        table.shares[r][latest],
                    ],
                )
            )
    rate_cells = table.group_shares.get(SKOLE, [])
    municipal_rows = [
        Row(label=quarter.short_label, cells=[rate_cells[c], *rate_plan.cells(quarter)])
        for c, quarter in enumerate(quarters)
        if pupil_totals[c] is not None or rate_plan.target(quarter) is not None
    ]
    segregation_tables = [
        Table(
            caption=_("Segregeringsgrad for alle distriktsskoler pr. kvartal"),
            row_header=_("Kvartal"),
            columns=[_("Segregeringsgrad"), *rate_plan.columns(_("segregeringsgrad"))],
            rows=municipal_rows,
        ),
        Table(
            caption=_("Segregeringsgrad pr. skole, %(quarter)s")
            % {"quarter": quarters[latest].label if latest is not None else ""},
            row_header=_("Distriktsskole"),
            columns=[_("Elever i distriktet"), _("Heraf i specialtilbud"), _("Segregeringsgrad")],
            rows=segregation_rows,
            per_school=True,
        ),
    ]
    missing = sum(
        1
        for pk in school_ids
        if latest is not None
        and pupils[row_of[pk]][latest] is None
        and counts[row_of[pk]][latest] is not None
    )
    notes = []
    if missing:
        notes.append(
            _(
                "For %(count)s skole(r) kendes elevtallet i distriktet ikke i det seneste "
                "kvartal; de står ikke i tabellen pr. skole, og den samlede segregeringsgrad "
                "vises kun for kvartaler, hvor alle skolers elevtal kendes."
            )
            % {"count": missing}
        )
    segregation = Section(
        slug="segregeringsgrad",
        title=_("Segregeringsgrad"),
        intro=_(
            "Andelen af distriktets elever, der går i et specialtilbud: elever i specialtilbud "
            "divideret med alle elever i distriktet — hvor elevtallet er kendt."
        ),
        tables=segregation_tables,
        notes=notes,
    )

    headlines = []
    if counted:
        c = counted[-1]
        quarter = quarters[c]
        before = counted[-2] if len(counted) > 1 else None
        headlines.append(
            Headline(
                label=_("Børn og unge i specialtilbud"),
                period=quarter.label,
                cell=total_cells[c],
                target=_number_text(total_plan.target(quarter))
                if total_plan.target(quarter) is not None
                else "",
                baseline=_number_text(total_plan.baseline(quarter))
                if total_plan.baseline(quarter) is not None
                else "",
                indicator=KpiIndicator.SPECIAL_TOTAL,
                trajectory=total_plan.trajectory(quarter),
                previous=total_cells[before] if before is not None else None,
                previous_period=quarters[before].label if before is not None else "",
            )
        )
    return [special, per_school, segregation], headlines


def _period_row_label(label: str, *, under_way: bool) -> str:
    """A table row's period (a quarter, a school year); the one under way says so (its
    figures are so far)."""
    return _("%(period)s (i gang)") % {"period": label} if under_way else label


def _referral_sections(
    plans: dict[str, _Plan], *, today: dt.date
) -> tuple[list[Section], list[Headline]]:
    months = selectors.referral_month_figures()
    by_quarter = selectors.referrals_by_quarter(months)
    referral_plan = plans[KpiIndicator.REFERRALS]
    preceded_plan = plans[KpiIndicator.PRECEDED_SHARE]
    stayed_plan = plans[KpiIndicator.STAYED_SHARE]
    figures = {entry.quarter: entry for entry in by_quarter}
    quarters = _span(
        list(figures), referral_plan.quarters(), preceded_plan.quarters(), stayed_plan.quarters()
    )
    running = Quarter.of(today)
    labels = [q.short_label for q in quarters]
    # The quarter under way is not over: its figures so far stand in the table under its own
    # label ("K4 2026 (i gang)"), and the chart, like the headlines, ends at the newest
    # completed quarter (a count so far would be drawn as a fall). The table goes on with the
    # targets.
    newest = max((q for q in figures if q < running), default=None)
    with_data = [q for q in quarters if newest is not None and q <= newest]

    referrals = disclose(
        [
            [f.referrals_preceded, f.referrals_not_preceded]
            if (f := figures.get(q))
            else [None, None]
            for q in quarters
        ],
        rows_by=Dimension.QUARTER,
        columns_by=Dimension.MEASURE,
        row_totals=True,
        shares=ROW_TOTAL,
    )
    referral_table = Table(
        caption=_("Henvisninger til visitation pr. kvartal"),
        row_header=_("Kvartal"),
        columns=[
            _("Med før-henvisning"),
            _("Uden før-henvisning"),
            _("Henvisninger i alt"),
            _("Andel med før-henvisning"),
            *referral_plan.columns(_("henvisninger")),
            *preceded_plan.columns(_("andel")),
        ],
        rows=[
            Row(
                label=_period_row_label(quarter.short_label, under_way=quarter == running),
                cells=[
                    *referrals.cells[i],
                    referrals.row_totals[i],
                    referrals.shares[i][0],
                    *referral_plan.cells(quarter),
                    *preceded_plan.cells(quarter),
                ],
            )
            for i, quarter in enumerate(quarters)
        ],
    )
    referral_section = Section(
        slug="henvisninger",
        title=_("Henvisninger til visitation"),
        intro=_(
            "Henvisninger modtaget i kvartalet, og hvor mange af dem en før-henvisning ledet af "
            "det eksterne støttesystem gik forud for."
        ),
        tables=[referral_table],
        chart=period_columns(
            id="henvisninger-graf",
            title=_("Henvisninger til visitation pr. kvartal"),
            name=_("Henvisninger"),
            columns=_columns(labels[: len(with_data)], referrals.row_totals[: len(with_data)]),
        )
        if with_data
        else None,
    )

    pre = disclose(
        [
            [f.pre_referrals_stayed, f.pre_referrals_referred]
            if (f := figures.get(q))
            else [None, None]
            for q in quarters
        ],
        rows_by=Dimension.QUARTER,
        columns_by=Dimension.MEASURE,
        row_totals=True,
        shares=ROW_TOTAL,
    )
    pre_table = Table(
        caption=_("Før-henvisninger med kendt udfald pr. kvartal"),
        row_header=_("Kvartal"),
        columns=[
            _("Blev i almentilbuddet"),
            _("Gik videre til henvisning"),
            _("I alt"),
            _("Andel, der blev i almentilbuddet"),
            *stayed_plan.columns(_("andel")),
        ],
        rows=[
            Row(
                label=_period_row_label(quarter.short_label, under_way=quarter == running),
                cells=[
                    *pre.cells[i],
                    pre.row_totals[i],
                    pre.shares[i][0],
                    *stayed_plan.cells(quarter),
                ],
            )
            for i, quarter in enumerate(quarters)
        ],
    )
    pre_section = Section(
        slug="foer-henvisninger",
        title=_("Før-henvisninger"),
        intro=_(
            "Før-henvisninger holdt i kvartalet, hvis udfald kendes: blev barnet i "
            "almentilbuddet, eller gik sagen videre til en henvisning?"
        ),
        tables=[pre_table],
    )

    school_years = selectors.school_start_direct_by_school_year(months)
    years = list(school_years)
    starts = disclose(
        [[school_years[year]] for year in years],
        rows_by=Dimension.SCHOOL_YEAR,
        columns_by=Dimension.MEASURE,
    )
    year_labels = [school_year_label(year) for year in years]
    # The school year under way, as the quarter under way: marked in the table, not drawn.
    running_year = school_year_of(today)
    drawn = [i for i, year in enumerate(years) if year < running_year]
    start_section = Section(
        slug="skolestart",
        title=_("Skolestart direkte i specialtilbud"),
        intro=_(
            "Børn fra et almindeligt dagtilbud, der ved skolestart visiteres direkte til et "
            "specialtilbud, pr. skoleår (august–juli) for afgørelsen."
        ),
        tables=[
            Table(
                caption=_("Skolestart direkte i specialtilbud efter almindelig børnehave"),
                row_header=_("Skoleår"),
                columns=[_("Antal børn")],
                rows=[
                    Row(
                        label=_period_row_label(label, under_way=years[i] == running_year),
                        cells=starts.cells[i],
                    )
                    for i, label in enumerate(year_labels)
                ],
            )
        ],
        chart=period_columns(
            id="skolestart-graf",
            title=_("Skolestart direkte i specialtilbud pr. skoleår"),
            name=_("Børn"),
            columns=_columns([year_labels[i] for i in drawn], [starts.cells[i][0] for i in drawn]),
        )
        if drawn
        else None,
    )

    headlines = []
    # The quarter under way is not over: the headline shows the newest completed one.
    completed = [e for e in by_quarter if e.quarter < running] or by_quarter
    if completed:
        i = quarters.index(completed[-1].quarter)
        quarter = quarters[i]
        before = quarters.index(completed[-2].quarter) if len(completed) > 1 else None
        headlines.append(
            Headline(
                label=_("Henvisninger til visitation"),
                period=quarter.label,
                cell=referrals.row_totals[i],
                target=_number_text(referral_plan.target(quarter))
                if referral_plan.target(quarter) is not None
                else "",
                indicator=KpiIndicator.REFERRALS,
                trajectory=referral_plan.trajectory(quarter),
                previous=referrals.row_totals[before] if before is not None else None,
                previous_period=quarters[before].label if before is not None else "",
            )
        )
        headlines.append(
            Headline(
                label=_("Andel med før-henvisning"),
                period=quarter.label,
                cell=referrals.shares[i][0],
                target=_number_text(preceded_plan.target(quarter), percent=True)
                if preceded_plan.target(quarter) is not None
                else "",
                indicator=KpiIndicator.PRECEDED_SHARE,
                trajectory=preceded_plan.trajectory(quarter),
                previous=referrals.shares[before][0] if before is not None else None,
                previous_period=quarters[before].label if before is not None else "",
            )
        )
    return [referral_section, pre_section, start_section], headlines


def _forloeb_section() -> Section:
    rows = support_selectors.open_forloeb_by_type_and_stage()
    stage_names = {stage.slug: stage.name for stage in support_selectors.stages()}
    concern_types = list(dict.fromkeys(row["concern_type"] for row in rows))
    stage_slugs = list(dict.fromkeys(row["stage"] for row in rows))
    counts = {(row["concern_type"], row["stage"]): row["count"] for row in rows}
    table = disclose(
        [[counts.get((t, s), 0) for s in stage_slugs] for t in concern_types],
        rows_by=Dimension.CONCERN_TYPE,
        columns_by=Dimension.STAGE,
        row_totals=True,
        column_totals=True,
    )
    labels = dict(ConcernType.choices)
    median_table, notes = _median_table()
    return Section(
        slug="forloeb",
        title=_("Åbne forløb i forløbscirklen"),
        intro=_(
            "Åbne forløb efter, hvad bekymringen gælder, og hvilket trin i forløbscirklen de "
            "er på nu, og hvor mange dage der går fra bekymringen til det første skridt med "
            "det eksterne støttesystem."
        ),
        tables=[
            Table(
                caption=_("Åbne forløb efter bekymringstype og trin"),
                row_header=_("Bekymringen gælder"),
                columns=[*(stage_names.get(s, s) for s in stage_slugs), _("I alt")],
                rows=[
                    Row(
                        label=str(labels.get(t, t)),
                        cells=[*table.cells[i], table.row_totals[i]],
                    )
                    for i, t in enumerate(concern_types)
                ],
                footer=[Row(label=_("I alt"), cells=[*table.column_totals, table.grand_total])]
                if concern_types
                else [],
            ),
            median_table,
        ],
        notes=notes,
    )


def _median_table() -> tuple[Table, list[str]]:
    """Days from bekymring to the external support system: the median over every forløb that
    got there, and how many they are. Each forløb's days are about one child or community, so
    the median is shown only as disclosure control allows, with the reason when it is not."""
    days = support_selectors.days_to_external_support()
    median = disclose_median(days)
    table = Table(
        caption=_("Dage fra bekymring til første skridt med det eksterne støttesystem"),
        row_header=_("Forløb"),
        columns=[_("Antal forløb"), _("Median, dage")],
        rows=[
            Row(
                label=_("Alle forløb, der er nået så langt"),
                cells=[disclose_count(len(days)), median],
            )
        ],
    )
    notes = [
        _(
            "Medianen er det midterste antal dage fra bekymringen til forløbets første skridt "
            "med det eksterne støttesystem: halvdelen af forløbene nåede dertil hurtigere, "
            "halvdelen langsommere."
        )
    ]
    if median.reason == Reason.SMALL:
        notes.append(
            _(
                "Medianen vises ikke, fordi færre end 5 forløb er nået så langt: med så få "
                "forløb ville den vise det enkelte forløbs antal dage."
            )
        )
    elif median.reason == Reason.UNIFORM:
        notes.append(
            _(
                "Medianen vises ikke, fordi alle forløb, der er nået så langt, har samme antal "
                "dage: den ville vise hvert enkelt forløbs antal dage."
            )
        )
    elif median.reason == Reason.MISSING:
        notes.append(_("Ingen forløb er nået så langt endnu."))
    return table, notes


def kpi_page(*, today: dt.date) -> KpiPage:
    """Everything the Nøgletal page shows, disclosure-controlled."""
    plans = _plans()
    special_sections, special_headlines = _special_offer_sections(plans)
    referral_sections, referral_headlines = _referral_sections(plans, today=today)
    return KpiPage(
        headlines=special_headlines + referral_headlines,
        sections=[*special_sections, *referral_sections, _forloeb_section()],
    )


# --- bounded for the page ----------------------------------------------------------------------

# The district schools named in each per-school table on the page; all are on the schools' page.
SCHOOLS_SHOWN = 10


def _largest_first(row: Row) -> tuple:
    """Rows by their newest figure (the last column), largest first. Only a figure that may be
    shown decides the order: rows whose figure is hidden follow, by name, so the order tells
    nothing about a hidden figure."""
    value = row.cells[-1].value if row.cells else None
    return (value is None, -(value or 0), row.label)


def top_schools(table: Table, n: int = SCHOOLS_SHOWN) -> Table:
    """`table` with its `n` schools with the largest newest figure, and how many it has."""
    if not table.per_school or len(table.rows) <= n:
        return table
    return replace(
        table, rows=sorted(table.rows, key=_largest_first)[:n], rows_total=len(table.rows)
    )


def bounded_page(page: KpiPage) -> KpiPage:
    """The page as /noegletal/ shows it: the per-school tables bounded (`top_schools`), the
    rest as it is. The figures are those of `page`, disclosed there: nothing is recomputed."""
    return replace(
        page,
        sections=[
            replace(section, tables=[top_schools(table) for table in section.tables])
            for section in page.sections
        ],
    )


def school_names(page: KpiPage) -> list[str]:
    """Every district school in the per-school tables, by name: the schools' page's rows."""
    return sorted(
        {
            row.label
            for section in page.sections
            for table in section.tables
            if table.per_school
            for row in table.rows
        }
    )


def schools_part(page: KpiPage, names: Sequence[str]) -> list[tuple[Section, list[Table]]]:
    """The per-school tables of `page` with the rows of the schools in `names` only (a page of
    the schools' page), each with its section; the footers (all schools) stay."""
    wanted = set(names)
    return [
        (
            section,
            [
                replace(table, rows=[row for row in table.rows if row.label in wanted])
                for table in section.tables
                if table.per_school
            ],
        )
        for section in page.sections
        if any(table.per_school for table in section.tables)
    ]


# What the KPI page is built from: the outcome figures and targets, and the institutions' names.
KPI_FAMILIES = (Family.OUTCOMES, Family.CORE)


def cached_kpi_page(*, today: dt.date) -> KpiPage:
    """`kpi_page`, from the cache until an outcome figure, a target or an institution changes
    (omstilling.cache): the page and its suppression are computed once, not per request."""
    return cached(
        name="kpi-page",
        families=KPI_FAMILIES,
        build=lambda: kpi_page(today=today),
        today=today.isoformat(),
    )
