"""Disclosure control: small counts never shown, hidden ones never recoverable from the rest,
and no percentage, median or mean that rests on fewer than 5."""

import statistics
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.disclosure import (
    HIDDEN_TEXT,
    MISSING_TEXT,
    ROW_TOTAL,
    SMALL_TEXT,
    Dimension,
    DisclosureError,
    Reason,
    Statistic,
    disclose,
    disclose_count,
    disclose_mean,
    disclose_median,
    disclose_share,
)

D = Dimension

# Counts that are mostly small, so suppression has work to do, and sometimes unknown.
counts = st.one_of(st.integers(0, 12), st.integers(0, 400), st.none())
# Bases of a share: pupils of a district, mostly large, sometimes small or unknown.
small_or_large = st.one_of(st.integers(0, 12), st.integers(0, 2000), st.none())


def tables(min_rows=1, max_rows=5, min_cols=1, max_cols=5):
    return st.integers(min_cols, max_cols).flatmap(
        lambda width: st.lists(
            st.lists(counts, min_size=width, max_size=width), min_size=min_rows, max_size=max_rows
        )
    )


def _shown_number(cell):
    return cell.value if not cell.suppressed and cell.reason != Reason.MISSING else None


def _lines(table, grid):
    """Every line a reader can add up: (cells, total) for each row and column with a total,
    and the lines of totals into the grand total."""
    lines = []
    if table.row_totals:
        for r, row in enumerate(table.cells):
            lines.append(
                (
                    [c for c, v in zip(row, grid[r], strict=True) if v is not None],
                    table.row_totals[r],
                )
            )
    if table.column_totals:
        for c, total in enumerate(table.column_totals):
            lines.append(
                (
                    [row[c] for row, g in zip(table.cells, grid, strict=True) if g[c] is not None],
                    total,
                )
            )
    if table.grand_total:
        lines.append(
            ([t for t in table.row_totals if t.reason != Reason.MISSING], table.grand_total)
        )
        lines.append(
            ([t for t in table.column_totals if t.reason != Reason.MISSING], table.grand_total)
        )
    return [(cells, total) for cells, total in lines if cells]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=tables(), row_totals=st.booleans(), column_totals=st.booleans())
def test_no_cell_of_1_to_4_is_ever_shown(grid, row_totals, column_totals):
    table = disclose(
        grid,
        rows_by=D.QUARTER,
        columns_by=D.LEVEL,
        row_totals=row_totals,
        column_totals=column_totals,
    )

    for cell in table.all_cells():
        assert _shown_number(cell) is None or not 1 <= cell.value <= 4
        if cell.suppressed:
            assert cell.value is None
            assert cell.text in (SMALL_TEXT, HIDDEN_TEXT)
        for digit in "1234":
            assert cell.text != digit


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=tables(), row_totals=st.booleans(), column_totals=st.booleans())
def test_no_hidden_cell_is_alone_in_a_line_whose_total_is_shown(grid, row_totals, column_totals):
    table = disclose(
        grid,
        rows_by=D.QUARTER,
        columns_by=D.LEVEL,
        row_totals=row_totals,
        column_totals=column_totals,
    )

    for cells, total in _lines(table, grid):
        hidden = [cell for cell in cells if cell.suppressed]
        if not total.suppressed and total.reason != Reason.MISSING:
            assert len(hidden) != 1, (grid, [c.text for c in cells], total.text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=tables(max_rows=4, max_cols=4), row_totals=st.booleans(), column_totals=st.booleans())
def test_no_small_cell_can_be_pinned_down_from_what_is_shown(grid, row_totals, column_totals):
    """Stronger than the line check: what a reader knows (shown values, 1–4 behind "<5", at
    least 5 behind "x") never pins a "<5" to one value, line by line."""
    table = disclose(
        grid,
        rows_by=D.QUARTER,
        columns_by=D.LEVEL,
        row_totals=row_totals,
        column_totals=column_totals,
    )

    for cells, total in _lines(table, grid):
        if total.suppressed or total.reason == Reason.MISSING:
            continue
        hidden = [cell for cell in cells if cell.suppressed]
        rest = total.value - sum(cell.value for cell in cells if not cell.suppressed)
        for cell in hidden:
            if cell.reason != Reason.SMALL:
                continue
            others = [o for o in hidden if o is not cell]
            lowest = max(1, rest - sum(4 if o.reason == Reason.SMALL else rest for o in others))
            highest = min(4, rest - sum(1 if o.reason == Reason.SMALL else 5 for o in others))
            assert lowest < highest, (grid, [c.text for c in cells], total.text)


@settings(max_examples=200, deadline=None)
@given(grid=tables(max_cols=3))
def test_a_share_is_shown_only_when_count_and_base_are_at_least_5(grid):
    table = disclose(
        grid, rows_by=D.QUARTER, columns_by=D.MEASURE, row_totals=True, shares=ROW_TOTAL
    )

    for r, row in enumerate(table.shares):
        for c, share in enumerate(row):
            if share.value is not None:
                count, base = grid[r][c], sum(v for v in grid[r] if v is not None)
                assert count >= 5 and base >= 5 and not 0 < base - count < 5
                assert not table.cells[r][c].suppressed and not table.row_totals[r].suppressed


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    grid=st.integers(1, 4).flatmap(
        lambda width: st.lists(
            st.lists(st.integers(0, 40), min_size=width, max_size=width), min_size=2, max_size=5
        )
    ),
    data=st.data(),
)
def test_subtotals_and_shares_of_external_bases_keep_the_rules(grid, data):
    """The KPI page's shape: groups of rows with subtotals, a grand total per column, a share of
    an external base per cell and per group subtotal (children of the district's pupils)."""
    width = len(grid[0])
    groups = data.draw(st.lists(st.sampled_from("ab"), min_size=len(grid), max_size=len(grid)))
    bases = [data.draw(st.lists(small_or_large, min_size=width, max_size=width)) for _ in grid]
    group_bases = {
        g: data.draw(st.lists(small_or_large, min_size=width, max_size=width)) for g in set(groups)
    }

    table = disclose(
        grid,
        rows_by=D.INSTITUTION,
        columns_by=D.QUARTER,
        column_totals=True,
        row_groups=groups,
        shares=bases,
        group_share_bases=group_bases,
    )

    for cell in table.all_cells():
        assert cell.value is None or not 1 <= cell.value <= 4
    for c, total in enumerate(table.column_totals):
        group_cells = {
            g: [row[c] for row, h in zip(table.cells, groups, strict=True) if h == g]
            for g in groups
        }
        lines = [(cells, table.group_totals[g][c]) for g, cells in group_cells.items()]
        lines.append(([row[c] for row in table.cells], total))
        lines.append(([table.group_totals[g][c] for g in group_cells], total))
        for cells, line_total in lines:
            if not line_total.suppressed:
                assert sum(cell.suppressed for cell in cells) != 1, (grid, groups, c)
    for r, row in enumerate(table.shares):
        for c, share in enumerate(row):
            _assert_share_kept_the_rule(share, grid[r][c], bases[r][c], table.cells[r][c])
    for g, row in table.group_shares.items():
        for c, share in enumerate(row):
            subtotal = sum(grid[r][c] for r in range(len(grid)) if groups[r] == g)
            _assert_share_kept_the_rule(
                share, subtotal, group_bases[g][c], table.group_totals[g][c]
            )


def _assert_share_kept_the_rule(share, count, base, count_cell):
    assert share.statistic == Statistic.SHARE
    if share.value is None:
        assert share.text in (HIDDEN_TEXT, MISSING_TEXT)
        return
    assert count >= 5 and base >= 5 and not 0 < base - count < 5
    assert not count_cell.suppressed
    assert share.value == _percent(count, base)


def _percent(count, base):
    return (Decimal(count) * 100 / Decimal(base)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _danish(text):
    """A number as Danish text, read back: 1.234,5 → 1234.5."""
    return Decimal(text.replace("\xa0%", "").replace(".", "").replace(",", "."))


def _reveals_nothing(cell):
    """A hidden figure: no value, and a text without any digit but the 5 of "<5"."""
    assert cell.value is None
    assert cell.suppressed or cell.reason == Reason.MISSING
    assert cell.text in (SMALL_TEXT, HIDDEN_TEXT, MISSING_TEXT)
    assert str(cell) == cell.text


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.integers(0, 12), st.integers(0, 10**7), st.none()))
def test_a_count_on_its_own_is_shown_only_when_it_is_0_or_at_least_5(value):
    cell = disclose_count(value)

    assert cell.statistic == Statistic.COUNT
    if value is None:
        assert cell.reason == Reason.MISSING and cell.text == MISSING_TEXT
    elif 1 <= value <= 4:
        _reveals_nothing(cell)
        assert cell.text == SMALL_TEXT and cell.reason == Reason.SMALL
    else:
        assert cell.value == value and _danish(cell.text) == value


@settings(max_examples=500, deadline=None)
@given(
    count=st.one_of(st.integers(0, 12), st.integers(0, 2000), st.none()),
    base=st.one_of(st.integers(0, 12), st.integers(0, 2000), st.none()),
    hidden=st.booleans(),
)
def test_a_share_is_shown_only_when_count_base_and_rest_give_no_small_number(count, base, hidden):
    cell = disclose_share(count, base, hidden=hidden)

    assert cell.statistic == Statistic.SHARE
    shown = (
        count is not None
        and base
        and not hidden
        and count >= 5
        and base >= 5
        and not 0 < base - count < 5
    )
    if shown:
        assert cell.value == _percent(count, base)
        assert _danish(cell.text) == cell.value and cell.text.endswith("\xa0%")
    else:
        _reveals_nothing(cell)
        assert cell.text != SMALL_TEXT  # "<5" would read as the percentage


samples = st.lists(
    st.one_of(st.integers(0, 400), st.decimals(-50, 5000, places=1), st.floats(0, 400)),
    max_size=12,
)


@pytest.mark.parametrize(
    ("disclose_figure", "statistic", "figure"),
    [
        (disclose_median, Statistic.MEDIAN, statistics.median),
        (disclose_mean, Statistic.MEAN, lambda sample: sum(sample) / len(sample)),
    ],
)
@settings(max_examples=300, deadline=None)
@given(values=samples)
def test_a_median_or_mean_needs_5_values_that_are_not_all_the_same(
    disclose_figure, statistic, figure, values
):
    cell = disclose_figure(values)

    assert cell.statistic == statistic
    if not values:
        assert cell.reason == Reason.MISSING and cell.text == MISSING_TEXT
    elif len(values) < 5:
        _reveals_nothing(cell)
        assert cell.text == HIDDEN_TEXT and cell.reason == Reason.SMALL
    elif len({Decimal(str(v)) for v in values}) == 1:
        _reveals_nothing(cell)
        assert cell.text == HIDDEN_TEXT and cell.reason == Reason.UNIFORM
    else:
        exact = figure([Decimal(str(v)) for v in values])
        assert cell.value == exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        assert _danish(cell.text) == cell.value


def test_a_median_of_5_is_shown_in_danish():
    assert disclose_median([3, 40, 12, 7, 9]).text == "9"
    assert disclose_median([3, 40, 12, 7, 9, 1000]).text == "10,5"
    assert disclose_median([1200, 1300, 1250, 1500, 1100]).text == "1.250"
    assert disclose_mean([1, 2, 3, 4, 6]).text == "3,2"


@pytest.mark.parametrize("bad", [[1, 2, 3, 4, True], [1, 2, 3, 4, float("nan")], [1, "5"]])
def test_it_refuses_a_sample_that_is_not_numbers(bad):
    with pytest.raises(ValueError):
        disclose_median(bad)
    with pytest.raises(ValueError):
        disclose_mean(bad)


@pytest.mark.parametrize(("count", "base"), [(-1, 10), (5, -10), (2.5, 10), (True, 10)])
def test_it_refuses_a_share_of_what_is_not_a_count(count, base):
    with pytest.raises(ValueError):
        disclose_share(count, base)


def test_small_counts_are_shown_as_less_than_5_and_zero_is_shown():
    table = disclose([[0, 3, 12]], rows_by=D.QUARTER, columns_by=D.LEVEL)

    assert [cell.text for cell in table.cells[0]] == ["0", "<5", "12"]
    assert [cell.value for cell in table.cells[0]] == [0, None, 12]


def test_a_second_cell_is_hidden_where_the_total_would_give_the_small_one_away():
    table = disclose([[3, 12, 40]], rows_by=D.QUARTER, columns_by=D.LEVEL, row_totals=True)

    assert [cell.text for cell in table.cells[0]] == ["<5", "x", "40"]
    assert table.cells[0][1].reason == Reason.SECONDARY
    assert table.row_totals[0].text == "55"


def test_the_total_is_hidden_when_no_other_cell_can_be():
    table = disclose([[3, 0, 0]], rows_by=D.QUARTER, columns_by=D.LEVEL, row_totals=True)

    assert [cell.text for cell in table.cells[0]] == ["<5", "0", "0"]
    assert table.row_totals[0].suppressed


def test_hidden_cells_whose_sum_gives_them_away_get_a_partner():
    # 1 + 1 = 2: two "<5" that add up to 2 must both be 1.
    table = disclose([[1, 1, 10]], rows_by=D.QUARTER, columns_by=D.LEVEL, row_totals=True)

    assert [cell.text for cell in table.cells[0]] == ["<5", "<5", "x"]


def test_rows_and_columns_are_protected_together():
    table = disclose(
        [[3, 10, 20], [8, 0, 1234], [0, 0, 0]],
        rows_by=D.QUARTER,
        columns_by=D.LEVEL,
        row_totals=True,
        column_totals=True,
    )

    assert [[cell.text for cell in row] for row in table.cells] == [
        ["<5", "10", "x"],
        ["x", "0", "x"],
        ["0", "0", "0"],
    ]
    assert [cell.text for cell in table.row_totals] == ["33", "1.242", "0"]
    assert table.grand_total.text == "1.275"


def test_subtotals_are_protected_with_the_cells_and_the_total():
    table = disclose(
        [[3, 2], [20, 18], [9, 4], [30, 31]],
        rows_by=D.INSTITUTION,
        columns_by=D.QUARTER,
        column_totals=True,
        row_groups=["dagtilbud", "skole", "skole", "skole"],
    )

    dagtilbud, skole = table.group_totals["dagtilbud"], table.group_totals["skole"]
    assert [cell.text for cell in dagtilbud] == ["<5", "<5"]
    assert all(cell.suppressed for cell in skole)
    assert [cell.text for cell in table.column_totals] == ["62", "55"]


def test_percentages_in_danish_only_for_counts_and_bases_of_5_or_more():
    table = disclose(
        [[12, 30], [7, 3], [0, 0]],
        rows_by=D.QUARTER,
        columns_by=D.MEASURE,
        row_totals=True,
        shares=ROW_TOTAL,
    )

    assert [cell.text for cell in table.shares[0]] == ["28,6\xa0%", "71,4\xa0%"]
    assert table.shares[0][0].value == Decimal("28.6")
    assert [cell.text for cell in table.shares[1]] == ["x", "x"]
    assert [cell.text for cell in table.shares[2]] == ["–", "–"]


def test_shares_of_external_bases():
    table = disclose(
        [[14], [3], [12]],
        rows_by=D.INSTITUTION,
        columns_by=D.QUARTER,
        column_totals=True,
        row_groups=["skole"] * 3,
        shares=[[600], [200], [None]],
        group_share_bases={"skole": [1000]},
    )

    assert [row[0].text for row in table.cells] == ["14", "<5", "x"]
    assert [row[0].text for row in table.shares] == ["2,3\xa0%", "x", "–"]
    assert table.group_shares["skole"][0].text == "2,9\xa0%"


@pytest.mark.parametrize("personal", [D.SEX, D.GRADE, D.NEED])
def test_it_refuses_to_break_an_institution_down_by_sex_grade_or_need(personal):
    with pytest.raises(DisclosureError):
        disclose([[10, 12]], rows_by=D.INSTITUTION, columns_by=personal)
    with pytest.raises(DisclosureError):
        disclose([[10, 12]], rows_by=personal, columns_by=D.QUARTER, within_institution=True)
    disclose([[10, 12]], rows_by=personal, columns_by=D.QUARTER)


@pytest.mark.parametrize("bad", [-1, 2.5, True])
def test_it_refuses_what_is_not_a_count(bad):
    with pytest.raises(ValueError):
        disclose([[bad]], rows_by=D.QUARTER, columns_by=D.LEVEL)
