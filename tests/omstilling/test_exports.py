"""No export can carry a live formula (issue 10, part 4): text that a spreadsheet would read as
a formula is neutralised by the one helper, `omstilling.exports.neutralise`, in every .xlsx and
.csv the portal serves, while numbers, dates and booleans stay typed values."""

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from investments.models import InvestmentState
from omstilling.exports import FORMULA_STARTS, Sheet, neutralise, sheets_response
from omstilling.models import Institution
from supportsystem.models import ConcernType
from tests.factories import (
    DevelopmentSchoolFactory,
    ForloebFactory,
    GovernanceBodyFactory,
    InitiativeFactory,
    InstitutionFactory,
    InvestmentDecisionFactory,
    InvestmentFactory,
    MilestoneFactory,
    SpecialOfferCountFactory,
    StageFactory,
    UserFactory,
)
from tracks.models import Theme

# Formula payloads, each with a marker so the test can see which field reached the file.
PAYLOADS = [
    '=HYPERLINK("http://angriber.example/{0}","Klik her")',
    "+{0}+cmd|' /C calc'!A0",
    "-{0}+1",
    "@SUM({0})",
    "\t={0}",
    "\r={0}",
]
DANGEROUS = tuple(FORMULA_STARTS)
# How the CSV writes a number: digits, maybe a sign and a decimal comma; a date: ISO.
CSV_NUMBER = re.compile(r"-?[0-9]+(,[0-9]+)?|[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _payload(n: int) -> str:
    return PAYLOADS[n % len(PAYLOADS)].format(f"felt{n}")


# --- the helper ---------------------------------------------------------------------------------


@given(st.text())
def test_neutralise_makes_any_text_safe_and_keeps_it_whole(text):
    result = neutralise(text)

    assert not result.startswith(DANGEROUS)
    assert result == ("'" + text if text.startswith(DANGEROUS) else text)


typed_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


@given(typed_values)
def test_numbers_dates_and_booleans_pass_unchanged(value):
    assert neutralise(value) is value


@pytest.mark.parametrize("value", [-1, -0.5, Decimal("-1250.50")])
def test_a_negative_number_stays_a_number(value):
    sheet = Sheet(title="T", headers=["a"], rows=[[value]])

    xlsx = sheets_response(fmt="xlsx", basename="t", sheets=[sheet]).content
    text = sheets_response(fmt="csv", basename="t", sheets=[sheet]).content.decode("utf-8-sig")

    cell = load_workbook(io.BytesIO(xlsx)).active["A2"]
    assert (cell.data_type, cell.value) == ("n", value)
    assert text.splitlines()[1] == str(value).replace(".", ",")


cell_values = st.one_of(
    st.text(max_size=40),
    st.sampled_from([p.format("x") for p in PAYLOADS] + ["#N/A", "#REF!", "=1", "'=1"]),
    st.integers(-(10**9), 10**9),
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
    st.dates(),
    st.booleans(),
    st.none(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell_values, min_size=3, max_size=3), min_size=1, max_size=4))
def test_any_table_written_as_xlsx_has_no_formula_and_keeps_its_types(rows):
    sheet = Sheet(title="T", headers=["a", "=b", "@c"], rows=rows)

    data = sheets_response(fmt="xlsx", basename="t", sheets=[sheet]).content

    assert b"<f>" not in _sheet_xml(data) and b"<f " not in _sheet_xml(data)
    # Rows of only empty cells are not written; read as many rows as were given.
    sheet_read = load_workbook(io.BytesIO(data)).active
    written = list(sheet_read.iter_rows(min_row=2, max_row=1 + len(rows), max_col=3))
    for row, cells in zip(rows, written, strict=True):
        for value, cell in zip(row, cells, strict=True):
            assert cell.data_type != "f"
            if value is None or value == "":
                assert cell.value is None
            elif isinstance(value, str):
                expected = ILLEGAL_CHARACTERS_RE.sub("\ufffd", neutralise(value))
                assert (cell.data_type, _lines(cell.value)) == ("s", _lines(expected))
            elif isinstance(value, dt.date):
                assert cell.value.date() == value
            elif isinstance(value, Decimal):
                assert Decimal(str(cell.value)) == value
            else:
                assert cell.value == value


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(cell_values, min_size=3, max_size=3), min_size=1, max_size=4))
def test_any_table_written_as_csv_has_no_cell_that_starts_a_formula(rows):
    sheet = Sheet(title="T", headers=["a", "=b", "@c"], rows=rows)

    data = sheets_response(fmt="csv", basename="t", sheets=[sheet]).content

    for line in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"):
        for text in line:
            assert not text.startswith(DANGEROUS) or CSV_NUMBER.fullmatch(text), text


def _sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"".join(
            archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")
        )


# --- every export of the portal -----------------------------------------------------------------

TRACKS = ["owner", "theme", "initiative", "owner_body", "lead_area", "milestone"]
INVESTMENTS = ["initiative", "school", "investment", "purpose", "treated", "approved"]
KPIS = ["school", "stage"]
# Each export URL of the portal: its arguments, a role that may download it, and the fields
# whose text reaches it.
EXPORTS = [
    ("tracks:initiative_export", ["xlsx"], "bfu", TRACKS),
    ("tracks:initiative_export", ["csv"], "bfu", TRACKS),
    ("investments:export_xlsx", [], "bfu", INVESTMENTS),
    ("investments:export_csv", [], "bfu", INVESTMENTS),
    ("kpis:export", ["xlsx"], "bfu", KPIS),
    ("kpis:export", ["csv"], "bfu", KPIS),
    ("visitation:counts_template", [], "visitation", []),  # fixed text only
]


def _url_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_the_list_of_exports_names_every_download_url():
    downloads = {
        name
        for name in _url_names(get_resolver().url_patterns)
        if "export" in name or name.endswith("_template")
    }

    assert downloads == {name for name, *_rest in EXPORTS}


@pytest.fixture
def payloads(plan, spor, bfu, chef):
    """A formula payload in every free-text field that reaches an export, by field."""
    fields = [*dict.fromkeys(TRACKS + INVESTMENTS + KPIS)]
    text = {field: _payload(n) for n, field in enumerate(fields)}

    owner = UserFactory(username="ejer-formel", first_name=text["owner"], last_name="Hansen")
    initiative = InitiativeFactory(
        spor=spor,
        theme=Theme.objects.create(spor=spor, slug="tema-formel", title=text["theme"]),
        title=text["initiative"],
        owner=owner,
        owner_body=GovernanceBodyFactory(name=text["owner_body"]),
        lead_area__name=text["lead_area"],
    )
    MilestoneFactory(
        initiative=initiative, title=text["milestone"], planned_quarter=dt.date(2026, 7, 1)
    )

    plan.funding_amount = Decimal("50000000.00")
    plan.save()
    school = InstitutionFactory(name=text["school"], kind=Institution.Kind.SKOLE)
    investment = InvestmentFactory(
        development_school=DevelopmentSchoolFactory(plan=plan, school=school),
        title=text["investment"],
        purpose=text["purpose"],
        amount=Decimal("100000.00"),
        state=InvestmentState.GODKENDT,
    )
    investment.initiatives.add(initiative)
    InvestmentDecisionFactory(
        investment=investment,
        from_state=InvestmentState.KLADDE,
        to_state=InvestmentState.BEHANDLET_BFU,
        reference=text["treated"],
    )
    InvestmentDecisionFactory(investment=investment, reference=text["approved"])

    for quarter in (dt.date(2026, 4, 1), dt.date(2026, 7, 1)):
        SpecialOfferCountFactory(
            institution=school, quarter=quarter, children_in_special_offers=7, district_pupils=300
        )
    stage = StageFactory(slug="trin-formel", name=text["stage"])
    for _ in range(5):
        ForloebFactory(
            institution=school, current_stage=stage, concern_type=ConcernType.FAELLESSKAB
        )
    return text


def _lines(text: str) -> str:
    """Line breaks as one character: whether a raw carriage return reads back as a line feed
    depends on the XML parser openpyxl finds (the standard library's or lxml)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _cells(response) -> list:
    """Every cell of the download: openpyxl cells of every sheet, or the CSV's texts."""
    if response["Content-Type"].startswith("text/csv"):
        text = response.content.decode("utf-8-sig")
        return [
            cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for cell in row
        ]
    workbook = load_workbook(io.BytesIO(response.content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize(("name", "args", "role", "fields"), EXPORTS, ids=str)
def test_no_export_carries_a_formula(client, all_personas, payloads, name, args, role, fields):
    client.force_login(all_personas[role])

    response = client.get(reverse(name, args=args))

    assert response.status_code == 200
    cells = _cells(response)
    if args == ["csv"] or name.endswith(("_csv", "_template")):
        texts = cells
        dangerous = [t for t in texts if t.startswith(DANGEROUS) and not CSV_NUMBER.fullmatch(t)]
    else:
        assert b"<f>" not in _sheet_xml(response.content)
        assert all(cell.data_type != "f" for cell in cells)
        texts = [_lines(cell.value) for cell in cells if isinstance(cell.value, str)]
        dangerous = [t for t in texts if t.startswith(DANGEROUS)]
        payloads = {field: _lines(text) for field, text in payloads.items()}
    assert not dangerous
    # Each field's payload is in the file, neutralised: the test reached every field.
    assert {f for f in fields if any("'" + payloads[f] in text for text in texts)} == set(fields)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_numbers_in_the_investment_export_stay_numbers(client, bfu, payloads, fmt):
    client.force_login(bfu)

    response = client.get(reverse(f"investments:export_{fmt}"))

    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        amount = next(row[3] for row in sheet.iter_rows(min_row=2) if row[3].value is not None)
        assert (amount.data_type, amount.value) == ("n", Decimal("100000"))
    else:
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        assert rows[1][3] == "100000,00"
