"""Reading a quarter's counts from the file the municipality's systems export (CSV or .xlsx).

Every row is validated before anything is written; a file with any error is rejected whole,
and each error names the row and the column in Danish, the way a spreadsheet numbers them
(the header is row 1). The columns are documented in README.md, "Bestand i specialtilbud".

The file is untrusted input, so its size is bounded at every step (the limits below): the
upload as sent, the .xlsx unpacked (its zip members as declared, which is also as much as
zipfile will ever inflate), its XML and its cells before openpyxl parses a row, and the rows
and columns while the sheet or the CSV is read. A count is a plain whole number.
"""

import csv
import io
import math
import re
import zipfile
from dataclasses import dataclass
from itertools import islice

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from omstilling.bounds import COUNT_MAX, EARLIEST_DATE
from omstilling.models import Institution
from omstilling.quarters import Quarter
from visitation.models import GENERAL_KINDS, Level
from visitation.services import CountRow

COLUMNS = ("institution", "kvartal", "niveau", "antal_i_specialtilbud", "elever_i_distriktet")
REQUIRED = COLUMNS[:4]

# The limits of a counts file. A real one has a row per institution, level and quarter (a few
# hundred rows of five columns: an .xlsx of that unpacks to well under 1 MB).
MAX_BYTES = 2 * 1024 * 1024  # the file as uploaded
MAX_ROWS = 5000  # rows in all, counted as a spreadsheet does: header and blank rows included
MAX_COLUMNS = 50  # columns with anything in them
MAX_FIELD_CHARS = 200  # one field (an institution's name is at most 200 characters)
MAX_LINE_CHARS = 2000  # one CSV row, quoted line breaks included
MAX_UNCOMPRESSED_BYTES = 10 * 1024 * 1024  # an .xlsx unpacked: its zip members together
MAX_ZIP_MEMBERS = 100  # files inside an .xlsx (Excel writes about a dozen)
MAX_XML_TAGS = 300_000  # tags in an .xlsx's XML (5,000 real rows have 140,000): bounds parsing
MAX_CELLS = 50_000  # cells in an .xlsx: its <c> elements, and its sheet's declared dimension
MAX_COUNT = COUNT_MAX  # a count; more children than any district has
EARLIEST_QUARTER = Quarter.of(EARLIEST_DATE)  # the latest is the quarter after today's
MAX_ERRORS = 20  # errors listed; the rest are counted


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return _("Række %(row)s, kolonne '%(column)s': %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row is not None:
            return _("Række %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        if self.column:
            return _("Kolonne '%(column)s': %(message)s") % {
                "column": self.column,
                "message": self.message,
            }
        return self.message


class CountFileError(Exception):
    """The file was rejected; `errors` lists what to fix (at most MAX_ERRORS of them)."""

    def __init__(self, errors: list[RowError], more: int = 0):
        self.errors = errors
        self.more = more
        super().__init__("; ".join(str(e) for e in errors))

    @property
    def messages(self) -> list[str]:
        return [str(error) for error in self.errors]

    @property
    def is_about_the_whole_file(self) -> bool:
        """True when no error names a row or a column: the page shows it at the file field."""
        return all(error.row is None and error.column is None for error in self.errors)


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def _file_error(message: str) -> CountFileError:
    return CountFileError([RowError(None, None, message)])


def _not_excel() -> CountFileError:
    return _file_error(_("Filen kan ikke læses som et Excel-regneark (.xlsx)."))


def _too_many_rows() -> CountFileError:
    return _file_error(_("Filen har flere end %(max)s rækker.") % {"max": _number(MAX_ROWS)})


def _bounded_table(rows) -> list[tuple[int, list]]:
    """The rows as (spreadsheet row number, values), refused past MAX_ROWS rows or with
    anything beyond MAX_COLUMNS columns. Stops reading at the first row too many."""
    table = []
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise _too_many_rows()
        if not _is_blank(row[MAX_COLUMNS:]):
            raise CountFileError(
                [
                    RowError(
                        number,
                        None,
                        _("Rækken har indhold i flere end %(max)s kolonner.")
                        % {"max": _number(MAX_COLUMNS)},
                    )
                ]
            )
        table.append((number, list(row[:MAX_COLUMNS])))
    return table


class _RowTooLong(Exception):
    pass


def _csv_rows(text: str, delimiter: str):
    """The CSV's rows, none longer than MAX_LINE_CHARS: a row that grows past it (one long
    field, or a quote that is never closed) stops the reading before csv's own field limit
    (131,072 characters) is reached."""
    row_chars = 0

    def lines():
        nonlocal row_chars
        for line in io.StringIO(text, newline=""):
            row_chars += len(line)
            if row_chars > MAX_LINE_CHARS:
                raise _RowTooLong
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    number = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except _RowTooLong:
            message = _(
                "Rækken er længere end %(max)s tegn. Et felt er for langt, eller et "
                "anførselstegn er ikke lukket."
            ) % {"max": _number(MAX_LINE_CHARS)}
            raise CountFileError([RowError(number, None, message)]) from None
        except csv.Error as exc:
            raise CountFileError(
                [RowError(number, None, _("Rækken kan ikke læses som CSV."))]
            ) from exc
        yield row
        number += 1
        row_chars = 0


def _read_csv(data: bytes) -> list[tuple[int, list]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _file_error(_("Filen er ikke gemt som UTF-8. Gem den som CSV (UTF-8).")) from exc
    first_line = text[: MAX_LINE_CHARS + 1].split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    return _bounded_table(_csv_rows(text, delimiter))


# A cell of SpreadsheetML: <c …>, <c/> or <c>, with or without a namespace prefix.
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")


def _check_archive(data: bytes) -> None:
    """Refuse an .xlsx that is too big to read before openpyxl parses any of it: by what its zip
    directory declares (zipfile never inflates a member past its declared size), then by the
    tags and cells its XML holds (counted up to the limit, so a bomb costs one pass over at
    most MAX_UNCOMPRESSED_BYTES)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise _file_error(
                    _(
                        "Filen er ikke et almindeligt Excel-regneark: den består af flere end "
                        "%(max)s dele."
                    )
                    % {"max": _number(MAX_ZIP_MEMBERS)}
                )
            if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
                raise _file_error(
                    _("Excel-filen fylder mere end %(mb)s MB, når den pakkes ud.")
                    % {"mb": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
                )
            tags = cells = 0
            for member in members:
                content = archive.read(member)
                tags += content.count(b"<")
                cells += sum(1 for _match in islice(_CELL_TAG.finditer(content), MAX_CELLS + 1))
                if tags > MAX_XML_TAGS:
                    raise _file_error(
                        _(
                            "Excel-filen er mere omfattende, end en opgørelse kan være (over "
                            "%(max)s XML-mærker)."
                        )
                        % {"max": _number(MAX_XML_TAGS)}
                    )
                if cells > MAX_CELLS:
                    raise _file_error(
                        _("Excel-filen har flere end %(max)s celler.") % {"max": _number(MAX_CELLS)}
                    )
    except CountFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - zipfile raises many kinds for a broken archive
        raise _not_excel() from exc


def _check_dimension(sheet) -> None:
    """Refuse a sheet whose declared size (its <dimension>) is past the limits."""
    rows, columns = sheet.max_row, sheet.max_column
    if not rows or not columns:
        return
    if rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        raise _file_error(
            _(
                "Regnearket er for stort: det går til række %(rows)s og kolonne %(columns)s. "
                "Et ark må højst have %(max_rows)s rækker, %(max_columns)s kolonner og "
                "%(max_cells)s celler."
            )
            % {
                "rows": _number(rows),
                "columns": get_column_letter(columns),
                "max_rows": _number(MAX_ROWS),
                "max_columns": _number(MAX_COLUMNS),
                "max_cells": _number(MAX_CELLS),
            }
        )


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    _check_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise _not_excel() from exc
    try:
        if not workbook.worksheets:
            raise _file_error(_("Excel-filen har intet regneark."))
        sheet = workbook.worksheets[0]
        _check_dimension(sheet)
        # One row and one column past the limits, so that a file that goes on is noticed.
        rows = sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS + 1, values_only=True)
        return _bounded_table(rows)
    except CountFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bad cell raises whatever openpyxl meets first
        raise _not_excel() from exc
    finally:
        workbook.close()


def _is_blank(values) -> bool:
    return all(value is None or str(value).strip() == "" for value in values)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_PLAIN_COUNT = re.compile(r"[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+")
_NEGATIVE_COUNT = re.compile(r"[-\u2212]\s*[0-9][0-9.,]*")


def parse_count(value, *, required: bool) -> int | None:
    """A count read from a file: a whole number from 0 to MAX_COUNT, or None for an empty
    field that may be empty.

    Text must be plain digits, optionally grouped in thousands with "." as Danes write them
    ("1.234"); a spreadsheet's number cell must hold a whole number. Anything else — a sign, a
    decimal, an exponent, NaN, infinity, a date — raises ValueError with a Danish message.
    """
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if value is None or isinstance(value, str):
        text = (value or "").strip()
        if not text:
            if required:
                raise ValueError(_("Feltet skal udfyldes med et helt tal."))
            return None
        if _NEGATIVE_COUNT.fullmatch(text):
            raise ValueError(_("Tallet kan ikke være negativt."))
        if not _PLAIN_COUNT.fullmatch(text):
            raise ValueError(_("'%(value)s' er ikke et helt tal.") % {"value": text})
        digits = text.replace(".", "").lstrip("0") or "0"
        # Compared as text first: int() of a long run of digits is slow (and refused at 4300).
        number = MAX_COUNT + 1 if len(digits) > len(str(MAX_COUNT)) else int(digits)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raise ValueError(_("'%(value)s' er ikke et helt tal.") % {"value": value})
    if number < 0:
        raise ValueError(_("Tallet kan ikke være negativt."))
    if number > MAX_COUNT:
        raise ValueError(_("Tallet er større end %(max)s.") % {"max": _number(MAX_COUNT)})
    return number


def _long_fields(number: int, row: list, names: list[str]) -> list[RowError]:
    """A field longer than MAX_FIELD_CHARS, named by its column's header (or its letter)."""
    message = _("Feltet er længere end %(max)s tegn.") % {"max": _number(MAX_FIELD_CHARS)}
    return [
        RowError(number, (names[i] if i < len(names) else "") or get_column_letter(i + 1), message)
        for i, value in enumerate(row)
        if isinstance(value, str) and len(value) > MAX_FIELD_CHARS
    ]


def parse_count_file(*, data: bytes, file_name: str) -> list[CountRow]:
    """The rows of a counts file, or CountFileError naming every problem found."""
    if len(data) > MAX_BYTES:
        raise _file_error(_("Filen er større end %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    if not data.strip():
        raise _file_error(_("Filen er tom."))
    is_xlsx = file_name.lower().endswith(".xlsx") or data[:2] == b"PK"
    table = _read_xlsx(data) if is_xlsx else _read_csv(data)
    table = [(number, row) for number, row in table if not _is_blank(row)]
    if not table:
        raise _file_error(_("Filen er tom."))

    header_number, header_row = table[0]
    errors = _long_fields(header_number, header_row, [])
    if errors:
        raise CountFileError(errors)
    header = [_text(cell).lower().lstrip("\ufeff") for cell in header_row]
    while header and not header[-1]:
        header.pop()
    for name in header:
        if name not in COLUMNS:
            errors.append(
                RowError(
                    header_number,
                    name or "?",
                    _("Ukendt kolonne. Filens kolonner skal hedde: %(columns)s.")
                    % {"columns": ", ".join(COLUMNS)},
                )
            )
    for name in REQUIRED:
        if name not in header:
            errors.append(RowError(header_number, name, _("Kolonnen mangler i overskriftsrækken.")))
    if len(set(header)) != len(header):
        errors.append(
            RowError(header_number, None, _("En kolonne står to gange i overskriftsrækken."))
        )
    if errors:
        raise CountFileError(errors)
    index = {name: header.index(name) for name in header}

    data_rows = table[1:]
    if not data_rows:
        raise _file_error(_("Filen indeholder ingen rækker med tal."))

    institutions = {
        institution.name.casefold(): institution
        for institution in Institution.objects.filter(kind__in=GENERAL_KINDS)
    }
    levels = {value: value for value in Level.values} | {
        str(label).casefold(): value for value, label in Level.choices
    }
    latest_quarter = Quarter.of(timezone.localdate()).next()
    rows: list[CountRow] = []
    seen: dict[tuple, int] = {}
    for number, raw in data_rows:

        def cell(name: str, raw=raw):
            position = index.get(name)
            return raw[position] if position is not None and position < len(raw) else None

        row_errors = _long_fields(number, raw, header)
        if row_errors:
            errors.extend(row_errors)
            continue
        if len(raw) > len(header) and not _is_blank(raw[len(header) :]):
            row_errors.append(
                RowError(number, None, _("Rækken har flere felter end overskriften."))
            )

        name = _text(cell("institution"))
        institution = institutions.get(name.casefold())
        if not name:
            row_errors.append(RowError(number, "institution", _("Feltet skal udfyldes.")))
        elif institution is None:
            row_errors.append(
                RowError(
                    number,
                    "institution",
                    _("'%(name)s' er ikke en kendt skole eller et kendt dagtilbud i portalen.")
                    % {"name": name},
                )
            )

        quarter = None
        quarter_text = _text(cell("kvartal"))
        try:
            quarter = Quarter.parse(quarter_text)
        except ValueError:
            row_errors.append(
                RowError(
                    number,
                    "kvartal",
                    _("'%(value)s' er ikke et kvartal på formen ÅÅÅÅ-Kn, fx 2026-K3.")
                    % {"value": quarter_text},
                )
            )
        else:
            if not EARLIEST_QUARTER <= quarter <= latest_quarter:
                row_errors.append(
                    RowError(
                        number,
                        "kvartal",
                        _("Kvartalet skal ligge fra %(earliest)s til %(latest)s.")
                        % {"earliest": EARLIEST_QUARTER.label, "latest": latest_quarter.label},
                    )
                )
                quarter = None

        level_text = _text(cell("niveau"))
        level = levels.get(level_text.casefold())
        if level is None:
            row_errors.append(
                RowError(
                    number,
                    "niveau",
                    _("'%(value)s' er ikke et niveau. Skriv dagtilbud eller skole.")
                    % {"value": level_text},
                )
            )

        numbers = {}
        for column, required in (("antal_i_specialtilbud", True), ("elever_i_distriktet", False)):
            try:
                numbers[column] = parse_count(cell(column), required=required)
            except ValueError as exc:
                row_errors.append(RowError(number, column, str(exc)))
        special = numbers.get("antal_i_specialtilbud")
        pupils = numbers.get("elever_i_distriktet")
        if special is not None and pupils is not None and pupils < special:
            row_errors.append(
                RowError(
                    number,
                    "elever_i_distriktet",
                    _("Elever i distriktet skal mindst være antallet i specialtilbud."),
                )
            )

        if not row_errors and institution and quarter and level:
            key = (institution.pk, quarter, level)
            if key in seen:
                row_errors.append(
                    RowError(
                        number,
                        "institution",
                        _("Institution, kvartal og niveau står også i række %(row)s.")
                        % {"row": seen[key]},
                    )
                )
            seen[key] = number
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(
            CountRow(
                institution=institution,
                quarter=quarter,
                level=level,
                children_in_special_offers=special,
                district_pupils=pupils,
            )
        )
    if errors:
        raise CountFileError(errors[:MAX_ERRORS], more=max(0, len(errors) - MAX_ERRORS))
    return rows
