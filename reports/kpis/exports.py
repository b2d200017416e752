"""Nøgletal as a spreadsheet: the page's tables in long form, suppressed exactly as on the page."""

from django.utils.translation import gettext as _

from reports.disclosure import Cell, Statistic
from reports.kpis.page import KpiPage


def _unit(cell: Cell) -> str:
    return {
        Statistic.COUNT: _("antal"),
        Statistic.SHARE: _("procent"),
        Statistic.MEDIAN: _("median"),
        Statistic.MEAN: _("gennemsnit"),
    }[cell.statistic]


def export_headers() -> list[str]:
    return [_("Afsnit"), _("Tabel"), _("Række"), _("Kolonne"), _("Værdi"), _("Enhed")]


def kpi_export_rows(page: KpiPage) -> list[list]:
    """The page's tables in long form, one figure per row: its value when it may be shown,
    else the text that stands in its place ("<5", "x", "–")."""
    rows: list[list] = []
    for section in page.sections:
        for table in section.tables:
            for row in [*table.rows, *table.footer]:
                for column, cell in zip(table.columns, row.cells, strict=True):
                    rows.append(
                        [
                            section.title,
                            table.caption,
                            row.label,
                            column,
                            cell.value if cell.value is not None else cell.text,
                            _unit(cell),
                        ]
                    )
    return rows
