"""The investment overview as .xlsx and .csv: Danish headers, exact amounts, Excel-ready."""

import codecs
import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from investments.exports import headers
from tests.factories import InitiativeFactory, SpendingFactory
from tests.investments.conftest import S

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Europe/Copenhagen"))

EXPECTED_HEADERS = [
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


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def overview(make_investment, other_dev_school, spor, chef):
    """Skole A: "Fleksible læringsmiljøer" 1.250.000,50 kr. i gang, spent 0,10 + 0,20 kr.,
    linked to two initiatives; Skole B: "Sprogarbejde" 300.000 kr. kladde."""
    running = make_investment("1250000.50", S.I_GANG, title="Fleksible læringsmiljøer")
    running.initiatives.set(
        [
            InitiativeFactory(spor=spor, title="Lokalt design", order=1),
            InitiativeFactory(spor=spor, title="Læse- og skrivestrategier", order=2),
        ]
    )
    running.purpose = "Et bredere repertoire; også “citater”."
    running.save()
    SpendingFactory(investment=running, amount=Decimal("0.10"))
    SpendingFactory(investment=running, amount=Decimal("0.20"))
    make_investment("300000", S.KLADDE, school=other_dev_school, title="Sprogarbejde")
    return running


def _download(client, user, name):
    client.force_login(user)
    return client.get(reverse(f"investments:{name}"))


def test_the_headers_are_danish_and_name_the_plans_committee(plan):
    assert headers(plan.names) == EXPECTED_HEADERS


def test_the_xlsx_opens_in_openpyxl_with_the_right_headers_and_rows(client, bfu, overview):
    response = _download(client, bfu, "export_xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="investeringer-2026-11-24.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Investeringer", "Puljen"]
    rows = list(workbook["Investeringer"].iter_rows(values_only=True))
    assert list(rows[0]) == EXPECTED_HEADERS
    assert len(rows) == 3
    first = dict(zip(EXPECTED_HEADERS, rows[1], strict=True))
    assert first["Udviklingsskole"] == "Skole A (demo)"
    assert first["Investering"] == "Fleksible læringsmiljøer"
    assert first["Status"] == "I gang"
    assert Decimal(str(first["Beløb (kr.)"])) == Decimal("1250000.50")
    assert Decimal(str(first["Forbrugt (kr.)"])) == Decimal("0.30")
    assert Decimal(str(first["Rest (kr.)"])) == Decimal("1250000.20")
    assert first["Godkendt"] == "Ja"
    assert first["Behandlet i BFU dato"].date() == dt.date(2025, 2, 5)
    assert first["Behandlet i BFU reference"] == "sag 12"
    assert first["Godkendt dato"].date() == dt.date(2025, 2, 19)
    assert first["Godkendt reference"] == "sag 137"
    assert first["Tiltag"] == "Lokalt design; Læse- og skrivestrategier"
    second = dict(zip(EXPECTED_HEADERS, rows[2], strict=True))
    assert (second["Udviklingsskole"], second["Status"], second["Godkendt"]) == (
        "Skole B (demo)",
        "Kladde",
        "Nej",
    )
    assert second["Godkendt dato"] is None
    sheet = workbook["Investeringer"]
    assert sheet["D2"].number_format == "#,##0.00"
    assert sheet.freeze_panes == "A2"


def test_the_xlsx_pool_sheet_sums_the_pool(client, chef, overview):
    workbook = load_workbook(io.BytesIO(_download(client, chef, "export_xlsx").content))

    rows = [row for row in workbook["Puljen"].iter_rows(values_only=True) if any(row)]
    assert rows[0] == ("Udviklingsskole", "Investeringer", "Godkendt (kr.)", "Forbrugt (kr.)")
    totals = {row[0]: Decimal(str(row[2])) for row in rows if row[0] and row[0].endswith("(kr.)")}
    assert totals == {
        "Bevilget (kr.)": Decimal("50000000"),
        "Godkendt (kr.)": Decimal("1250000.50"),
        "Forbrugt (kr.)": Decimal("0.30"),
        "Fri (kr.)": Decimal("48749999.50"),
    }


def test_the_csv_has_a_bom_semicolons_and_parses_with_the_csv_module(client, owner, overview):
    response = _download(client, owner, "export_csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="investeringer-2026-11-24.csv"'
    assert response.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == EXPECTED_HEADERS
    assert len(rows) == 3
    first = dict(zip(EXPECTED_HEADERS, rows[1], strict=True))
    assert first["Beløb (kr.)"] == "1250000,50"
    assert first["Forbrugt (kr.)"] == "0,30"
    assert first["Rest (kr.)"] == "1250000,20"
    assert first["Godkendt dato"] == "2025-02-19"
    assert first["Formål"] == "Et bredere repertoire; også “citater”."
    assert first["Status"] == "I gang"
    assert rows[2][EXPECTED_HEADERS.index("Godkendt dato")] == ""


def test_the_csv_amounts_read_back_exactly(client, chef, overview):
    content = _download(client, chef, "export_csv").content.decode("utf-8-sig")

    rows = list(csv.DictReader(io.StringIO(content), delimiter=";"))
    total = sum(Decimal(row["Beløb (kr.)"].replace(",", ".")) for row in rows)
    assert total == Decimal("1550000.50")


def test_an_empty_overview_has_only_the_headers(client, chef, plan):
    content = _download(client, chef, "export_csv").content.decode("utf-8-sig")

    assert list(csv.reader(io.StringIO(content), delimiter=";")) == [EXPECTED_HEADERS]


@pytest.mark.parametrize("name", ["export_xlsx", "export_csv"])
@pytest.mark.parametrize("persona", ["support", "visitation", "admin_user"])
def test_the_roles_without_access_to_investments_cannot_download(
    client, request, overview, name, persona
):
    user = request.getfixturevalue(persona)

    assert _download(client, user, name).status_code == 403


def test_the_export_runs_a_bounded_number_of_queries(
    client, chef, overview, make_investment, django_assert_max_num_queries
):
    client.force_login(chef)
    url = reverse("investments:export_xlsx")
    # session, user, plan; overview: investments, initiatives; pool sheet: schools,
    # daycares, approved total, spent total
    with django_assert_max_num_queries(9):
        client.get(url)
    for n in range(20):
        make_investment("1000", S.GODKENDT, title=f"Investering {n}")

    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert len(list(load_workbook(io.BytesIO(response.content))["Investeringer"].rows)) == 23
