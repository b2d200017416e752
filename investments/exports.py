"""The investment overview as .xlsx and .csv with Danish column headers, for work in Excel.

Amounts are written exactly: Decimal cells in the workbook, and in the CSV with a decimal comma
and no thousands separator, which Danish Excel reads as a number. The CSV starts with a BOM and
uses ";" as Danish Excel expects, so æ, ø and å survive a double-click.
"""

import csv
import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from investments import selectors
from investments.models import Investment
from omstilling.models import Plan

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

CENT = Decimal("0.01")
HEADERS = [
    "Udviklingsskole",
    "Investering",
    "Status",
    "Beløb (kr.)",
    "Forbrugt (kr.)",
    "Rest (kr.)",
    "Godkendt",
    "Behandlet i BFU dato",
    "Behandlet i BFU reference",
    "Godkendt dato",
    "Godkendt reference",
    "Tiltag",
    "Formål",
]
_AMOUNT_COLUMNS = {"Beløb (kr.)", "Forbrugt (kr.)", "Rest (kr.)"}
_DATE_COLUMNS = {"Behandlet i BFU dato", "Godkendt dato"}
_WIDTHS = {"Udviklingsskole": 26, "Investering": 44, "Status": 30, "Tiltag": 50, "Formål": 60}


def overview_filename(*, today: dt.date, extension: str) -> str:
    return f"investeringer-{today.isoformat()}.{extension}"


def _row(investment: Investment) -> list:
    return [
        str(investment.development_school),
        investment.title,
        investment.get_state_display(),
        investment.amount,
        investment.spent.quantize(CENT),
        (investment.amount - investment.spent).quantize(CENT),
        "Ja" if investment.approved else "Nej",
        investment.treated_on,
        investment.treated_reference or "",
        investment.approved_on,
        investment.approved_reference or "",
        "; ".join(i.title for i in investment.initiatives.all()),
        investment.purpose,
    ]


def overview_rows(*, plan: Plan) -> list[list]:
    """One row per investment, in the order of HEADERS (amounts Decimal, dates date or None)."""
    return [_row(investment) for investment in selectors.investment_overview(plan=plan)]


def overview_xlsx(*, plan: Plan) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Investeringer"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in overview_rows(plan=plan):
        sheet.append(row)
    for index, header in enumerate(HEADERS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _WIDTHS.get(header, 18)
        if header in _AMOUNT_COLUMNS or header in _DATE_COLUMNS:
            number_format = "#,##0.00" if header in _AMOUNT_COLUMNS else "dd-mm-yyyy"
            for cell in sheet[letter][1:]:
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    _pool_sheet(workbook, plan=plan)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _pool_sheet(workbook: Workbook, *, plan: Plan) -> None:
    """A second sheet with the pool in total and per udviklingsskole, as on the pool page."""
    summary = selectors.pool_summary(plan=plan)
    sheet = workbook.create_sheet("Puljen")
    sheet.append(["Udviklingsskole", "Investeringer", "Godkendt (kr.)", "Forbrugt (kr.)"])
    for row in summary["schools"]:
        sheet.append([str(row["school"]), row["investments"], row["approved"], row["spent"]])
    sheet.append([])
    for label, key in (
        ("Bevilget (kr.)", "granted"),
        ("Godkendt (kr.)", "approved"),
        ("Forbrugt (kr.)", "spent"),
        ("Fri (kr.)", "free"),
    ):
        sheet.append([label, None, summary[key]])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row[2:]:
            cell.number_format = "#,##0.00"
    sheet.column_dimensions["A"].width = 26
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 18


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def overview_csv(*, plan: Plan) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in overview_rows(plan=plan):
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")
