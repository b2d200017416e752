"""The SVG chart set: geometry from numbers, text alternatives, data tables, rendering."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from omstilling.numbers import percent_text
from omstilling.quarters import Quarter, quarter_range
from reports.charts import (
    ACTUAL_LINE,
    BASELINE_LINE,
    MILESTONE_SERIES,
    MONEY_SERIES,
    NARROW_FRAME,
    PERIOD_HEIGHT,
    PERIOD_WIDTH,
    PROGRESS_SERIES,
    STATE_SERIES,
    TARGET_LINE,
    WIDTH,
    BarInput,
    ColumnInput,
    LineInput,
    Table,
    nice_step,
    nice_ticks,
    period_columns,
    period_lines,
    quarter_columns,
    short_kr,
    stacked_bars,
    wrap_text,
)

TABLE = Table(caption="Tabel", columns=["Række", "Værdi"], rows=[("A", ["1"])])


def _bars(*bars, **kwargs):
    return stacked_bars(
        id="test", title="Tiltag", bars=list(bars), series=STATE_SERIES, table=TABLE, **kwargs
    )


def _lum(colour: str) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


# --- stacked bars ------------------------------------------------------------------------------


def test_it_makes_segment_widths_proportional_to_the_counts():
    chart = _bars(BarInput(label="Spor 1", values={"ikke_startet": 1, "i_gang": 3, "afsluttet": 4}))

    segments = chart.rows[0].segments
    assert [s.series.key for s in segments] == ["ikke_startet", "i_gang", "afsluttet"]
    assert [s.width for s in segments] == [WIDTH / 8, WIDTH * 3 / 8, WIDTH * 4 / 8]
    assert [s.x for s in segments] == [0, WIDTH / 8, WIDTH * 4 / 8]


def test_it_scales_all_bars_to_the_largest_total():
    chart = _bars(
        BarInput(label="Stor", values={"i_gang": 10}),
        BarInput(label="Lille", values={"i_gang": 2, "pause": 3}),
    )

    assert chart.rows[0].segments[0].width == WIDTH
    assert [s.width for s in chart.rows[1].segments] == [WIDTH * 0.2, WIDTH * 0.3]


def test_it_scales_to_a_given_maximum():
    chart = _bars(BarInput(label="Puljen", values={"i_gang": 25}), scale_max=100)

    assert chart.rows[0].segments[0].width == WIDTH / 4


def test_it_omits_zero_segments():
    chart = _bars(BarInput(label="Spor 1", values={"ikke_startet": 0, "i_gang": 2, "opgivet": 0}))

    assert [s.series.key for s in chart.rows[0].segments] == ["i_gang"]
    assert "opgivet" not in chart.desc and "ikke startet" not in chart.desc


def test_it_handles_a_total_of_zero():
    chart = _bars(
        BarInput(label="Tomt spor", values={}, empty_text="Ingen tiltag"),
        BarInput(label="Også tomt", values={"i_gang": 0}),
    )

    assert all(row.segments == [] for row in chart.rows)
    assert chart.rows[0].empty_text == "Ingen tiltag"
    assert chart.desc == "Tomt spor: ingen tiltag. Også tomt: ingen data."
    html = render_to_string(chart.template, {"chart": chart})
    assert html.count('class="empty"') == 2
    assert "Ingen tiltag" in html


def test_it_shows_a_number_only_where_it_fits():
    chart = _bars(BarInput(label="Spor", values={"i_gang": 1, "afsluttet": 99}))

    small, large = chart.rows[0].segments
    assert not small.show_text and large.show_text


def test_a_progress_bar_carries_its_number_beside_the_bar_not_on_it():
    chart = stacked_bars(
        id="p",
        title="Fremdrift",
        bars=[BarInput(label="Spor 1", values={"done": 40, "rest": 60}, total_text="40\u00a0%")],
        series=PROGRESS_SERIES,
        table=TABLE,
        value_text=percent_text,
        scale_max=100,
    )

    assert [s.show_text for s in chart.rows[0].segments] == [False, False]
    assert chart.rows[0].segments[0].width == WIDTH * 0.4
    assert chart.desc == "Spor 1 (40\u00a0%): 40\u00a0% fremdrift, 60\u00a0% mangler."


def test_it_summarises_the_numbers_in_its_text_alternative():
    chart = _bars(
        BarInput(label="Spor 1", values={"i_gang": 3, "ingen": 2}, total_text="5 tiltag"),
        BarInput(label="Spor 2", values={"afsluttet": 1}, total_text="1 tiltag"),
        desc_intro="Antal tiltag pr. spor.",
    )

    assert chart.desc == (
        "Antal tiltag pr. spor. Spor 1 (5 tiltag): 3 i gang, 2 ingen status. "
        "Spor 2 (1 tiltag): 1 afsluttet."
    )


def test_it_writes_amounts_exactly_in_the_text_and_short_on_the_bar():
    from omstilling.templatetags.portal import kr

    chart = stacked_bars(
        id="pool",
        title="Puljen",
        bars=[BarInput(label="Puljen", values={"spent": Decimal("1750000.75")})],
        series=MONEY_SERIES,
        table=TABLE,
        value_text=short_kr,
        desc_text=kr,
        scale_max=Decimal("50000000"),
    )

    assert chart.rows[0].segments[0].text == "1,8 mio. kr."
    assert "1.750.000,75 kr. forbrugt" in chart.desc
    assert chart.rows[0].segments[0].width == pytest.approx(WIDTH * 1750000.75 / 50000000)


def test_it_wraps_long_labels_instead_of_cutting_them():
    label = "Spor 2: Det gode skoletilbud for alle børn og unge"

    assert wrap_text(label, 14, 270) == ["Spor 2: Det gode skoletilbud for", "alle børn og unge"]
    assert wrap_text(label, 14, 160) == ["Spor 2: Det gode", "skoletilbud for…"]
    chart = _bars(BarInput(label=label, values={"i_gang": 10}, total_text="10 tiltag"))
    row = chart.rows[0]
    assert [line.text for line in row.lines] == [
        "Spor 2: Det gode skoletilbud for",
        "alle børn og unge",
    ]
    assert row.bar_y > row.lines[1].y  # the bar sits below both lines


def test_it_renders_an_accessible_svg():
    chart = _bars(BarInput(label="Spor 1 & 2", values={"i_gang": 3, "afsluttet": 1}))

    html = render_to_string("reports/charts/chart.html", {"chart": chart})

    svg = re.search(r"<svg[^>]*>", html).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="test-title"' in svg and 'aria-describedby="test-desc"' in svg
    assert f'viewBox="0 0 {WIDTH} {chart.height}"' in svg
    assert '<title id="test-title">Tiltag</title>' in html
    assert f'<desc id="test-desc">{chart.desc.replace("&", "&amp;")}</desc>' in html
    assert "Spor 1 &amp; 2" in html  # escaped
    # Every series has its own pattern inside the SVG, and a legend entry with text.
    for series in STATE_SERIES:
        assert f'<pattern id="test-{series.key}"' in html
        assert f">{series.label}</text>" in html
    assert 'fill="url(#test-i_gang)"' in html
    # No page CSS, no script, no external font or image.
    assert "<script" not in html and 'class="chart-svg"' in html
    assert "href=" not in html.split("</svg>")[0]
    # Geometry stays in SVG number format even in Danish (no decimal commas in attributes).
    assert not re.search(r'(x|y|width|height)="\d+,\d', html)


def test_it_puts_a_data_table_right_after_the_chart():
    table = Table(
        caption="Tiltag pr. spor",
        columns=["Spor", "I gang"],
        rows=[("Spor 1", ["3"]), ("Spor 2", ["1"])],
        footer=("I alt", ["4"]),
    )
    chart = stacked_bars(
        id="t",
        title="T",
        bars=[BarInput("Spor 1", {"i_gang": 3})],
        series=STATE_SERIES,
        table=table,
    )

    html = render_to_string("reports/charts/chart.html", {"chart": chart})

    after = html.split("</svg>", 1)[1]
    assert after.lstrip().startswith('<details class="details chart-table">')
    assert "Vis som tabel" in after
    assert "<caption>Tiltag pr. spor</caption>" in after
    assert '<th scope="col">Spor</th><th scope="col" class="numeric">I gang</th>' in after
    assert '<tr><th scope="row">Spor 1</th><td>3</td></tr>' in after
    assert '<tfoot><tr><th scope="row">I alt</th><td>4</td></tr></tfoot>' in after


# --- columns per quarter -----------------------------------------------------------------------


def _columns(counts, today=dt.date(2026, 11, 24)):
    quarters = quarter_range(Quarter(2026, 1), Quarter(2026, 4))
    return quarter_columns(
        id="m",
        title="Milepæle",
        quarters=quarters,
        counts=counts,
        series=MILESTONE_SERIES,
        today=today,
        table=TABLE,
        empty_text="Ingen milepæle.",
    )


def test_it_stacks_columns_in_proportion_on_round_ticks():
    chart = _columns(
        {Quarter(2026, 1): {"done": 6, "overdue": 2}, Quarter(2026, 4): {"due": 3, "overdue": 1}}
    )

    assert [t.value for t in chart.ticks] == [0, 2, 4, 6, 8]
    per_unit = (chart.plot_bottom - chart.plot_top) / 8
    first, second, third, fourth = chart.columns
    assert [(p.series.key, p.height) for p in first.parts] == [
        ("done", 6 * per_unit),
        ("overdue", 2 * per_unit),
    ]
    assert first.parts[0].y == chart.plot_bottom - 6 * per_unit  # stacked from the axis up
    assert first.parts[1].y == chart.plot_top
    assert second.parts == [] and third.parts == []
    assert [p.series.key for p in fourth.parts] == ["due", "overdue"]
    assert [c.total for c in chart.columns] == [8, 0, 0, 4]


def test_it_marks_today_inside_its_quarter():
    chart = _columns({Quarter(2026, 4): {"due": 1}})

    slot = (chart.plot_right - chart.plot_left) / 4
    q4_start = chart.plot_left + 3 * slot
    # 24 November is day 55 of the 92 days of the 4th quarter.
    assert chart.today_x == pytest.approx(q4_start + slot * 54.5 / 92, abs=0.01)
    assert [c.is_current for c in chart.columns] == [False, False, False, True]
    assert chart.today_label == "I dag, 24. november 2026"
    assert "I dag er 24. november 2026 i 4. kvartal 2026." in chart.desc
    html = render_to_string(chart.template, {"chart": chart})
    assert 'class="today"' in html and "I dag, 24. november 2026" in html


def test_it_leaves_out_the_marker_when_today_is_outside_the_timeline():
    chart = _columns({}, today=dt.date(2030, 1, 1))

    assert chart.today_x is None
    assert "ligger uden for tidslinjen" in chart.desc
    assert 'class="today"' not in render_to_string(chart.template, {"chart": chart})


def test_it_handles_no_milestones_at_all():
    chart = _columns({})

    assert [t.value for t in chart.ticks] == [0]
    assert all(c.parts == [] for c in chart.columns)
    assert chart.empty_text == "Ingen milepæle."
    assert "Ingen milepæle." in chart.desc


def test_it_summarises_each_quarter_in_the_text_alternative():
    chart = _columns({Quarter(2026, 2): {"done": 3, "overdue": 1}})

    assert "2. kvartal 2026: 3 nået, 1 forsinket." in chart.desc
    assert "1. kvartal 2026" not in chart.desc  # empty quarters are not read out


def test_it_labels_quarters_and_years_in_danish():
    chart = _columns({})

    assert [c.short_label for c in chart.columns] == ["K1", "K2", "K3", "K4"]
    assert [c.year_label for c in chart.columns] == ["2026", "", "", ""]


# --- numbers, ticks, colours ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (0, [0]),
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (8, [0, 2, 4, 6, 8]),
        (25, [0, 10, 20, 30]),
        (31, [0, 10, 20, 30, 40]),
        (160, [0, 50, 100, 150, 200]),
    ],
)
def test_it_picks_round_ticks(maximum, ticks):
    assert nice_ticks(maximum) == ticks


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("50000000"), "50 mio. kr."),
        (Decimal("38500000"), "38,5 mio. kr."),
        (Decimal("1750000.75"), "1,8 mio. kr."),
        (Decimal("750000.50"), "750.000,50 kr."),
        (0, "0 kr."),
    ],
)
def test_it_writes_short_amounts_in_danish(amount, text):
    assert short_kr(amount) == text


def test_every_colour_has_at_least_3_to_1_contrast_against_white():
    lines = [ACTUAL_LINE, TARGET_LINE, BASELINE_LINE]
    for series in STATE_SERIES + MILESTONE_SERIES + MONEY_SERIES + PROGRESS_SERIES + lines:
        ratio = (1.05) / (_lum(series.colour) + 0.05)
        assert ratio >= 3, (series.key, series.colour, ratio)


def test_no_two_series_of_a_chart_share_both_colour_and_pattern():
    for series_set in (STATE_SERIES, MILESTONE_SERIES, MONEY_SERIES, PROGRESS_SERIES):
        looks = [(s.colour, s.pattern) for s in series_set]
        assert len(set(looks)) == len(looks)
        assert len({s.pattern for s in series_set}) == len(series_set)
    lines = [ACTUAL_LINE, TARGET_LINE, BASELINE_LINE]
    assert len({(line.dashes, line.marker) for line in lines}) == len(lines)


def test_it_can_put_the_total_after_the_bar_and_give_the_label_the_whole_width():
    label = "Spor 1: Det gode dagtilbud for alle børn"
    chart = _bars(
        BarInput(label=label, values={"i_gang": 4}, total_text="4 tiltag"),
        BarInput(label="Spor 2", values={"i_gang": 2}, total_text="2 tiltag"),
        BarInput(label="Spor 3", values={}, total_text="0 tiltag"),
        total_at_end=True,
    )

    first, second, empty = chart.rows
    assert [line.text for line in first.lines] == [label]
    assert chart.bar_area < WIDTH
    assert first.segments[0].width == pytest.approx(chart.bar_area)
    assert second.segments[0].width == pytest.approx(chart.bar_area / 2)
    assert first.total_x == pytest.approx(chart.bar_area + 6)
    assert second.total_x == pytest.approx(chart.bar_area / 2 + 6)
    assert empty.total_x == pytest.approx(chart.bar_area + 6)
    html = render_to_string(chart.template, {"chart": chart})
    assert 'text-anchor="start" fill="#1a1a1a">4 tiltag</text>' in html


# --- lines and columns over periods --------------------------------------------------------------

PERIODS = ["K1 2026", "K2 2026", "K3 2026", "K4 2026"]


def _plot_y(value, top):
    plot_height = PERIOD_HEIGHT - 20 - 44
    return round(20 + plot_height * (1 - value / top), 1)


@pytest.mark.parametrize(
    ("raw", "step"),
    [(0, 1), (0.4, 1), (1, 1), (1.5, 2), (2.2, 5), (6, 10), (21, 25), (26, 50), (240, 250)],
)
def test_it_picks_whole_steps_with_quarter_steps_from_25_up(raw, step):
    assert nice_step(raw, factors=(1, 2, 2.5, 5, 10)) == step


def test_it_draws_four_round_gridlines_a_little_above_the_largest_value():
    chart = period_lines(
        id="l",
        title="Antal",
        periods=PERIODS[:2],
        lines=[
            LineInput("Antal", ACTUAL_LINE, [23.0, 18.0]),
            LineInput("Mål", TARGET_LINE, [None, 90]),
        ],
    )

    # 90 × 1.05 / 4 = 23.6: a step of 25, the axis ends at 100.
    assert [t.text for t in chart.ticks] == ["0", "25", "50", "75", "100"]
    assert [t.y for t in chart.ticks] == [_plot_y(v, 100) for v in (0, 25, 50, 75, 100)]


def test_it_breaks_a_line_where_a_value_is_missing():
    chart = period_lines(
        id="l",
        title="Antal",
        periods=PERIODS,
        lines=[LineInput("Antal", ACTUAL_LINE, [10, 12, None, 8])],
    )

    (line,) = chart.lines
    plot_width = PERIOD_WIDTH - 56 - 40
    xs = [round(56 + plot_width / 3 * i, 1) for i in range(4)]
    assert line.paths == [
        f"{xs[0]},{_plot_y(10, 20)} {xs[1]},{_plot_y(12, 20)}",
        f"{xs[3]},{_plot_y(8, 20)}",
    ]
    assert [m.title for m in line.markers] == [
        "Antal, K1 2026: 10",
        "Antal, K2 2026: 12",
        "Antal, K4 2026: 8",
    ]
    assert chart.desc == "Antal. Antal: fra 10 i K1 2026 til 8 i K4 2026."


def test_it_describes_each_line_by_its_first_and_last_value():
    chart = period_lines(
        id="l",
        title="Børn i alt",
        periods=PERIODS[:2],
        lines=[
            LineInput("Faktisk", ACTUAL_LINE, [1234, 20.5]),
            LineInput("Mål", TARGET_LINE, [None, 20]),
            LineInput("Baseline", BASELINE_LINE, [None, None]),
        ],
    )

    assert chart.desc == (
        "Børn i alt. Faktisk: fra 1.234 i K1 2026 til 20,5 i K2 2026. Mål: 20 i K2 2026. "
        "Baseline: ingen tal, der kan vises."
    )


def test_a_hidden_count_gets_no_column_only_its_text():
    chart = period_columns(
        id="c",
        title="Henvisninger",
        name="Henvisninger",
        columns=[
            ColumnInput("K1 2026", 12, "12"),
            ColumnInput("K2 2026", None, "<5"),
            ColumnInput("K3 2026", 0, "0"),
        ],
    )

    shown, hidden, zero = chart.columns
    assert shown.height > 0 and shown.text == "12"
    assert hidden.height == 0 and hidden.text == "<5" and hidden.title == "K2 2026: <5"
    assert zero.height == 0 and zero.text == "0"
    # The scale and the text alternative know only the counts that may be shown.
    assert [t.text for t in chart.ticks] == ["0", "5", "10", "15", "20"]
    assert chart.desc == "Henvisninger. Henvisninger: fra 12 i K1 2026 til 0 i K3 2026."
    html = render_to_string(chart.template, {"chart": chart})
    assert html.count("<rect") == 1
    assert "&lt;5</text>" in html


def test_it_writes_every_period_label_up_to_twelve_and_every_other_beyond():
    def labels(count):
        periods = [f"P{i}" for i in range(count)]
        columns = [ColumnInput(p, 5, "5") for p in periods]
        chart = period_columns(id="c", title="T", name="N", columns=columns)
        return [label.text for label in chart.x_labels]

    assert labels(12) == [f"P{i}" for i in range(12)]
    assert labels(13) == [f"P{i}" for i in range(0, 13, 2)]


def test_it_renders_period_charts_as_accessible_svg_with_a_key_to_the_lines():
    chart = period_lines(
        id="l",
        title="Børn & unge",
        periods=PERIODS[:2],
        lines=[
            LineInput("Faktisk", ACTUAL_LINE, [23.5, 18]),
            LineInput("Mål", TARGET_LINE, [25, 20]),
            LineInput("Baseline", BASELINE_LINE, [30, 30]),
        ],
    )

    html = render_to_string("reports/includes/kpi_chart.html", {"chart": chart})

    svg = re.search(r"<svg[^>]*>", html).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="l-title"' in svg and 'aria-describedby="l-desc"' in svg
    assert '<title id="l-title">Børn &amp; unge</title>' in html
    assert f'<desc id="l-desc">{chart.desc.replace("&", "&amp;")}</desc>' in html
    assert "<title>Faktisk, K1 2026: 23,5</title>" in html
    assert 'stroke-dasharray="9 5"' in html and 'stroke-dasharray="2 4"' in html
    # Two markers in the wide chart, two in its phone twin, one in the key.
    assert html.count("<circle") == 2 + 2 + 1 and html.count('width="9" height="9"') == 2 + 2 + 1
    for text in ["Faktisk (fuld linje, prikker)", "Mål (stiplet linje, firkanter)"]:
        assert text in re.sub(r"\s+", " ", html)
    assert "Baseline (prikket linje)" in re.sub(r"\s+", " ", html)
    assert "<script" not in html
    # Geometry stays in SVG number format even in Danish (no decimal commas in attributes).
    assert not re.search(r'(x|y|cx|cy|width|height|stroke-width)="\d+,\d', html)


# --- the phone's twin of a period chart --------------------------------------------------------

QUARTERS = [q.short_label for q in quarter_range(Quarter(2024, 1), Quarter(2027, 4))]  # 16


def test_a_phone_gets_the_newest_periods_that_fit_its_width():
    columns = [ColumnInput(label, i, str(i)) for i, label in enumerate(QUARTERS)]

    chart = period_columns(id="c", title="Henvisninger", name="Henvisninger", columns=columns)

    narrow = chart.narrow
    assert narrow.id == "c-narrow" and narrow.width == NARROW_FRAME.width
    labels = [label.text for label in narrow.x_labels]
    assert labels == QUARTERS[-len(labels) :]  # the newest, each with its label
    assert 4 <= len(labels) < len(QUARTERS)
    # Each label has its slot: no two overlap (a label is at most its estimated width).
    slot = NARROW_FRAME.plot_width / len(labels)
    assert all(len(text) * NARROW_FRAME.font_size * 0.55 + 8 <= slot for text in labels)
    assert all(
        NARROW_FRAME.left <= c.x and c.x + c.width <= narrow.plot_right for c in narrow.columns
    )
    assert narrow.note == f"Grafen viser {labels[0]}–{labels[-1]}. Alle perioder står i tabellen."
    assert narrow.desc.endswith(f"til {len(QUARTERS) - 1} i {QUARTERS[-1]}.")
    assert chart.narrow.narrow is None and chart.width == PERIOD_WIDTH  # the wide one is as before
    assert len(chart.x_labels) == len(QUARTERS[::2])


def test_a_phones_line_chart_ends_at_the_newest_measured_period():
    measured = [50 - i for i in range(10)] + [None] * 6  # K1 2024–K2 2026; targets run on
    chart = period_lines(
        id="l",
        title="Børn i alt",
        periods=QUARTERS,
        lines=[
            LineInput("Faktisk", ACTUAL_LINE, measured),
            LineInput("Mål", TARGET_LINE, [45.0] * 16),
        ],
    )

    narrow = chart.narrow
    labels = [label.text for label in narrow.x_labels]
    assert labels[-1] == "K2 2026" and labels == QUARTERS[10 - len(labels) : 10]
    assert len(labels) >= 4
    actual, target = narrow.lines
    assert len(actual.markers) == len(labels) and len(target.markers) == len(labels)
    assert actual.markers[-1].title == "Faktisk, K2 2026: 41"
    assert actual.markers[-1].x == narrow.plot_right  # the newest stands at the right edge
    assert narrow.note.startswith(f"Grafen viser {labels[0]}–K2 2026.")


def test_a_short_chart_is_drawn_whole_on_a_phone_without_a_note():
    chart = period_lines(
        id="l", title="T", periods=PERIODS, lines=[LineInput("F", ACTUAL_LINE, [1, 2, 3, 4])]
    )

    assert [label.text for label in chart.narrow.x_labels] == PERIODS
    assert chart.narrow.note == ""


def test_the_page_shows_the_wide_chart_and_its_phone_twin_under_ids_of_their_own():
    columns = [ColumnInput(label, 5, "5") for label in QUARTERS]
    chart = period_columns(id="c", title="Henvisninger", name="Henvisninger", columns=columns)

    html = render_to_string("reports/includes/kpi_chart.html", {"chart": chart})

    wide, narrow = re.findall(r"<svg[^>]*role=\"img\"[^>]*>", html)
    assert 'aria-labelledby="c-title"' in wide and f'viewBox="0 0 {PERIOD_WIDTH} ' in wide
    assert 'aria-labelledby="c-narrow-title"' in narrow
    assert f'viewBox="0 0 {NARROW_FRAME.width} ' in narrow
    assert re.search(r'class="[^"]*chart-wide', html) and 'class="chart-narrow"' in html
    assert chart.narrow.note in html
