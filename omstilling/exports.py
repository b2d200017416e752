"""Tabular downloads for people who work on in Excel: .xlsx (openpyxl) and .csv.

The CSV is UTF-8 with a byte-order mark and `;` as separator, which is what Danish Excel
expects, with amounts as decimal-comma numbers; the .xlsx holds real numbers and dates (not
formatted text), one sheet per table. A CSV carries the first table only.

Every cell of every export goes through `neutralise`, the one home of the rule against formula
injection ("CSV injection"): text that a spreadsheet would read as a formula is written as
text. The .xlsx writer also stores every text cell as text, never as a formula or error code.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")
# A spreadsheet reads a cell that starts with one of these as a formula (OWASP and ASVS 1.2.10:
# =, +, -, @, tab, carriage return, line feed and NUL).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
TYPED = (bool, int, float, Decimal, dt.date, dt.time, dt.timedelta)


def neutralise(value):
    """A cell's value, safe to open in a spreadsheet: text that starts like a formula gets an
    apostrophe in front ("'=HYPERLINK(…)"), so Excel and LibreOffice show it as the text it
    is; numbers, dates, booleans and None stay typed values (a negative number stays a number).
    Anything else is written as its text."""
    if value is None or isinstance(value, TYPED):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    money_columns: Sequence[int] = ()
    widths: dict[int, int] = field(default_factory=dict)


def _csv_value(value) -> str:
    value = neutralise(value)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _csv(sheet: Sheet) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_csv_value(header) for header in sheet.headers])
    for row in sheet.rows:
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_row(worksheet, number: int, values: Iterable) -> None:
    for column, value in enumerate(values, start=1):
        value = neutralise(value)
        cell = worksheet.cell(row=number, column=column)
        if isinstance(value, str):
            # openpyxl refuses control characters, and would take "=…" for a formula and
            # "#N/A" for an error code: the text goes in as it is shown, typed as text.
            cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
            cell.data_type = "s"
        else:
            cell.value = value


def _fill(worksheet, sheet: Sheet) -> None:
    worksheet.title = str(sheet.title)[:31]
    _xlsx_row(worksheet, 1, sheet.headers)
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(sheet.rows, start=2):
        _xlsx_row(worksheet, number, row)
    for index, header in enumerate(sheet.headers):
        letter = get_column_letter(index + 1)
        default = max(12, min(60, len(str(header)) + 4))
        worksheet.column_dimensions[letter].width = sheet.widths.get(index, default)
        for cell in worksheet[letter][1:]:
            if index in sheet.money_columns:
                cell.number_format = "#,##0.00"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    worksheet.freeze_panes = "A2"


def _xlsx(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    _fill(workbook.active, sheets[0])
    for sheet in sheets[1:]:
        _fill(workbook.create_sheet(), sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheets_response(*, fmt: str, basename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    """A download of the tables as `<basename>-<today>.<fmt>`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if fmt == "csv":
        response = HttpResponse(_csv(sheets[0]), content_type=CSV_TYPE)
    else:
        response = HttpResponse(_xlsx(sheets), content_type=XLSX_TYPE)
    filename = f"{basename}-{timezone.localdate().isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_response(
    *,
    fmt: str,
    basename: str,
    sheet_title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    money_columns: Sequence[int] = (),
) -> HttpResponse:
    """A download of one table (see sheets_response)."""
    sheet = Sheet(title=sheet_title, headers=headers, rows=rows, money_columns=money_columns)
    return sheets_response(fmt=fmt, basename=basename, sheets=[sheet])
