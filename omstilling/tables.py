"""Reading a small table from an untrusted file (CSV or .xlsx), bounded at every step.

The size is bounded as sent, the .xlsx as unpacked (its zip members as declared, which is as
much as zipfile ever inflates), its XML tags and cells before openpyxl parses a row, and the
rows, columns and fields while the table is read. Errors are Danish and name the row the way a
spreadsheet numbers them (the header is row 1).

(visitation/imports.py reads the quarterly counts with the same limits and its own copy of
this reading; it can move to this module.)
"""

import csv
import io
import re
import zipfile
from itertools import islice

from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 20
MAX_LINE_CHARS = 2000
MAX_UNCOMPRESSED_BYTES = 10 * 1024 * 1024
MAX_ZIP_MEMBERS = 100
MAX_XML_TAGS = 300_000
MAX_CELLS = 50_000

Table = list[tuple[int, list]]


class TableError(Exception):
    """The file cannot be read as a table; `row` names the row when one is at fault."""

    def __init__(self, message: str, row: int | None = None):
        self.message = message
        self.row = row
        super().__init__(message)

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Række %(row)s: %(message)s") % {"row": self.row, "message": self.message}


def read_table(*, data: bytes, file_name: str) -> Table:
    """The file's rows as (row number, values), or TableError."""
    if len(data) > MAX_BYTES:
        raise TableError(_("Filen er større end %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    if not data.strip():
        raise TableError(_("Filen er tom."))
    if file_name.lower().endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data)
    return _read_csv(data)


def _bounded(rows) -> Table:
    table = []
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise TableError(_("Filen har flere end %(max)s rækker.") % {"max": MAX_ROWS})
        values = list(row)
        if any(value not in (None, "") for value in values[MAX_COLUMNS:]):
            raise TableError(
                _("Rækken har indhold i flere end %(max)s kolonner.") % {"max": MAX_COLUMNS},
                row=number,
            )
        table.append((number, values[:MAX_COLUMNS]))
    return table


def _read_csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(_("Filen er ikke gemt som UTF-8. Gem den som CSV (UTF-8).")) from exc
    lines = text.splitlines()
    if any(len(line) > MAX_LINE_CHARS for line in lines):
        number = next(i for i, line in enumerate(lines, start=1) if len(line) > MAX_LINE_CHARS)
        raise TableError(
            _("Rækken er længere end %(max)s tegn.") % {"max": MAX_LINE_CHARS}, row=number
        )
    first = lines[0] if lines else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    try:
        return _bounded(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise TableError(_("Filen kan ikke læses som CSV.")) from exc


_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")


def _not_excel() -> TableError:
    return TableError(_("Filen kan ikke læses som et Excel-regneark (.xlsx)."))


def _check_archive(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise TableError(_("Filen er ikke et almindeligt Excel-regneark."))
            if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
                raise TableError(
                    _("Excel-filen fylder mere end %(mb)s MB, når den pakkes ud.")
                    % {"mb": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
                )
            tags = cells = 0
            for member in members:
                content = archive.read(member)
                tags += content.count(b"<")
                cells += sum(1 for _match in islice(_CELL_TAG.finditer(content), MAX_CELLS + 1))
                if tags > MAX_XML_TAGS or cells > MAX_CELLS:
                    raise TableError(_("Excel-filen er for stor til en liste."))
    except TableError:
        raise
    except Exception as exc:  # noqa: BLE001 - zipfile raises many kinds for a broken archive
        raise _not_excel() from exc


def _read_xlsx(data: bytes) -> Table:
    _check_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise _not_excel() from exc
    try:
        if not workbook.worksheets:
            raise TableError(_("Excel-filen har intet regneark."))
        sheet = workbook.worksheets[0]
        rows, columns = sheet.max_row or 0, sheet.max_column or 0
        # Its declared size (<dimension>) first: read-only mode trusts it.
        if rows > MAX_ROWS or rows * columns > MAX_CELLS:
            raise TableError(_("Regnearket er for stort til en liste."))
        rows = sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS + 1, values_only=True)
        return _bounded(rows)
    except TableError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bad cell raises whatever openpyxl meets first
        raise _not_excel() from exc
    finally:
        workbook.close()
