"""Reading a quarter's counts from the file the municipality's systems export (CSV or .xlsx).

Every row is validated before anything is written; a file with any error is rejected whole,
and each error names the row and the column in Danish, the way a spreadsheet numbers them
(the header is row 1). The columns are documented in README.md, "Bestand i specialtilbud".
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from omstilling.models import Institution
from omstilling.quarters import Quarter
from visitation.models import GENERAL_KINDS, Level
from visitation.services import CountRow

COLUMNS = ("institution", "kvartal", "niveau", "antal_i_specialtilbud", "elever_i_distriktet")
REQUIRED = COLUMNS[:4]
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_ERRORS = 20


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


def _read_csv(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CountFileError(
            [RowError(None, None, _("Filen er ikke gemt som UTF-8. Gem den som CSV (UTF-8)."))]
        ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _read_xlsx(data: bytes) -> list[list]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise CountFileError(
            [RowError(None, None, _("Filen kan ikke læses som et Excel-regneark (.xlsx)."))]
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _is_blank(values: list) -> bool:
    return all(value is None or str(value).strip() == "" for value in values)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _whole_number(value, *, required: bool) -> int | None:
    text = _text(value).replace(" ", "").replace("\u00a0", "")
    if not text:
        if required:
            raise ValueError(_("Feltet skal udfyldes med et helt tal."))
        return None
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError(_("'%(value)s' er ikke et helt tal.") % {"value": text}) from exc
    if number != number.to_integral_value():
        raise ValueError(_("'%(value)s' er ikke et helt tal.") % {"value": text})
    if number < 0:
        raise ValueError(_("Tallet kan ikke være negativt."))
    return int(number)


def parse_count_file(*, data: bytes, file_name: str) -> list[CountRow]:
    """The rows of a counts file, or CountFileError naming every problem found."""
    if len(data) > MAX_BYTES:
        raise CountFileError([RowError(None, None, _("Filen er større end 2 MB."))])
    if not data.strip():
        raise CountFileError([RowError(None, None, _("Filen er tom."))])
    is_xlsx = file_name.lower().endswith(".xlsx") or data[:2] == b"PK"
    table = _read_xlsx(data) if is_xlsx else _read_csv(data)
    while table and _is_blank(table[0]):
        table.pop(0)
    if not table:
        raise CountFileError([RowError(None, None, _("Filen er tom."))])

    header = [_text(cell).lower().lstrip("\ufeff") for cell in table[0]]
    while header and not header[-1]:
        header.pop()
    errors: list[RowError] = []
    for name in header:
        if name not in COLUMNS:
            errors.append(
                RowError(
                    1,
                    name or "?",
                    _("Ukendt kolonne. Filens kolonner skal hedde: %(columns)s.")
                    % {"columns": ", ".join(COLUMNS)},
                )
            )
    for name in REQUIRED:
        if name not in header:
            errors.append(RowError(1, name, _("Kolonnen mangler i overskriftsrækken.")))
    if len(set(header)) != len(header):
        errors.append(RowError(1, None, _("En kolonne står to gange i overskriftsrækken.")))
    if errors:
        raise CountFileError(errors)
    index = {name: header.index(name) for name in header}

    data_rows = [(number, row) for number, row in enumerate(table[1:], start=2)]
    data_rows = [(number, row) for number, row in data_rows if not _is_blank(row)]
    if not data_rows:
        raise CountFileError([RowError(None, None, _("Filen indeholder ingen rækker med tal."))])
    if len(data_rows) > MAX_ROWS:
        raise CountFileError(
            [RowError(None, None, _("Filen har flere end %(max)s rækker.") % {"max": MAX_ROWS})]
        )

    institutions = {
        institution.name.casefold(): institution
        for institution in Institution.objects.filter(kind__in=GENERAL_KINDS)
    }
    levels = {value: value for value in Level.values} | {
        str(label).casefold(): value for value, label in Level.choices
    }
    rows: list[CountRow] = []
    seen: dict[tuple, int] = {}
    for number, raw in data_rows:

        def cell(name: str, raw=raw):
            position = index.get(name)
            return raw[position] if position is not None and position < len(raw) else None

        row_errors: list[RowError] = []
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
                numbers[column] = _whole_number(cell(column), required=required)
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
