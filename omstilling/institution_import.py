"""Reading the municipality's institutions from a list (CSV or .xlsx).

Columns (the header row names them, in any order): `navn`, `type` (skole, dagtilbud or
specialtilbud) and optionally `område` (an area of the plan, by its key or its name) and `demo`
(ja/nej). Every row is checked before anything is written; a file with any error is rejected
whole, each error naming its row (the header is row 1) and column.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from omstilling.bounds import NAME_LENGTH
from omstilling.models import Area, Institution, Plan
from omstilling.privacy import screen_free_text
from omstilling.tables import TableError, read_table

COLUMNS = ("navn", "type", "område", "demo")
REQUIRED = ("navn", "type")
MAX_ERRORS = 20
_YES = {"ja", "j", "x", "1", "true", "sand"}
_NO = {"nej", "n", "", "0", "false", "falsk"}


@dataclass(frozen=True)
class InstitutionRow:
    row: int
    name: str
    kind: str
    area: Area | None
    area_given: bool
    demo: bool | None


class InstitutionFileError(Exception):
    """The list was rejected; `messages` says what to fix (at most MAX_ERRORS of them)."""

    def __init__(self, messages: list[str], more: int = 0):
        self.messages = messages
        self.more = more
        super().__init__("; ".join(messages))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _error(row: int, column: str, message: str) -> str:
    return _("Række %(row)s, kolonne '%(column)s': %(message)s") % {
        "row": row,
        "column": column,
        "message": message,
    }


def _kind(text: str) -> str:
    kinds = {value: value for value in Institution.Kind.values}
    kinds |= {str(label).lower(): value for value, label in Institution.Kind.choices}
    if text.lower() not in kinds:
        raise ValueError(
            _("'%(value)s' er ikke en type; brug %(kinds)s.")
            % {"value": text, "kinds": ", ".join(Institution.Kind.values)}
        )
    return kinds[text.lower()]


def parse_institution_file(*, data: bytes, file_name: str, plan: Plan) -> list[InstitutionRow]:
    """The rows of an institutions list, or InstitutionFileError naming every problem found."""
    try:
        table = read_table(data=data, file_name=file_name)
    except TableError as exc:
        raise InstitutionFileError([str(exc)]) from exc
    table = [(n, row) for n, row in table if any(_text(v) for v in row)]
    if not table:
        raise InstitutionFileError([_("Filen er tom.")])
    header_row, header = table[0]
    names = [_text(value).lower() for value in header]
    missing = [column for column in REQUIRED if column not in names]
    if missing:
        raise InstitutionFileError(
            [
                _("Række %(row)s: kolonnen '%(column)s' mangler (kolonner: %(columns)s).")
                % {"row": header_row, "column": column, "columns": ", ".join(COLUMNS)}
                for column in missing
            ]
        )
    index = {column: names.index(column) for column in COLUMNS if column in names}
    areas = {area.slug: area for area in Area.objects.filter(plan=plan)}
    areas |= {area.name.lower(): area for area in areas.values()}
    errors: list[str] = []
    rows: list[InstitutionRow] = []
    seen: dict[str, int] = {}

    def cell(row: list, column: str) -> str:
        i = index.get(column)
        return _text(row[i]) if i is not None and i < len(row) else ""

    for number, row in table[1:]:
        name, kind_text = cell(row, "navn"), cell(row, "type")
        area_text, demo_text = cell(row, "område"), cell(row, "demo").lower()
        row_errors = []
        if not name:
            row_errors.append(_error(number, "navn", _("Skriv institutionens navn.")))
        elif len(name) > NAME_LENGTH:
            row_errors.append(
                _error(number, "navn", _("Højst %(max)s tegn.") % {"max": NAME_LENGTH})
            )
        else:
            try:
                screen_free_text(name)
            except ValidationError as exc:
                row_errors.append(_error(number, "navn", " ".join(exc.messages)))
            if name.lower() in seen:
                row_errors.append(
                    _error(
                        number,
                        "navn",
                        _("%(name)s står også i række %(row)s.")
                        % {"name": name, "row": seen[name.lower()]},
                    )
                )
            seen.setdefault(name.lower(), number)
        kind = ""
        try:
            kind = _kind(kind_text)
        except ValueError as exc:
            row_errors.append(_error(number, "type", str(exc)))
        area = areas.get(area_text) or areas.get(area_text.lower())
        if area_text and area is None:
            row_errors.append(
                _error(
                    number,
                    "område",
                    _("'%(value)s' er ikke et område i planen “%(plan)s”.")
                    % {"value": area_text, "plan": plan.title},
                )
            )
        demo = None
        if "demo" in index:
            if demo_text in _YES:
                demo = True
            elif demo_text in _NO:
                demo = False
            else:
                row_errors.append(_error(number, "demo", _("Skriv ja eller nej.")))
        errors += row_errors
        if not row_errors:
            rows.append(InstitutionRow(number, name, kind, area, bool(area_text), demo))
    if errors:
        raise InstitutionFileError(errors[:MAX_ERRORS], more=max(0, len(errors) - MAX_ERRORS))
    return rows
