"""A counts file is untrusted input: every value and every size is bounded, each refusal names
its row and column (or, for the file as a whole, is shown at the file field), nothing is
written, and no file answers with a server error (issue 10, part 3)."""

import io
import re
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from visitation import imports
from visitation.imports import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_COUNT,
    MAX_FIELD_CHARS,
    MAX_ROWS,
    MAX_XML_TAGS,
    MAX_ZIP_MEMBERS,
    CountFileError,
    parse_count,
    parse_count_file,
)
from visitation.models import CountImport, SpecialOfferCount

pytestmark = pytest.mark.django_db

HEADER = "institution;kvartal;niveau;antal_i_specialtilbud;elever_i_distriktet"
NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.fixture
def institutions(school, other_school, daycare):
    return {"school": school, "other_school": other_school, "daycare": daycare}


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *lines]) + "\r\n").encode("utf-8")


def _messages(data: bytes, name: str = "bestand.csv") -> list[str]:
    with pytest.raises(CountFileError) as excinfo:
        parse_count_file(data=data, file_name=name)
    return excinfo.value.messages


def _upload(client, data: bytes, name: str = "bestand.csv"):
    return client.post(
        reverse("visitation:counts"), {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


# --- building .xlsx files by hand -----------------------------------------------------------


def _text_cell(text: str) -> bytes:
    return b'<c t="inlineStr"><is><t>' + text.encode() + b"</t></is></c>"


def _number_cell(value: str) -> bytes:
    return b"<c><v>" + value.encode() + b"</v></c>"


def _good_row(count_cell: bytes) -> bytes:
    return b"".join(
        [
            b"<row>",
            _text_cell("Skole A (demo)"),
            _text_cell("2026-K3"),
            _text_cell("skole"),
            count_cell,
            b"</row>",
        ]
    )


HEADER_ROW = b"<row>" + b"".join(_text_cell(name) for name in HEADER.split(";")) + b"</row>"


def _workbook_members() -> dict[str, bytes]:
    """The members of an empty workbook as openpyxl saves it."""
    buffer = io.BytesIO()
    Workbook().save(buffer)
    with zipfile.ZipFile(buffer) as source:
        return {name: source.read(name) for name in source.namelist()}


def _sheet(rows, dimension: str | None = None):
    yield b'<worksheet xmlns="' + NS + b'">'
    if dimension:
        yield b'<dimension ref="' + dimension.encode() + b'"/>'
    yield b"<sheetData>"
    yield from rows
    yield b"</sheetData></worksheet>"


def _xlsx(*rows: bytes, dimension: str | None = None, extra: dict | None = None) -> bytes:
    """A workbook whose first sheet holds exactly `rows` (<row> elements as written). Members
    are written piece by piece and deflated, so a sheet of millions of repeated cells costs
    little memory and packs into a few hundred kB: the shape of a zip bomb."""
    members = _workbook_members() | {"xl/worksheets/sheet1.xml": _sheet(rows, dimension)}
    members |= extra or {}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            with archive.open(name, "w") as member:
                for piece in [content] if isinstance(content, bytes) else content:
                    member.write(piece)
    return out.getvalue()


def _declare_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with `name`'s uncompressed size in the central directory replaced by `size`:
    a member that lies about how much it inflates to."""
    data = bytearray(data)
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_length] == name.encode():
            struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 46)
    return bytes(data)


# --- counts: plain Danish whole numbers only ------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("sNaN", "'sNaN' er ikke et helt tal."),
        ("NaN", "'NaN' er ikke et helt tal."),
        ("Infinity", "'Infinity' er ikke et helt tal."),
        ("-Infinity", "'-Infinity' er ikke et helt tal."),
        ("1e999999", "'1e999999' er ikke et helt tal."),
        ("1E3", "'1E3' er ikke et helt tal."),
        ("0x10", "'0x10' er ikke et helt tal."),
        ("+5", "'+5' er ikke et helt tal."),
        ("14,0", "'14,0' er ikke et helt tal."),
        ("1_000", "'1_000' er ikke et helt tal."),
        ("1 234", "'1 234' er ikke et helt tal."),
        ("12.34", "'12.34' er ikke et helt tal."),
        ("\u0661\u0662", "'\u0661\u0662' er ikke et helt tal."),  # Arabic-Indic digits
        ("-3", "Tallet kan ikke være negativt."),
        ("100001", "Tallet er større end 100.000."),
        ("9" * 150, "Tallet er større end 100.000."),
    ],
)
def test_it_refuses_a_count_that_is_not_a_plain_whole_number(institutions, value, expected):
    messages = _messages(_csv(f"Skole A (demo);2026-K3;skole;{value};"))

    assert messages == [f"Række 2, kolonne 'antal_i_specialtilbud': {expected}"]


@pytest.mark.parametrize(("value", "expected"), [("0", 0), ("007", 7), ("1.234", 1234)])
def test_it_reads_digits_and_danish_thousands_separators(institutions, value, expected):
    [row] = parse_count_file(
        data=_csv(f"Skole A (demo);2026-K3;skole;{value};100.000"), file_name="bestand.csv"
    )

    assert (row.children_in_special_offers, row.district_pupils) == (expected, 100_000)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (_number_cell("1e999999"), "'inf' er ikke et helt tal."),
        (_number_cell("14.5"), "'14.5' er ikke et helt tal."),
        (_number_cell("-2"), "Tallet kan ikke være negativt."),
        (_number_cell("1e6"), "Tallet er større end 100.000."),
        (b'<c t="b"><v>1</v></c>', "'True' er ikke et helt tal."),
    ],
)
def test_a_number_cell_of_an_xlsx_must_hold_a_whole_number(institutions, cell, expected):
    messages = _messages(_xlsx(HEADER_ROW, _good_row(cell)), "bestand.xlsx")

    assert messages == [f"Række 2, kolonne 'antal_i_specialtilbud': {expected}"]


@pytest.mark.parametrize("value", ["NaN", "Infinity", "9" * 5000])
def test_a_number_cell_openpyxl_cannot_read_refuses_the_file(institutions, value):
    messages = _messages(_xlsx(HEADER_ROW, _good_row(_number_cell(value))), "bestand.xlsx")

    assert messages == ["Filen kan ikke læses som et Excel-regneark (.xlsx)."]


def test_a_whole_number_cell_of_an_xlsx_is_read(institutions):
    data = _xlsx(HEADER_ROW, _good_row(_number_cell("14.0")), _good_row(_number_cell("15")))

    messages = _messages(data, "bestand.xlsx")  # the same institution twice: row 3 refused

    assert messages == [
        "Række 3, kolonne 'institution': Institution, kvartal og niveau står også i række 2."
    ]


@pytest.mark.parametrize("quarter", ["2000-K1", "2027-K1"])
def test_a_quarter_from_2000_to_the_next_quarter_is_read(institutions, quarter):
    [row] = parse_count_file(data=_csv(f"Skole A (demo);{quarter};skole;3;"), file_name="b.csv")

    assert row.quarter.code == quarter.replace("K", "Q")


@pytest.mark.parametrize("quarter", ["1999-K4", "2027-K2", "0000-K1", "9999-K4"])
def test_a_quarter_before_2000_or_after_the_next_quarter_is_refused(institutions, quarter):
    assert _messages(_csv(f"Skole A (demo);{quarter};skole;3;")) == [
        "Række 2, kolonne 'kvartal': Kvartalet skal ligge fra 1. kvartal 2000 til 1. kvartal 2027."
    ]


# --- CSV: bounded fields, rows and row count ------------------------------------------------


def test_a_200_kb_quoted_field_is_refused_by_its_row(institutions):
    data = _csv(f'"{"x" * 200_000}";2026-K3;skole;3;')

    assert _messages(data) == [
        "Række 2: Rækken er længere end 2.000 tegn. Et felt er for langt, eller et "
        "anførselstegn er ikke lukket."
    ]


def test_a_quote_left_open_over_many_lines_stops_at_the_row_limit(institutions):
    lines = ["Skole A (demo);2026-K3;skole;3;", '"' + "y" * 999, *(["y" * 999] * 200)]

    assert _messages(_csv(*lines))[0].startswith("Række 3: Rækken er længere end 2.000 tegn.")


def test_a_long_field_is_named_by_its_row_and_column(institutions):
    data = _csv(f"Skole A (demo);2026-K3;{'s' * (MAX_FIELD_CHARS + 1)};3;")

    assert _messages(data) == ["Række 2, kolonne 'niveau': Feltet er længere end 200 tegn."]


def test_a_long_header_is_named_by_its_column_letter(institutions):
    header = HEADER + ";" + "h" * (MAX_FIELD_CHARS + 1)

    messages = _messages(_csv("Skole A (demo);2026-K3;skole;3;", header=header))

    assert messages == ["Række 1, kolonne 'F': Feltet er længere end 200 tegn."]


def test_a_csv_with_too_many_rows_is_refused_at_the_file_field(client, visitation, institutions):
    client.force_login(visitation)
    data = _csv(*["Skole A (demo);2026-K3;skole;3;"] * MAX_ROWS)

    response = _upload(client, data)

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["Filen har flere end 5.000 rækker."]
    assert response.context["file_errors"] is None
    assert not SpecialOfferCount.objects.exists()
    assert not CountImport.objects.exists()


def test_content_past_the_column_limit_is_refused(institutions):
    data = _csv("Skole A (demo);2026-K3;skole;3;" + ";" * (MAX_COLUMNS - 4) + "x")

    assert _messages(data) == ["Række 2: Rækken har indhold i flere end 50 kolonner."]


def test_empty_fields_past_the_column_limit_are_ignored(institutions):
    [row] = parse_count_file(
        data=_csv("Skole A (demo);2026-K3;skole;3;" + ";" * 100), file_name="bestand.csv"
    )

    assert row.children_in_special_offers == 3


def test_row_numbers_count_blank_rows_above_the_header(institutions):
    data = b"\r\n\r\n" + _csv("Skole A (demo);2026-K3;skole;x;")

    assert _messages(data) == ["Række 4, kolonne 'antal_i_specialtilbud': 'x' er ikke et helt tal."]


def test_an_upload_over_2_mb_is_not_read_past_the_limit(client, visitation, institutions):
    client.force_login(visitation)
    data = _csv(*["Skole A (demo);2026-K3;skole;3;"] * 80_000)
    assert len(data) > imports.MAX_BYTES

    response = _upload(client, data)

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["Filen er større end 2 MB."]


# --- .xlsx: the size unpacked, the XML, the cells, the dimension, rows and columns ----------


def test_a_small_xlsx_that_unpacks_to_3_million_cells_is_refused_unread(
    client, visitation, institutions
):
    client.force_login(visitation)
    rows = b"<row>" + _number_cell("1") * 5 + b"</row>"
    data = _xlsx(HEADER_ROW, *[rows * 10_000] * 60)  # 600,000 rows of five cells
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert len(data) < 400_000
    assert sum(member.file_size for member in archive.infolist()) > 50_000_000

    response = _upload(client, data, "bestand.xlsx")

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "Excel-filen fylder mere end 10 MB, når den pakkes ud."
    ]
    assert not CountImport.objects.exists()


def test_a_member_that_lies_about_its_size_is_inflated_no_further(institutions):
    rows = b"<row>" + _number_cell("1") * 5 + b"</row>"
    data = _declare_size(
        _xlsx(HEADER_ROW, *[rows * 10_000] * 60), "xl/worksheets/sheet1.xml", 10_000
    )

    assert _messages(data, "bestand.xlsx") == [
        "Filen kan ikke læses som et Excel-regneark (.xlsx)."
    ]


def test_more_cells_than_the_limit_are_refused_before_a_row_is_read(institutions, monkeypatch):
    monkeypatch.setattr(imports, "load_workbook", None)  # never reached
    data = _xlsx(HEADER_ROW, b"<row>" + b"<c/>" * (MAX_CELLS + 1) + b"</row>")

    assert _messages(data, "bestand.xlsx") == ["Excel-filen har flere end 50.000 celler."]


def test_an_xlsx_with_too_much_xml_is_refused_before_it_is_parsed(institutions, monkeypatch):
    monkeypatch.setattr(imports, "load_workbook", None)  # never reached
    strings = [b"<sst xmlns='" + NS + b"'>", b"<si><t/></si>" * (MAX_XML_TAGS // 3 + 1), b"</sst>"]
    data = _xlsx(HEADER_ROW, extra={"xl/sharedStrings.xml": strings})

    assert _messages(data, "bestand.xlsx") == [
        "Excel-filen er mere omfattende, end en opgørelse kan være (over 300.000 XML-mærker)."
    ]


def test_an_xlsx_of_too_many_members_is_refused(institutions):
    parts = {f"xl/media/part{n}.xml": b"<x/>" for n in range(MAX_ZIP_MEMBERS)}

    assert _messages(_xlsx(HEADER_ROW, extra=parts), "bestand.xlsx") == [
        "Filen er ikke et almindeligt Excel-regneark: den består af flere end 100 dele."
    ]


@pytest.mark.parametrize("dimension", ["A1:XFD1048576", "A1:E5001", "A1:AY2", "A1:AX1001"])
def test_a_sheet_declared_bigger_than_the_limits_is_refused(institutions, dimension):
    data = _xlsx(HEADER_ROW, _good_row(_number_cell("3")), dimension=dimension)

    [message] = _messages(data, "bestand.xlsx")

    assert message.startswith("Regnearket er for stort: det går til række ")
    assert message.endswith("Et ark må højst have 5.000 rækker, 50 kolonner og 50.000 celler.")


def test_a_sheet_declared_within_the_limits_is_read(institutions):
    data = _xlsx(HEADER_ROW, _good_row(_number_cell("3")), dimension="A1:AX1000")

    [row] = parse_count_file(data=data, file_name="bestand.xlsx")

    assert row.children_in_special_offers == 3


def test_a_row_past_the_row_limit_stops_the_reading(institutions):
    far = b'<row r="1048576">' + _text_cell("x") + b"</row>"
    data = _xlsx(HEADER_ROW, _good_row(_number_cell("3")), far)

    assert _messages(data, "bestand.xlsx") == ["Filen har flere end 5.000 rækker."]


def test_a_cell_past_the_column_limit_is_refused(institutions):
    # Column AY is the 51st; openpyxl is asked for no more, so cells further out go unread
    # (unless the sheet's dimension declares them: then the sheet is refused, see above).
    far = _good_row(_number_cell("3")).replace(b"</row>", b'<c r="AY2"><v>1</v></c></row>')

    assert _messages(_xlsx(HEADER_ROW, far), "bestand.xlsx") == [
        "Række 2: Rækken har indhold i flere end 50 kolonner."
    ]


def test_a_long_text_cell_is_named_by_its_row_and_column(institutions):
    row = _good_row(_number_cell("3")).replace(b"Skole A (demo)", b"s" * 32_000)

    assert _messages(_xlsx(HEADER_ROW, row), "bestand.xlsx") == [
        "Række 2, kolonne 'institution': Feltet er længere end 200 tegn."
    ]


# --- the integer parser, over generated input -----------------------------------------------


PLAIN = re.compile(r"[0-9]+|[0-9]{1,3}(\.[0-9]{3})+")


def _danish(number: int) -> str:
    return f"{number:,}".replace(",", ".")


@given(st.integers(0, MAX_COUNT), st.booleans())
def test_every_count_in_range_is_read_from_digits_and_danish_grouping(number, grouped):
    text = _danish(number) if grouped else str(number)

    assert parse_count(f" {text} ", required=True) == number
    assert parse_count(number, required=True) == number
    assert parse_count(float(number), required=True) == number


@given(
    st.one_of(
        st.integers(max_value=-1),
        st.integers(min_value=MAX_COUNT + 1, max_value=10**60),
    ).flatmap(lambda n: st.sampled_from([n, str(n), _danish(n), float(n)]))
)
def test_numbers_out_of_range_are_refused(value):
    with pytest.raises(ValueError, match=r"negativt|større end 100\.000|ikke et helt tal"):
        parse_count(value, required=True)


@given(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True).filter(
            lambda f: not (f == f and abs(f) != float("inf") and f.is_integer())
        ),
        st.sampled_from(["NaN", "nan", "sNaN", "Infinity", "-inf", "1e3", "1E999999", "2,5"]),
        st.decimals(allow_nan=True).map(str).filter(lambda t: not PLAIN.fullmatch(t)),
    )
)
def test_decimals_exponents_nan_and_infinity_are_refused(value):
    with pytest.raises(ValueError):
        parse_count(value, required=True)


@given(st.one_of(st.text(max_size=30), st.text(alphabet="0123456789.,-+eE \u00a0", max_size=12)))
def test_text_is_read_only_when_it_is_plain_digits(text):
    try:
        number = parse_count(text, required=False)
    except ValueError:
        return
    if number is None:
        assert not text.strip()
    else:
        assert PLAIN.fullmatch(text.strip())
        assert int(text.strip().replace(".", "")) == number <= MAX_COUNT


# --- garbage never gives a server error -----------------------------------------------------


def _mutations():
    good = _xlsx(HEADER_ROW, _good_row(_number_cell("3")))
    return st.one_of(
        st.binary(max_size=2000),
        st.binary(max_size=200).map(lambda tail: b"PK\x03\x04" + tail),
        st.tuples(st.integers(0, len(good) - 1), st.binary(min_size=1, max_size=8)).map(
            lambda cut: good[: cut[0]] + cut[1] + good[cut[0] + len(cut[1]) :]
        ),
        st.text(max_size=500).map(lambda text: (HEADER + "\r\n" + text).encode()),
    )


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=_mutations(), name=st.sampled_from(["bestand.csv", "bestand.xlsx", "bestand"]))
def test_garbage_uploads_never_give_a_server_error(client, visitation, institutions, data, name):
    client.force_login(visitation)
    imported = CountImport.objects.count()  # examples share the test's database

    response = _upload(client, data, name)

    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert CountImport.objects.count() == imported
