"""The adversarial input the form walk posts: one fixed corpus per kind of field.

Each payload says whether the server must refuse it (`reject`, the reason shown in the report)
or may accept it; a payload that may be accepted must still give no server error, be stored
as typed, and never come back unescaped. Fixed lists rather than random generation: every run
posts the same inputs, and a failure names the exact one.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from openpyxl import Workbook


@dataclass(frozen=True)
class Payload:
    label: str  # as shown in the report
    value: str
    reject: str = ""  # why the server must refuse it; "" = it may be accepted
    markup: bool = False  # a script payload: must never come back unescaped


MEGABYTE = ("Lorem ipsum dolor sit amet. " * 40_000)[:1_000_000]
CPR_SPELLINGS = [
    "010203-1234",
    "0102031234",
    "010203 1234",
    "010203\N{EN DASH}1234",
    "010203\N{EM DASH}1234",
    "01.02.03-1234",
    "0102 03 1234",
]
FAR_DATES = ["0001-01-01", "1899-12-31", "9999-12-31", "2999-01-01"]

_BLANK = [Payload("empty", ""), Payload("whitespace", " \t  ")]
_HUGE = Payload("1 MB text", MEGABYTE, reject="1 MB of text")
_NUL = Payload("NUL byte", "før\x00efter")
_SCRIPTS = [
    Payload("<script>", "<script>alert(1)</script>", markup=True),
    Payload('"><img onerror>', '"><img src=x onerror=alert(1)>', markup=True),
]
_FORMULAS = [
    Payload("formula =HYPERLINK", '=HYPERLINK("http://x","Klik")'),
    Payload("formula +1+1", "+1+1"),
    Payload("formula @SUM", "@SUM(A1)"),
    Payload("formula -2+3", "-2+3"),
]
_CONTROLS = [
    Payload("ESC sequence", "rød\x1b[31m tekst"),
    Payload("right-to-left override", "tekst\u202eokt"),
]


def _cpr(embedded: bool) -> list[Payload]:
    return [
        Payload(
            f"CPR {spelling}",
            f"Barnet {spelling} er startet" if embedded else spelling,
            reject="a CPR number",
        )
        for spelling in CPR_SPELLINGS
    ]


def text_payloads(*, maxlength: int | None, textarea: bool) -> list[Payload]:
    """Free text: blank, huge, long, control characters, markup, formulas, CPR numbers."""
    payloads = [*_BLANK, _HUGE]
    if maxlength is not None:
        too_long = f"longer than maxlength {maxlength}"
        payloads.append(Payload(f"maxlength+1 ({maxlength + 1})", "y" * (maxlength + 1), too_long))
    if maxlength is None or maxlength >= 10_000:
        payloads.append(Payload("10 000-char word", "x" * 10_000))
    payloads += [
        _NUL,
        *_CONTROLS,
        *_SCRIPTS,
        *_FORMULAS,
        *_cpr(embedded=textarea or maxlength is None or maxlength >= 40),
    ]
    return payloads


_NOT_A_NUMBER = "not a plain number"
NUMBER_PAYLOADS = [
    *_BLANK,
    Payload("-1", "-1", reject="negative"),
    Payload("0", "0"),
    Payload("-0", "-0"),
    Payload("32768", "32768"),
    Payload("40000", "40000"),
    Payload("2147483648", "2147483648", reject="beyond any sane range"),
    Payload("1e999999", "1e999999", reject=_NOT_A_NUMBER),
    Payload("NaN", "NaN", reject=_NOT_A_NUMBER),
    Payload("Infinity", "Infinity", reject=_NOT_A_NUMBER),
    Payload("-Infinity", "-Infinity", reject=_NOT_A_NUMBER),
    Payload("sNaN", "sNaN", reject=_NOT_A_NUMBER),
    Payload("formula -2+3", "-2+3", reject=_NOT_A_NUMBER),
    Payload("formula +1+1", "+1+1", reject=_NOT_A_NUMBER),
    Payload("10 000 digits", "9" * 10_000, reject="beyond any sane range"),
    Payload("NUL byte", "1\x00", reject=_NOT_A_NUMBER),
    Payload("CPR 0102031234", "0102031234", reject="a CPR number"),
    Payload("<script>", "<script>alert(1)</script>", reject=_NOT_A_NUMBER, markup=True),
    _HUGE,
]

_NOT_A_DATE = "not a date"
DATE_PAYLOADS = [
    *_BLANK,
    *[Payload(day, day, reject="outside any sane date window") for day in FAR_DATES],
    Payload("2026-02-30", "2026-02-30", reject="no such day"),
    Payload("10000-01-01", "10000-01-01", reject=_NOT_A_DATE),
    Payload("-1", "-1", reject=_NOT_A_DATE),
    Payload("NaN", "NaN", reject=_NOT_A_DATE),
    Payload("NUL byte", "2026-01-05\x00", reject=_NOT_A_DATE),
    Payload("CPR 010203-1234", "010203-1234", reject=_NOT_A_DATE),
    Payload("<script>", "<script>alert(1)</script>", reject=_NOT_A_DATE, markup=True),
    _HUGE,
]

_NOT_AN_OPTION = "not one of the options"
CHOICE_PAYLOADS = [
    *_BLANK,
    Payload("invalid choice", "findes-ikke", reject=_NOT_AN_OPTION),
    Payload("non-existent id", "999999999", reject=_NOT_AN_OPTION),
    Payload("id 2147483648", "2147483648", reject=_NOT_AN_OPTION),
    Payload("id 9223372036854775808", "9223372036854775808", reject=_NOT_AN_OPTION),
    Payload("-1", "-1", reject=_NOT_AN_OPTION),
    Payload("1e999999", "1e999999", reject=_NOT_AN_OPTION),
    Payload("NaN", "NaN", reject=_NOT_AN_OPTION),
    Payload("NUL byte", "1\x00", reject=_NOT_AN_OPTION),
    Payload("<script>", "<script>alert(1)</script>", reject=_NOT_AN_OPTION, markup=True),
    Payload("10 000-char word", "x" * 10_000, reject=_NOT_AN_OPTION),
]

FLAG_PAYLOADS = [
    Payload("empty", ""),
    Payload("any text", "ja tak"),
    Payload("NUL byte", "\x00"),
    Payload("10 000-char word", "x" * 10_000),
]

# Hidden fields carry versions and return addresses: anything may come back in them. The
# server may refuse any of these, and must answer none with an error or an off-site redirect.
HIDDEN_PAYLOADS = [
    *_BLANK,
    Payload("-1", "-1"),
    Payload("NaN", "NaN"),
    Payload("NUL byte", "1\x00"),
    Payload("<script>", "<script>alert(1)</script>", markup=True),
    Payload("10 000-char word", "x" * 10_000),
]
HIDDEN_NUMBER_PAYLOADS = [Payload("2147483648", "2147483648"), Payload("1e999999", "1e999999")]
HIDDEN_URL_PAYLOADS = [
    Payload("another site", "https://angriber.example/"),
    Payload("another site, scheme-relative", "//angriber.example/"),
    Payload("another site, backslash", "/\\angriber.example/"),
    Payload("javascript: URL", "javascript:alert(1)"),
]


def password_payloads(*, maxlength: int | None) -> list[Payload]:
    """A password is hashed, never stored or shown: anything may be refused or accepted, as
    long as the answer is quick and no server error."""
    payloads = [*_BLANK, Payload("1 MB text", MEGABYTE), _NUL, *_CONTROLS, *_SCRIPTS[:1]]
    if maxlength is not None:
        too_long = f"longer than maxlength {maxlength}"
        payloads.append(Payload(f"maxlength+1 ({maxlength + 1})", "y" * (maxlength + 1), too_long))
    return payloads


def payloads_for(form_field) -> list[Payload]:
    """The corpus for a field (a tests.security.form_walk.FormField)."""
    kind = form_field.kind
    if kind in ("text", "textarea"):
        return text_payloads(maxlength=form_field.maxlength, textarea=kind == "textarea")
    if kind == "password":
        return password_payloads(maxlength=form_field.maxlength)
    if kind == "number":
        return NUMBER_PAYLOADS
    if kind == "date":
        return DATE_PAYLOADS
    if kind in ("choice", "multi"):
        return [p for p in CHOICE_PAYLOADS if p.value not in form_field.options]
    if kind == "flag":
        return FLAG_PAYLOADS
    if kind == "hidden":
        # A hidden address (a "next" page) gets other sites; anything else, numbers.
        value = "".join(form_field.values)
        extra = HIDDEN_URL_PAYLOADS if value.startswith("/") else HIDDEN_NUMBER_PAYLOADS
        return HIDDEN_PAYLOADS + extra
    return []


# --- files ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilePayload:
    label: str
    name: str
    content: bytes
    reject: str = "not a valid file"
    column: str = ""  # the column a cell payload was put in: an error must name it (or its row)
    row: int = 0  # the row of that cell, as a spreadsheet numbers it


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bomb(rows: list[list[str]], *, copies: int) -> bytes:
    """A valid .xlsx whose sheet repeats the first data row `copies` times: small when zipped,
    large when unpacked (the reader must check the unpacked size and the cell count first)."""
    template = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows[:1])))
    cells = "".join(
        f'<c r="{chr(65 + i)}{{row}}" t="inlineStr"><is><t>{value}</t></is></c>'
        for i, value in enumerate(rows[1])
    )
    header = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{value}</t></is></c>'
        for i, value in enumerate(rows[0])
    )
    body = [f'<row r="1">{header}</row>']
    body += [f'<row r="{n}">{cells.format(row=n)}</row>' for n in range(2, copies + 2)]
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(body)}</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in template.infolist():
            content = template.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = sheet.encode()
            bomb.writestr(item.filename, content)
    return out.getvalue()


CELL_PAYLOADS = [
    Payload("empty", "", reject="a required cell is empty"),
    Payload("-1", "-1", reject="negative"),
    Payload("2147483648", "2147483648", reject="beyond any sane range"),
    Payload("NaN", "NaN", reject=_NOT_A_NUMBER),
    Payload("Infinity", "Infinity", reject=_NOT_A_NUMBER),
    Payload("sNaN", "sNaN", reject=_NOT_A_NUMBER),
    Payload("1e999999", "1e999999", reject=_NOT_A_NUMBER),
    Payload("1,5", "1,5", reject="not a whole number"),
    Payload("formula =HYPERLINK", '=HYPERLINK("http://x","Klik")', reject=_NOT_A_NUMBER),
    Payload("NUL byte", "1\x00", reject=_NOT_A_NUMBER),
    Payload("CPR 010203-1234", "010203-1234", reject="a CPR number"),
    Payload("200 kB quoted text", '"' * 3 + "x" * 200_000, reject="200 kB in one cell"),
    Payload("0000-K1", "0000-K1", reject="no such quarter"),
    Payload("0001-K1", "0001-K1", reject="outside any sane date window"),
    Payload("9999-K4", "9999-K4", reject="outside any sane date window"),
    Payload("2026-K5", "2026-K5", reject="no such quarter"),
    Payload("<script>", "<script>alert(1)</script>", reject="not a value of the column"),
]


def file_payloads(rows: list[list[str]], *, name: str, optional: set[str]) -> list[FilePayload]:
    """Whole-file payloads, then every cell of the first data row mutated (CSV). An empty cell
    is refused only in a column that is not `optional`."""
    payloads = [
        FilePayload("empty file", name, b""),
        FilePayload("garbage bytes", name, bytes(range(256)) * 64),
        FilePayload("NUL bytes", name, b"\x00" * 4096),
        FilePayload("not UTF-8", name, csv_bytes(rows).decode().encode("utf-16")),
        FilePayload("3 MB file", name, csv_bytes(rows) + b"x;" * 1_500_000),
        FilePayload("broken .xlsx", "fil.xlsx", b"PK\x03\x04" + bytes(range(256)) * 8),
        FilePayload("xlsx zip bomb (20 000 rows)", "bombe.xlsx", xlsx_bomb(rows, copies=20_000)),
        FilePayload("10 000 rows", name, csv_bytes([rows[0]] + [rows[1]] * 10_000)),
    ]
    header = rows[0]
    for column, _ in enumerate(header):
        for payload in CELL_PAYLOADS:
            changed = [list(row) for row in rows]
            changed[1][column] = payload.value
            label = f"{header[column]}={payload.label}"
            reject = "" if not payload.value and header[column] in optional else payload.reject
            payloads.append(
                FilePayload(label, name, csv_bytes(changed), reject, header[column], row=2)
            )
    return payloads
