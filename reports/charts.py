"""Chart geometry for the dashboard, the Nøgletal page and the PDF report: plain data in, plain
data out.

Python computes every position and size; the templates in `reports/templates/reports/charts/`
only print it as inline SVG. The same chart object therefore renders identically on the page
and (later) in the WeasyPrint PDF: no JavaScript, no external fonts, no page CSS. Colours and
patterns live inside each SVG, and every colour passes 3:1 against white (WCAG 2.1, 1.4.11).
Colour never carries meaning alone: each series also has its own pattern (a line its own dashes
and marker), a legend with text, and the numbers are in the chart's text alternative and its
"Vis som tabel" table.
"""

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from omstilling.numbers import count_text, kr_text, number_text
from omstilling.quarters import Quarter

Number = int | Decimal

FONT_FAMILY = "'IBM Plex Sans', Arial, Helvetica, sans-serif"
TEXT_COLOUR = "#1a1a1a"
MUTED_COLOUR = "#545454"
GRID_COLOUR = "#bfbfbf"
# viewBox width. The SVG scales to its container: at 360 units a phone shows the text at about
# its nominal size, and the page caps the width on a desktop so that text stays moderate.
WIDTH = 360
LABEL_SIZE = 14
VALUE_SIZE = 13
LEGEND_SIZE = 13


@dataclass(frozen=True)
class SeriesStyle:
    """How one series is drawn: a base colour (≥ 3:1 on white) and a pattern on top of it."""

    key: str
    label: str
    colour: str
    pattern: str  # solid | hatch | dots | lines | cross | outline
    text_colour: str = "#ffffff"
    show_values: bool = True  # print each segment's number on it (where it fits)

    @property
    def is_outline(self) -> bool:
        return self.pattern == "outline"


# Work states of initiatives (tracks.WorkState) plus "no status yet".
STATE_SERIES = [
    SeriesStyle("ikke_startet", gettext_lazy("Ikke startet"), "#767676", "dots"),
    SeriesStyle("i_gang", gettext_lazy("I gang"), "#0059b3", "hatch"),
    SeriesStyle("afsluttet", gettext_lazy("Afsluttet"), "#358000", "solid"),
    SeriesStyle("pause", gettext_lazy("Sat på pause"), "#8a6100", "lines"),
    SeriesStyle("opgivet", gettext_lazy("Opgivet"), "#545454", "cross"),
    SeriesStyle("ingen", gettext_lazy("Ingen status"), "#767676", "outline", TEXT_COLOUR),
]

MILESTONE_SERIES = [
    SeriesStyle("done", gettext_lazy("Nået"), "#358000", "solid"),
    SeriesStyle("due", gettext_lazy("Planlagt"), "#0059b3", "hatch"),
    SeriesStyle("overdue", gettext_lazy("Forsinket"), "#b0000b", "cross"),
]

# A progress bar: the percentage stands beside the bar, so the segments carry no numbers.
PROGRESS_SERIES = [
    SeriesStyle("done", gettext_lazy("Fremdrift"), "#0059b3", "solid", show_values=False),
    SeriesStyle("rest", gettext_lazy("Mangler"), "#767676", "outline", TEXT_COLOUR, False),
]

MONEY_SERIES = [
    SeriesStyle("spent", gettext_lazy("Forbrugt"), "#003d73", "solid"),
    SeriesStyle("unspent", gettext_lazy("Godkendt, ikke forbrugt"), "#0059b3", "hatch"),
    SeriesStyle("free", gettext_lazy("Fri i puljen"), "#767676", "outline", TEXT_COLOUR),
]


# --- Formatting (Danish) ------------------------------------------------------------------------


def short_kr(value: Number) -> str:
    """Amounts in a chart's small print: `12,5 mio. kr.`; below a million the exact amount."""
    amount = Decimal(value)
    if abs(amount) >= 1_000_000:
        millions = (amount / 1_000_000).quantize(Decimal("0.1"))
        decimals = 0 if millions == millions.to_integral_value() else 1
        return _("%(amount)s mio. kr.") % {
            "amount": number_format(millions, decimal_pos=decimals, use_l10n=True)
        }
    return kr_text(amount)


def danish_date(day: dt.date) -> str:
    return date_format(day, "DATE_FORMAT")


# Average advance of a character in em: IBM Plex Sans runs at about 0.5, the fallback fonts a
# PDF renderer may use are wider; the estimate errs on the wide side so that nothing overlaps.
CHAR_EM = 0.55


def text_width(text: str, size: float) -> float:
    """A conservative estimate of a sans-serif text's width, for fitting labels."""
    return len(text) * size * CHAR_EM


def fit_text(text: str, size: float, width: float) -> str:
    """Shorten `text` with an ellipsis so that it fits `width` (the full text is in the table)."""
    if text_width(text, size) <= width:
        return text
    keep = max(1, int(width / (size * CHAR_EM)) - 1)
    cut = text[:keep]
    if " " in cut[keep // 2 :]:  # end on a whole word where that keeps most of the line
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip() + "…"


def wrap_text(text: str, size: float, width: float, *, max_lines: int = 2) -> list[str]:
    """Break `text` into lines that fit `width` at word boundaries; shorten the last line."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while words and text_width(f"{line} {words[0]}", size) <= width:
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    if words:
        lines[-1] = fit_text(f"{lines[-1]} {' '.join(words)}", size, width - size)
    return [fit_text(line, size, width) for line in lines]


# --- Shared pieces: data table and legend --------------------------------------------------------


@dataclass
class Table:
    """The chart's data as a table: a caption, column headers, rows led by a row header."""

    caption: str
    columns: list[str]
    rows: list[tuple[str, list[str]]]
    footer: tuple[str, list[str]] | None = None


@dataclass
class LegendItem:
    series: SeriesStyle
    x: float
    y: float

    @property
    def text_x(self) -> float:
        return self.x + 22

    @property
    def text_y(self) -> float:
        return self.y + 12


def legend(series: Sequence[SeriesStyle], *, top: float, width: float = WIDTH):
    """Legend items in as many equal columns as fit; returns (items, height)."""
    size = LEGEND_SIZE
    column = max(text_width(str(s.label), size) for s in series) + 22 + 16
    columns = max(1, min(len(series), int(width // column)))
    column = width / columns
    items = [
        LegendItem(s, x=(i % columns) * column, y=top + (i // columns) * 22)
        for i, s in enumerate(series)
    ]
    rows = math.ceil(len(series) / columns)
    return items, rows * 22


# --- Horizontal stacked bars ---------------------------------------------------------------------


@dataclass
class BarInput:
    """One bar: a label and a value per series key (missing keys count as zero)."""

    label: str
    values: dict[str, Number]
    total_text: str = ""
    empty_text: str = ""


@dataclass
class Segment:
    series: SeriesStyle
    value: Number
    x: float
    width: float
    text: str
    show_text: bool

    @property
    def text_x(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def text_box_width(self) -> float:
        return round(text_width(self.text, VALUE_SIZE) + 6, 2)

    @property
    def text_box_x(self) -> float:
        return round(self.text_x - self.text_box_width / 2, 2)


@dataclass
class LabelLine:
    text: str
    y: float


@dataclass
class BarRow:
    full_label: str
    lines: list[LabelLine]
    total: Number
    total_text: str
    empty_text: str
    bar_y: float
    bar_height: float
    segments: list[Segment]
    total_x: float = WIDTH
    total_y: float = 0
    total_anchor: str = "end"

    @property
    def text_y(self) -> float:
        return round(self.bar_y + self.bar_height / 2 + 4.5, 2)

    @property
    def text_box_y(self) -> float:
        return round(self.bar_y + self.bar_height / 2 - 9, 2)


@dataclass
class StackedBarChart:
    id: str
    title: str
    desc: str
    series: list[SeriesStyle]
    rows: list[BarRow]
    legend: list[LegendItem]
    table: Table
    width: float = WIDTH
    height: float = 0
    template: str = "reports/charts/stacked_bars.html"
    font_family: str = FONT_FAMILY
    text_colour: str = TEXT_COLOUR
    muted_colour: str = MUTED_COLOUR
    grid_colour: str = GRID_COLOUR
    label_size: int = LABEL_SIZE
    value_size: int = VALUE_SIZE
    legend_size: int = LEGEND_SIZE
    bar_area: float = WIDTH

    @property
    def empty_width(self) -> float:
        return self.bar_area - 1


def stacked_bars(
    *,
    id: str,
    title: str,
    bars: Sequence[BarInput],
    series: Sequence[SeriesStyle],
    table: Table,
    value_text: Callable[[Number], str] = count_text,
    desc_text: Callable[[Number], str] | None = None,
    scale_max: Number | None = None,
    desc_intro: str = "",
    total_at_end: bool = False,
) -> StackedBarChart:
    """Horizontal bars, one per input, each split into its series' segments.

    A segment's width is its value's share of `scale_max` (by default the largest bar's total),
    so bars compare with each other. Zero values draw no segment; a bar with total 0 shows its
    `empty_text` instead. A segment shows its number only where the number fits. The label
    above a bar wraps onto a second line rather than being cut short. The bar's total stands
    at the right of its label, or with `total_at_end` just after the bar (the bars then leave
    room for it), which gives the label the whole width.
    """
    desc_text = desc_text or value_text
    totals = [sum((bar.values.get(s.key, 0) for s in series), 0) for bar in bars]
    total_texts = [bar.total_text or value_text(t) for bar, t in zip(bars, totals, strict=True)]
    scale = scale_max if scale_max is not None else max(totals, default=0)
    bar_area = float(WIDTH)
    if total_at_end and bars:
        bar_area -= max(text_width(t, LABEL_SIZE) for t in total_texts) + 8
    rows = []
    y = 0.0
    line_height, bar_height, gap = 18, 28, 14
    for bar, total, total_text in zip(bars, totals, total_texts, strict=True):
        label_room = WIDTH if total_at_end else WIDTH - text_width(total_text, LABEL_SIZE) - 8
        lines = [
            LabelLine(text=line, y=round(y + LABEL_SIZE + i * line_height, 2))
            for i, line in enumerate(wrap_text(bar.label, LABEL_SIZE, label_room))
        ]
        bar_y = y + len(lines) * line_height + 5
        segments = []
        x = 0.0
        for s in series:
            value = bar.values.get(s.key, 0)
            if not value or not scale:
                continue
            width = float(Decimal(value) / Decimal(scale) * Decimal(bar_area))
            text = value_text(value)
            segments.append(
                Segment(
                    series=s,
                    value=value,
                    x=round(x, 2),
                    width=round(width, 2),
                    text=text,
                    show_text=s.show_values and width >= text_width(text, VALUE_SIZE) + 10,
                )
            )
            x += width
        if total_at_end:
            total_at = {
                "total_x": round((x if segments else bar_area) + 6, 2),
                "total_y": round(bar_y + bar_height / 2 + 5, 2),
                "total_anchor": "start",
            }
        else:
            total_at = {"total_x": WIDTH, "total_y": lines[-1].y, "total_anchor": "end"}
        rows.append(
            BarRow(
                full_label=bar.label,
                lines=lines,
                total=total,
                total_text=total_text,
                empty_text=bar.empty_text or _("Ingen data"),
                bar_y=round(bar_y, 2),
                bar_height=bar_height,
                segments=segments,
                **total_at,
            )
        )
        y = bar_y + bar_height + gap
    items, legend_height = legend(series, top=y + 2)
    parts = []
    for row in rows:
        if not row.segments:
            parts.append(f"{row.full_label}: {row.empty_text.lower()}")
            continue
        values = ", ".join(
            f"{desc_text(s.value)} {str(s.series.label).lower()}" for s in row.segments
        )
        parts.append(f"{row.full_label} ({row.total_text}): {values}")
    desc = " ".join(filter(None, [desc_intro, ". ".join(parts) + "." if parts else ""]))
    return StackedBarChart(
        id=id,
        title=title,
        desc=desc,
        series=list(series),
        rows=rows,
        legend=items,
        table=table,
        height=round(y + 2 + legend_height + 2, 2),
        bar_area=round(bar_area, 2),
    )


# --- Columns per quarter: the milestone timeline -------------------------------------------------


def nice_step(raw: float, *, factors: Sequence[float] = (1, 2, 5, 10)) -> int:
    """The smallest whole `factor × 10^k` that is at least `raw`, and at least 1."""
    if raw <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(int(step) for f in factors if (step := f * magnitude) >= raw and step == int(step))


def nice_ticks(maximum: Number, target: int = 4) -> list[int]:
    """Round axis ticks from 0 to at least `maximum`, about `target` steps, whole numbers."""
    if maximum <= 0:
        return [0]
    step = nice_step(float(maximum) / target)
    top = math.ceil(float(maximum) / step) * step
    return list(range(0, int(top) + 1, step))


@dataclass
class Tick:
    value: int
    y: float
    text: str

    @property
    def text_y(self) -> float:
        return self.y + 4


@dataclass
class ColumnPart:
    series: SeriesStyle
    value: int
    y: float
    height: float


@dataclass
class Column:
    quarter: Quarter
    x: float
    width: float
    centre: float
    total: int
    total_y: float
    parts: list[ColumnPart]
    short_label: str
    year_label: str
    is_current: bool

    @property
    def total_text(self) -> str:
        return count_text(self.total)

    @property
    def total_box_width(self) -> float:
        return round(text_width(self.total_text, 11) + 4, 2)

    @property
    def total_box_x(self) -> float:
        return round(self.centre - self.total_box_width / 2, 2)

    @property
    def total_box_y(self) -> float:
        return round(self.total_y - 10, 2)

    @property
    def highlight_x(self) -> float:
        return round(self.x - 3, 2)

    @property
    def highlight_width(self) -> float:
        return round(self.width + 6, 2)


@dataclass
class ColumnChart:
    id: str
    title: str
    desc: str
    series: list[SeriesStyle]
    columns: list[Column]
    ticks: list[Tick]
    legend: list[LegendItem]
    table: Table
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    today_x: float | None
    today_label: str
    today_label_x: float
    today_anchor: str
    empty_text: str
    width: float = WIDTH
    height: float = 0
    template: str = "reports/charts/columns.html"
    font_family: str = FONT_FAMILY
    text_colour: str = TEXT_COLOUR
    muted_colour: str = MUTED_COLOUR
    grid_colour: str = GRID_COLOUR
    legend_size: int = LEGEND_SIZE

    @property
    def plot_height(self) -> float:
        return self.plot_bottom - self.plot_top

    @property
    def tick_label_x(self) -> float:
        return self.plot_left - 5

    @property
    def today_line_top(self) -> float:
        return self.plot_top - 8

    @property
    def today_label_y(self) -> float:
        return self.plot_top - 12

    @property
    def empty_x(self) -> float:
        return self.plot_left + 8

    @property
    def empty_y(self) -> float:
        return self.plot_bottom - 12

    @property
    def quarter_label_y(self) -> float:
        return self.plot_bottom + 15

    @property
    def year_label_y(self) -> float:
        return self.plot_bottom + 30


def quarter_columns(
    *,
    id: str,
    title: str,
    quarters: Sequence[Quarter],
    counts: dict[Quarter, dict[str, int]],
    series: Sequence[SeriesStyle],
    today: dt.date,
    table: Table,
    desc_intro: str = "",
    empty_text: str = "",
) -> ColumnChart:
    """One stacked column per quarter on a shared y axis, with today's position marked."""
    plot_left, plot_right, plot_top, plot_height = 28.0, WIDTH - 2.0, 30.0, 150.0
    plot_bottom = plot_top + plot_height
    totals = {q: sum(counts.get(q, {}).get(s.key, 0) for s in series) for q in quarters}
    tick_values = nice_ticks(max(totals.values(), default=0))
    top_value = tick_values[-1] or 1
    per_unit = plot_height / top_value
    ticks = [
        Tick(value=v, y=round(plot_bottom - v * per_unit, 2), text=count_text(v))
        for v in tick_values
    ]
    slot = (plot_right - plot_left) / max(1, len(quarters))
    bar = slot * 0.62
    current = Quarter.of(today)
    columns = []
    for index, quarter in enumerate(quarters):
        x = plot_left + index * slot + (slot - bar) / 2
        y = plot_bottom
        parts = []
        for s in series:
            value = counts.get(quarter, {}).get(s.key, 0)
            if not value:
                continue
            height = value * per_unit
            y -= height
            parts.append(ColumnPart(series=s, value=value, y=round(y, 2), height=round(height, 2)))
        first_shown = index == 0 or quarter.number == 1
        columns.append(
            Column(
                quarter=quarter,
                x=round(x, 2),
                width=round(bar, 2),
                centre=round(x + bar / 2, 2),
                total=totals[quarter],
                total_y=round(y - 4, 2),
                parts=parts,
                short_label=_("K%(number)s") % {"number": quarter.number},
                year_label=str(quarter.year) if first_shown else "",
                is_current=quarter == current,
            )
        )
    today_x = None
    if quarters and quarters[0].first_day <= today <= quarters[-1].last_day:
        index = list(quarters).index(current)
        days = (current.last_day - current.first_day).days + 1
        elapsed = (today - current.first_day).days + 0.5
        today_x = round(plot_left + (index + elapsed / days) * slot, 2)
    today_label = _("I dag, %(date)s") % {"date": danish_date(today)}
    label_half = text_width(today_label, 12) / 2
    anchor, label_x = "middle", today_x or 0
    if today_x is not None and today_x - label_half < 0:
        anchor, label_x = "start", max(today_x - 4, 0)
    elif today_x is not None and today_x + label_half > WIDTH:
        anchor, label_x = "end", min(today_x + 4, WIDTH)
    items, legend_height = legend(series, top=plot_bottom + 42)
    parts_text = []
    for column in columns:
        if not column.total:
            continue
        values = ", ".join(
            f"{count_text(p.value)} {str(p.series.label).lower()}" for p in column.parts
        )
        parts_text.append(f"{column.quarter.label}: {values}")
    if today_x is not None:
        desc_today = _("I dag er %(date)s i %(quarter)s.") % {
            "date": danish_date(today),
            "quarter": current.label,
        }
    else:
        desc_today = _("I dag (%(date)s) ligger uden for tidslinjen.") % {
            "date": danish_date(today)
        }
    desc = " ".join(
        filter(
            None,
            [desc_intro, "; ".join(parts_text) + "." if parts_text else empty_text, desc_today],
        )
    )
    return ColumnChart(
        id=id,
        title=title,
        desc=desc,
        series=list(series),
        columns=columns,
        ticks=ticks,
        legend=items,
        table=table,
        plot_left=plot_left,
        plot_right=plot_right,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        today_x=today_x,
        today_label=today_label,
        today_label_x=round(label_x, 2),
        today_anchor=anchor,
        empty_text=empty_text if not any(totals.values()) else "",
        height=round(plot_bottom + 42 + legend_height + 4, 2),
    )


# --- Lines and columns over periods: the Nøgletal page -------------------------------------------

# A wide chart at a fixed size, with every period. A phone gets a narrow twin (`narrow`) with
# the newest periods that fit it, drawn at about the screen's width so that its text keeps its
# size (the page shows one or the other, static/css/phones.css). The gridlines are fainter than
# the columns' because there are more of them and the lines and their markers must stand out.
PERIOD_WIDTH, PERIOD_HEIGHT = 720, 300
PERIOD_LEFT, PERIOD_RIGHT, PERIOD_TOP, PERIOD_BOTTOM = 56, 40, 20, 44  # margins
PERIOD_GRID_COLOUR = "#d9d9d9"
PERIOD_SIZE = 13
PERIOD_COLUMN_COLOUR = "#0059b3"
# Every label fits up to this many periods; beyond it every other one (the table has them all).
PERIOD_LABELS_MAX = 12


@dataclass(frozen=True)
class PeriodFrame:
    """Where a period chart draws: its viewBox width, the margins beside the plot, text size."""

    width: int
    left: int
    right: int
    font_size: int

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right


WIDE_FRAME = PeriodFrame(PERIOD_WIDTH, PERIOD_LEFT, PERIOD_RIGHT, PERIOD_SIZE)
# A phone's screen is about 360 CSS px wide: one unit of the viewBox is about one pixel there.
NARROW_FRAME = PeriodFrame(360, 44, 28, 12)
NARROW_PERIODS_MAX = 8


@dataclass(frozen=True)
class LineStyle:
    """How one line is drawn. Colour (≥ 3:1 on white) is never the only cue: each line also has
    its own dashes and marker, which `key_text` names in the legend."""

    key: str
    colour: str
    width: float
    dashes: str  # stroke-dasharray; "" for a solid line
    marker: str  # circle | square | none
    key_text: str


ACTUAL_LINE = LineStyle("actual", "#0059b3", 3, "", "circle", gettext_lazy("(fuld linje, prikker)"))
TARGET_LINE = LineStyle(
    "target", "#a04000", 2.5, "9 5", "square", gettext_lazy("(stiplet linje, firkanter)")
)
BASELINE_LINE = LineStyle(
    "baseline", MUTED_COLOUR, 2.5, "2 4", "none", gettext_lazy("(prikket linje)")
)


@dataclass(frozen=True)
class LineInput:
    """One line: its name and a value per period; None leaves a gap, nothing is drawn there."""

    label: str
    style: LineStyle
    values: Sequence[float | None]


@dataclass(frozen=True)
class ColumnInput:
    """One period's column of a count that passed disclosure control. `value` is None when the
    count may not be shown: then only `text` ("<5", "x") is drawn, never a column."""

    label: str
    value: Number | None
    text: str


@dataclass(frozen=True)
class AxisLabel:
    x: float
    text: str


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    title: str

    @property
    def corner_x(self) -> float:
        return round(self.x - 4.5, 1)

    @property
    def corner_y(self) -> float:
        return round(self.y - 4.5, 1)


@dataclass(frozen=True)
class Line:
    label: str
    style: LineStyle
    paths: list[str]  # one polyline per unbroken run of values
    markers: list[Marker]


@dataclass(frozen=True)
class PeriodColumn:
    x: float
    y: float
    width: float
    height: float
    text: str
    text_x: float
    text_y: float
    title: str


@dataclass
class PeriodChart:
    """Lines or columns over periods on a shared y axis. The caller shows the data as a table;
    the lines' legend is HTML beside the SVG (`_line_legend.html`)."""

    id: str
    title: str
    desc: str
    template: str
    ticks: list[Tick]
    x_labels: list[AxisLabel]
    lines: list[Line] = field(default_factory=list)
    columns: list[PeriodColumn] = field(default_factory=list)
    # The phone's chart: the newest periods that fit, and a note saying which they are when
    # older ones were left out.
    narrow: "PeriodChart | None" = None
    note: str = ""
    width: int = PERIOD_WIDTH
    height: int = PERIOD_HEIGHT
    plot_left: int = PERIOD_LEFT
    plot_right: int = PERIOD_WIDTH - PERIOD_RIGHT
    plot_top: int = PERIOD_TOP
    plot_bottom: int = PERIOD_HEIGHT - PERIOD_BOTTOM
    font_family: str = FONT_FAMILY
    text_colour: str = TEXT_COLOUR
    axis_colour: str = MUTED_COLOUR
    grid_colour: str = PERIOD_GRID_COLOUR
    column_colour: str = PERIOD_COLUMN_COLOUR
    font_size: int = PERIOD_SIZE

    @property
    def tick_label_x(self) -> int:
        return self.plot_left - 8


def _period_scale(maximum: float) -> tuple[list[Tick], Callable[[float], float]]:
    """Four gridlines from 0 up to a round number a little above `maximum`."""
    step = nice_step(maximum * 1.05 / 4, factors=(1, 2, 2.5, 5, 10))
    top = step * 4
    plot_height = PERIOD_HEIGHT - PERIOD_TOP - PERIOD_BOTTOM

    def y(value: float) -> float:
        return round(PERIOD_TOP + plot_height * (1 - value / top), 1)

    ticks = [Tick(value=step * i, y=y(step * i), text=number_text(step * i)) for i in range(5)]
    return ticks, y


def _period_xs(count: int, *, centred: bool, frame: PeriodFrame = WIDE_FRAME) -> list[float]:
    """Where each period stands: a line runs from edge to edge, columns sit in equal slots."""
    if centred or count == 1:
        step = frame.plot_width / max(count, 1)
        return [round(frame.left + step * (i + 0.5), 1) for i in range(count)]
    step = frame.plot_width / (count - 1)
    return [round(frame.left + step * i, 1) for i in range(count)]


def _narrow_count(periods: Sequence[str], *, centred: bool) -> int:
    """How many of the newest periods the phone's chart shows: as many as have room for their
    label (a line's first and last label stand on the plot's edges, a column's in its slot)."""
    label = max((text_width(p, NARROW_FRAME.font_size) for p in periods), default=0) + 8
    room = int(NARROW_FRAME.plot_width // label) + (0 if centred else 1)
    return max(1, min(len(periods), room, NARROW_PERIODS_MAX))


def _newest_note(periods: Sequence[str], count: int, *, end: int | None = None) -> str:
    """What the phone's chart leaves out, when it does: it shows `count` periods up to `end`."""
    end = len(periods) if end is None else end
    if count >= len(periods):
        return ""
    return _("Grafen viser %(first)s–%(last)s. Alle perioder står i tabellen.") % {
        "first": periods[end - count],
        "last": periods[end - 1],
    }


def _frame_fields(frame: PeriodFrame) -> dict:
    return {
        "width": frame.width,
        "plot_left": frame.left,
        "plot_right": frame.width - frame.right,
        "font_size": frame.font_size,
    }


def _period_labels(xs: list[float], periods: Sequence[str]) -> list[AxisLabel]:
    every = 1 if len(periods) <= PERIOD_LABELS_MAX else 2
    return [
        AxisLabel(x=x, text=text)
        for i, (x, text) in enumerate(zip(xs, periods, strict=True))
        if i % every == 0
    ]


def _describe_run(name: str, periods: Sequence[str], values: Sequence[float | None]) -> str:
    """The first and the last value that may be shown, for the text alternative."""
    shown = [(period, v) for period, v in zip(periods, values, strict=True) if v is not None]
    if not shown:
        return _("%(name)s: ingen tal, der kan vises.") % {"name": name}
    (first_period, first), (last_period, last) = shown[0], shown[-1]
    if len(shown) == 1:
        return _("%(name)s: %(value)s i %(period)s.") % {
            "name": name,
            "value": number_text(first),
            "period": first_period,
        }
    return _("%(name)s: fra %(first)s i %(first_period)s til %(last)s i %(last_period)s.") % {
        "name": name,
        "first": number_text(first),
        "first_period": first_period,
        "last": number_text(last),
        "last_period": last_period,
    }


def period_lines(
    *, id: str, title: str, periods: Sequence[str], lines: Sequence[LineInput]
) -> PeriodChart:
    """Lines over `periods`, each with a marker per value that carries it in a tooltip; with
    its phone twin over the newest periods up to the newest value of the first line (the
    measured one: the targets may run on into the future, the wide chart shows them)."""
    chart = _period_lines(id=id, title=title, periods=periods, lines=lines, frame=WIDE_FRAME)
    measured = [i for i, v in enumerate(lines[0].values) if v is not None] if lines else []
    end = measured[-1] + 1 if measured else len(periods)
    count = _narrow_count(periods[:end], centred=False)
    chart.narrow = _period_lines(
        id=f"{id}-narrow",
        title=title,
        periods=periods[end - count : end],
        lines=[dataclasses.replace(line, values=line.values[end - count : end]) for line in lines],
        frame=NARROW_FRAME,
    )
    chart.narrow.note = _newest_note(periods, count, end=end)
    return chart


def _period_lines(
    *,
    id: str,
    title: str,
    periods: Sequence[str],
    lines: Sequence[LineInput],
    frame: PeriodFrame,
) -> PeriodChart:
    ticks, y = _period_scale(
        max((v for line in lines for v in line.values if v is not None), default=0)
    )
    xs = _period_xs(len(periods), centred=False, frame=frame)
    drawn = []
    desc = [title + "."]
    for line in lines:
        paths, run, markers = [], [], []
        for x, period, value in zip(xs, periods, line.values, strict=True):
            if value is None:
                if run:
                    paths.append(" ".join(run))
                run = []
                continue
            run.append(f"{x},{y(value)}")
            title_text = f"{line.label}, {period}: {number_text(value)}"
            markers.append(Marker(x=x, y=y(value), title=title_text))
        if run:
            paths.append(" ".join(run))
        drawn.append(Line(label=line.label, style=line.style, paths=paths, markers=markers))
        desc.append(_describe_run(line.label, periods, line.values))
    return PeriodChart(
        id=id,
        title=title,
        desc=" ".join(desc),
        template="reports/charts/period_lines.html",
        ticks=ticks,
        x_labels=_period_labels(xs, periods),
        lines=drawn,
        **_frame_fields(frame),
    )


def period_columns(
    *, id: str, title: str, name: str, columns: Sequence[ColumnInput]
) -> PeriodChart:
    """A column per period of the counts named `name`, with its text above it; with its phone
    twin over the newest periods. The scale and the text alternative use only the counts that
    may be shown, and a hidden count gets no column: the chart never tells more than the
    table."""
    chart = _period_columns(id=id, title=title, name=name, columns=columns, frame=WIDE_FRAME)
    periods = [c.label for c in columns]
    count = _narrow_count(periods, centred=True)
    chart.narrow = _period_columns(
        id=f"{id}-narrow",
        title=title,
        name=name,
        columns=columns[len(columns) - count :],
        frame=NARROW_FRAME,
    )
    chart.narrow.note = _newest_note(periods, count)
    return chart


def _period_columns(
    *, id: str, title: str, name: str, columns: Sequence[ColumnInput], frame: PeriodFrame
) -> PeriodChart:
    values = [float(c.value) if c.value is not None else None for c in columns]
    ticks, y = _period_scale(max((v for v in values if v is not None), default=0))
    xs = _period_xs(len(columns), centred=True, frame=frame)
    slot = frame.plot_width / max(len(columns), 1)
    width = round(min(slot * 0.6, 56), 1)
    base = PERIOD_HEIGHT - PERIOD_BOTTOM
    drawn = []
    for x, column, value in zip(xs, columns, values, strict=True):
        top = y(value) if value is not None else base
        drawn.append(
            PeriodColumn(
                x=round(x - width / 2, 1),
                y=top,
                width=width,
                height=round(base - top, 1),
                text=column.text,
                text_x=x,
                text_y=round(top - 6, 1),
                title=f"{column.label}: {column.text}",
            )
        )
    periods = [c.label for c in columns]
    return PeriodChart(
        id=id,
        title=title,
        desc=f"{title}. {_describe_run(name, periods, values)}",
        template="reports/charts/period_columns.html",
        ticks=ticks,
        x_labels=_period_labels(xs, periods),
        columns=drawn,
        **_frame_fields(frame),
    )
