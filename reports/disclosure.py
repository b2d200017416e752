"""Disclosure control: the one place that decides which figures about children may be shown.

Every statistic computed from child-level rows (forløb, før-henvisninger, henvisninger,
afgørelser, the quarterly counts of children in special offers) and shown to anyone but the
people who keep those rows — the KPI page and its exports, the dashboard, the reports — passes
through this module and is rendered from the cells it returns. A cell carries the text to show
and, only when it may be shown, its value, so a template never holds a figure it could print
by mistake. One minimum, SMALL = 5, runs through every kind of statistic:

- a count (or a sum of counts) of 1–4 is shown as "<5" (primary suppression); 0 may be shown.
  Tables go through `disclose()`, a count standing alone through `disclose_count()`;
- where a hidden count could be worked out from the other cells of its row or column and the
  total shown, another cell (the smallest non-zero one) is hidden as well, shown as "x", or the
  total if there is none (secondary suppression). "Worked out" is checked by propagating
  what a reader knows about each hidden cell (1–4 for "<5", at least 5 for "x") through every
  row, column and line of totals until nothing changes; a hidden count that ends up pinned to
  one value gets a partner hidden, and the check runs again;
- a percentage (`disclose_share()`, or `shares` of a table) is shown only when its count and
  its base are both at least 5 and shown, and the rest (base − count) is 0 or at least 5: a
  percentage shown with either of its numbers gives the other away, and with it the rest;
- a median or a mean of a sample of values about children (`disclose_median()`,
  `disclose_mean()`) is shown only when the sample has at least 5 values — below that the
  figure is one child's own value or close to it — and not all of them are the same (then the
  figure would be every child's own value). The median of 5 or more is the value of one of
  them (or between two), but nobody can tell whose; that is accepted, as for a count of 5.
  Medians or means of overlapping samples (all forløb, and the ones of one school) shown side
  by side could give a value away by difference, like totals: show one sample's figure only;
- a suppressed percentage, median or mean is shown as "x" (never "<5", which would read as
  a value);
- no breakdown of a single institution by sex, grade or need (DisclosureError).
"""

import math
import statistics
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from omstilling.numbers import count_text, percent_text

SMALL = 5  # counts below this (and above 0) are never shown
SMALL_TEXT = "<5"
HIDDEN_TEXT = "x"
MISSING_TEXT = "–"
LEGEND = _(
    "<5: færre end 5. x: skjult, så et lille tal ikke kan regnes ud af de andre tal, eller "
    "fordi tallet bygger på for få. –: ingen tal. Andele vises kun, når både antallet og "
    "grundlaget er mindst 5, og forskellen mellem dem er 0 eller mindst 5. Medianer og "
    "gennemsnit vises kun, når de bygger på mindst 5, der ikke alle har samme værdi."
)


class Dimension(StrEnum):
    """What the rows or columns of a table are broken down by."""

    INSTITUTION = "institution"
    QUARTER = "quarter"
    SCHOOL_YEAR = "school_year"
    LEVEL = "level"
    MEASURE = "measure"
    CONCERN_TYPE = "concern_type"
    STAGE = "stage"
    SEX = "sex"
    GRADE = "grade"
    NEED = "need"


# Personal characteristics: within one institution these point at children.
PERSONAL = frozenset({Dimension.SEX, Dimension.GRADE, Dimension.NEED})


class DisclosureError(ValueError):
    """A table that must not be shown at all, whatever its numbers."""


class Reason(StrEnum):
    SHOWN = ""
    SMALL = "small"  # 1–4, or a figure that rests on fewer than 5
    SECONDARY = "secondary"  # hidden so that a small one cannot be worked out
    UNIFORM = "uniform"  # a median or mean of values that are all the same
    MISSING = "missing"  # no figure


class Statistic(StrEnum):
    """What kind of figure a cell holds; each kind has its rule (see the module's docstring)."""

    COUNT = "count"  # a count of children or cases, or a sum of counts
    SHARE = "share"  # a percentage of a base
    MEDIAN = "median"  # the middle value of a sample
    MEAN = "mean"  # the average of a sample


@dataclass(frozen=True)
class Cell:
    """One figure as it may be shown. `value` is None whenever the figure is not shown."""

    value: int | Decimal | None
    text: str
    suppressed: bool = False
    reason: Reason = Reason.SHOWN
    statistic: Statistic = Statistic.COUNT

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class DisclosedTable:
    cells: list[list[Cell]]
    row_totals: list[Cell] | None = None
    column_totals: list[Cell] | None = None
    grand_total: Cell | None = None
    # With row_groups: each group's subtotal per column.
    group_totals: dict[Hashable, list[Cell]] = field(default_factory=dict)
    # With shares: each cell's share of its base, as a percentage cell.
    shares: list[list[Cell]] | None = None
    # With group_share_bases: each group subtotal's share of its base per column.
    group_shares: dict[Hashable, list[Cell]] = field(default_factory=dict)

    def all_cells(self) -> list[Cell]:
        cells = [cell for row in self.cells for cell in row]
        cells += (self.row_totals or []) + (self.column_totals or [])
        cells += [self.grand_total] if self.grand_total else []
        cells += [cell for group in self.group_totals.values() for cell in group]
        return cells


def share_text(value: Decimal) -> str:
    """A share of children: one decimal, `12,5 %`."""
    return percent_text(value, decimals=1)


_INF = math.inf

# Positions: ("cell", r, c), ("grp", group, c), ("row", r), ("col", c), ("all",)
Pos = tuple


@dataclass(frozen=True)
class _Line:
    members: tuple[Pos, ...]
    total: Pos


def _propagate(values: dict, hidden: set, lines: list[_Line]) -> dict[Pos, tuple[float, float]]:
    """What a reader can know about each hidden figure: an interval, tightened by every line's
    sum until nothing changes (sound: the true value always lies inside)."""
    lo: dict[Pos, float] = {}
    hi: dict[Pos, float] = {}
    for pos, value in values.items():
        if pos not in hidden:
            lo[pos] = hi[pos] = value
        elif value < SMALL:
            lo[pos], hi[pos] = 1, SMALL - 1
        else:
            lo[pos], hi[pos] = SMALL, _INF
    for _pass in range(200):
        changed = False
        for line in lines:
            members = line.members
            total = line.total
            sum_lo = sum(lo[m] for m in members)
            finite_hi = sum(hi[m] for m in members if hi[m] != _INF)
            infinite = sum(1 for m in members if hi[m] == _INF)
            sum_hi = _INF if infinite else finite_hi
            if sum_lo > lo[total]:
                lo[total], changed = sum_lo, True
            if sum_hi < hi[total]:
                hi[total], changed = sum_hi, True
            for m in members:
                if m not in hidden:
                    continue
                others_lo = sum_lo - lo[m]
                others_infinite = infinite - (1 if hi[m] == _INF else 0)
                others_hi = _INF if others_infinite else finite_hi - (0 if hi[m] == _INF else hi[m])
                new_lo = lo[total] - others_hi if others_hi != _INF else -_INF
                new_hi = hi[total] - others_lo if hi[total] != _INF else _INF
                if new_lo > lo[m]:
                    lo[m], changed = new_lo, True
                if new_hi < hi[m]:
                    hi[m], changed = new_hi, True
        if not changed:
            break
    return {pos: (lo[pos], hi[pos]) for pos in hidden}


def _order(pos: Pos) -> tuple:
    kind = {"cell": 0, "grp": 1, "row": 2, "col": 3, "all": 4}[pos[0]]
    if pos[0] == "grp":
        return (kind, str(pos[1]), pos[2])
    return (kind, *pos[1:])


def _exposed(values: dict, hidden: set, lines: list[_Line]) -> list[Pos]:
    bounds = _propagate(values, hidden, lines)
    return sorted((p for p in hidden if bounds[p][0] == bounds[p][1]), key=_order)


def _cost(candidate: Pos, values: dict, hidden: set, lines: list[_Line]) -> int:
    """How much trouble hiding `candidate` makes in its lines: a line in which it would be the
    only hidden figure needs a partner later (1), and if that line has no other non-zero figure
    to pair with, only its total can be hidden (100). A total whose cells are all shown can be
    added up, so hiding it protects nothing (100)."""
    cost = 0
    for line in lines:
        if line.total == candidate:
            if not any(m in hidden for m in line.members):
                cost += 100
        elif candidate in line.members and not any(m in hidden for m in line.members):
            partners = [m for m in line.members if m != candidate and values[m] > 0]
            cost += 1 if partners else 100
    return cost


def _suppress(values: dict[Pos, int], lines: list[_Line]) -> set[Pos]:
    """Primary suppression, then partners for exposed figures until none is exposed.

    Partners are sought in the lines of the exposed figures: a non-zero cell, or a line's
    total when there is none. The one taken leaves the fewest figures exposed, then makes the
    least trouble in its own lines, then is the smallest. (The usual smallest-first rule
    alone walks into columns whose only non-zero cell it has just hidden.)
    """
    hidden = {pos for pos, value in values.items() if 0 < value < SMALL}
    exposed = _exposed(values, hidden, lines)
    while exposed:
        around = [
            line for line in lines if any(p == line.total or p in line.members for p in exposed)
        ]
        candidates: set[Pos] = set()
        for pick_totals in (False, True):
            candidates = {
                p
                for line in around
                for p in ((line.total,) if pick_totals else line.members)
                if p not in hidden and values[p] > 0
            }
            if candidates:
                break
        if not candidates:
            # Nothing left to hide next to the exposed figures: hide every non-zero figure.
            rest = {p for p, value in values.items() if value > 0} - hidden
            if not rest:
                return hidden
            hidden |= rest
        else:
            hidden.add(
                min(
                    candidates,
                    key=lambda p: (
                        len(_exposed(values, hidden | {p}, lines)),
                        _cost(p, values, hidden, lines),
                        values[p],
                        _order(p),
                    ),
                )
            )
        exposed = _exposed(values, hidden, lines)
    return hidden


ROW_TOTAL = "row_total"


def disclose(
    counts: Sequence[Sequence[int | None]],
    *,
    rows_by: Dimension,
    columns_by: Dimension,
    row_totals: bool = False,
    column_totals: bool = False,
    row_groups: Sequence[Hashable] | None = None,
    shares: str | Sequence[Sequence[int | None]] | None = None,
    group_share_bases: Mapping[Hashable, Sequence[int | None]] | None = None,
    within_institution: bool = False,
) -> DisclosedTable:
    """The cells of a table of counts of children as they may be shown to BFU.

    `counts` is a list of rows; None means "no figure" (shown as "–", not part of any total).
    `rows_by`/`columns_by` say what the rows and columns are; with `within_institution` the
    whole table is about one institution (then, as for rows or columns by institution, no
    breakdown by sex, grade or need is allowed).

    Totals are sums of the known cells: `row_totals` per row, `column_totals` per column (both:
    also the grand total), `row_groups` (a group key per row) a subtotal per group and column.
    Every total is checked with its cells, so figures shown together are suppressed together:
    show figures that add up to one another from one call.

    `shares` adds a percentage per cell: ROW_TOTAL for its share of its row total, or a matrix
    of bases (e.g. pupils of the district; None where unknown). `group_share_bases` gives a
    base per column for each group's subtotal.
    """
    dimensions = {Dimension(rows_by), Dimension(columns_by)}
    if (within_institution or Dimension.INSTITUTION in dimensions) and dimensions & PERSONAL:
        raise DisclosureError(
            "an institution's figures may not be broken down by sex, grade or need"
        )
    if shares == ROW_TOTAL and not row_totals:
        raise ValueError("shares of the row totals need row_totals=True")
    grid = [list(row) for row in counts]
    height = len(grid)
    width = len(grid[0]) if grid else 0
    if any(len(row) != width for row in grid):
        raise ValueError("every row must have the same number of cells")
    if row_groups is not None and len(row_groups) != height:
        raise ValueError("row_groups needs one group per row")
    for row in grid:
        for value in row:
            _check_count(value)

    values: dict[Pos, int] = {}
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if value is not None:
                values[("cell", r, c)] = int(value)

    lines: list[_Line] = []

    def add_line(members: Sequence[Pos], total: Pos) -> None:
        members = tuple(p for p in members if p in values)
        if members:
            values[total] = sum(values[p] for p in members)
            lines.append(_Line(members, total))

    if row_totals:
        for r in range(height):
            add_line([("cell", r, c) for c in range(width)], ("row", r))
    groups = list(dict.fromkeys(row_groups)) if row_groups is not None else []
    for g in groups:
        for c in range(width):
            add_line([("cell", r, c) for r in range(height) if row_groups[r] == g], ("grp", g, c))
    if column_totals:
        for c in range(width):
            add_line([("cell", r, c) for r in range(height)], ("col", c))
            if groups:
                # The same total, reached through the subtotals: checked both ways.
                members = tuple(("grp", g, c) for g in groups if ("grp", g, c) in values)
                if members:
                    lines.append(_Line(members, ("col", c)))
        if row_totals:
            add_line([("row", r) for r in range(height)], ("all",))
            columns = tuple(("col", c) for c in range(width) if ("col", c) in values)
            if columns:
                lines.append(_Line(columns, ("all",)))

    hidden = _suppress(values, lines)

    def cell(pos: Pos) -> Cell:
        return _count_cell(values.get(pos), hidden=pos in hidden)

    def share(count: Pos, base: Pos | int | None) -> Cell:
        if isinstance(base, tuple):
            base_value = values.get(base)
            base_hidden = base in hidden
        else:
            base_value, base_hidden = base, False
        return disclose_share(values.get(count), base_value, hidden=count in hidden or base_hidden)

    share_cells = None
    if shares == ROW_TOTAL:
        share_cells = [
            [share(("cell", r, c), ("row", r)) for c in range(width)] for r in range(height)
        ]
    elif shares is not None:
        bases = [list(row) for row in shares]
        if len(bases) != height or any(len(row) != width for row in bases):
            raise ValueError("shares needs one base per cell")
        share_cells = [
            [share(("cell", r, c), bases[r][c]) for c in range(width)] for r in range(height)
        ]
    group_shares = {}
    for g, bases in (group_share_bases or {}).items():
        if g not in groups or len(bases) != width:
            raise ValueError("group_share_bases needs a known group and one base per column")
        group_shares[g] = [share(("grp", g, c), bases[c]) for c in range(width)]

    return DisclosedTable(
        cells=[[cell(("cell", r, c)) for c in range(width)] for r in range(height)],
        row_totals=[cell(("row", r)) for r in range(height)] if row_totals else None,
        column_totals=[cell(("col", c)) for c in range(width)] if column_totals else None,
        grand_total=cell(("all",)) if row_totals and column_totals else None,
        group_totals={g: [cell(("grp", g, c)) for c in range(width)] for g in groups},
        shares=share_cells,
        group_shares=group_shares,
    )


def _check_count(value) -> None:
    if value is not None and (isinstance(value, bool) or int(value) != value or value < 0):
        raise ValueError(f"a count must be a whole number ≥ 0, not {value!r}")


def _missing(statistic: Statistic) -> Cell:
    return Cell(value=None, text=MISSING_TEXT, reason=Reason.MISSING, statistic=statistic)


def _hidden(statistic: Statistic, reason: Reason) -> Cell:
    """A hidden percentage, median or mean: "x", never "<5", which would read as its value."""
    return Cell(value=None, text=HIDDEN_TEXT, suppressed=True, reason=reason, statistic=statistic)


def _count_cell(value: int | None, *, hidden: bool) -> Cell:
    if value is None:
        return _missing(Statistic.COUNT)
    if 0 < value < SMALL or hidden:
        small = value < SMALL
        return Cell(
            value=None,
            text=SMALL_TEXT if small else HIDDEN_TEXT,
            suppressed=True,
            reason=Reason.SMALL if small else Reason.SECONDARY,
        )
    return Cell(value=value, text=count_text(value))


def disclose_count(value: int | None) -> Cell:
    """One count of children or cases (or a sum of such counts) shown on its own.

    Figures that add up to one another belong in one table (`disclose()`), where a hidden one
    is also protected from being worked out from the others."""
    _check_count(value)
    return _count_cell(value, hidden=False)


def disclose_share(count: int | None, base: int | None, *, hidden: bool = False) -> Cell:
    """`count` of `base` as a Danish percentage, when it may be shown.

    `hidden`: the count or the base is hidden where it is shown (a table's secondary
    suppression), so the percentage must not give it away either."""
    _check_count(count)
    _check_count(base)
    if count is None or not base:
        return _missing(Statistic.SHARE)
    rest = base - count
    if hidden or count < SMALL or base < SMALL or 0 < rest < SMALL:
        return _hidden(Statistic.SHARE, Reason.SMALL)
    percent = (Decimal(count) * 100 / Decimal(base)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return Cell(value=percent, text=share_text(percent), statistic=Statistic.SHARE)


def _check_sample(values: Sequence) -> list[Decimal]:
    sample = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise ValueError(f"a sample holds numbers, not {value!r}")
        number = Decimal(str(value))
        if not number.is_finite():
            raise ValueError(f"a sample holds finite numbers, not {value!r}")
        sample.append(number)
    return sample


def _summary(
    values: Sequence, statistic: Statistic, figure: Callable[[list[Decimal]], Decimal]
) -> Cell:
    sample = _check_sample(values)
    if not sample:
        return _missing(statistic)
    if len(sample) < SMALL:
        return _hidden(statistic, Reason.SMALL)
    if len(set(sample)) == 1:
        return _hidden(statistic, Reason.UNIFORM)
    value = figure(sample).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    decimals = 0 if value == value.to_integral_value() else 1
    value = value.quantize(Decimal(1) if decimals == 0 else Decimal("0.1"))
    text = number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return Cell(value=value, text=text, statistic=statistic)


def disclose_median(values: Sequence[int | float | Decimal]) -> Cell:
    """The median of a sample of values about children (one value per child or case), when it
    may be shown: rounded to one decimal, written without it when it is whole."""
    return _summary(values, Statistic.MEDIAN, statistics.median)


def disclose_mean(values: Sequence[int | float | Decimal]) -> Cell:
    """The mean of a sample of values about children, when it may be shown (as the median)."""
    return _summary(values, Statistic.MEAN, lambda sample: sum(sample) / len(sample))
