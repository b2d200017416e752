import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import InitiativeFactory, MilestoneFactory
from tracks.exports import HEADERS
from tracks.services import initiative_update_status

CPH = ZoneInfo("Europe/Copenhagen")


@pytest.fixture
def data(initiative, chef, spor, area):
    initiative_update_status(
        initiative=initiative,
        by=chef,
        state="i_gang",
        health="gul",
        progress=45,
        narrative="Forsinket opstart.",
        expected_version=0,
    )
    MilestoneFactory(
        initiative=initiative,
        title="Afsluttet først",
        planned_quarter=dt.date(2025, 1, 1),
        completed_on=dt.date(2025, 3, 1),
    )
    MilestoneFactory(
        initiative=initiative,
        title="Den næste",
        planned_quarter=dt.date(2025, 7, 1),
        planned_date=dt.date(2025, 8, 15),
    )
    MilestoneFactory(initiative=initiative, title="Senere", planned_quarter=dt.date(2025, 10, 1))
    other = InitiativeFactory(spor=spor, lead_area=area, title="Uden status")
    return initiative, other


@time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=CPH))
def test_it_downloads_the_list_as_xlsx(client, bfu, data):
    initiative, _other = data
    client.force_login(bfu)

    response = client.get(reverse("tracks:initiative_export", args=["xlsx"]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="tiltag-2026-11-24.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    by_title = {row[2]: row for row in rows[1:]}
    row = by_title["Fælles kompetenceforløb"]
    assert row[6:9] == ("I gang", "Gul – i risiko", 45)
    assert row[4] == str(initiative.owner)
    assert row[10] == "Den næste"
    assert row[11].date() == dt.date(2025, 8, 15)
    assert by_title["Uden status"][6] == "Ingen status endnu"


def test_it_downloads_the_filtered_list_as_csv(client, chef, data):
    client.force_login(chef)

    response = client.get(reverse("tracks:initiative_export", args=["csv"]), {"status": "ingen"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == HEADERS
    assert [row[2] for row in rows[1:]] == ["Uden status"]


def test_it_answers_404_for_an_unknown_format(client, chef, data):
    client.force_login(chef)

    assert client.get("/plan/tiltag/eksport.pdf").status_code == 404


def test_it_offers_the_downloads_with_the_current_filters(client, chef, data):
    client.force_login(chef)

    html = client.get(reverse("tracks:initiative_list"), {"status": "i_gang"}).content.decode()

    assert 'href="/plan/tiltag/eksport.xlsx?status=i_gang"' in html
    assert 'href="/plan/tiltag/eksport.csv?status=i_gang"' in html


def test_it_exports_with_a_constant_number_of_queries(
    client, chef, data, spor, area, django_assert_max_num_queries
):
    client.force_login(chef)
    url = reverse("tracks:initiative_export", args=["xlsx"])
    # session, user, plan, initiatives with status and next milestone (one query)
    with django_assert_max_num_queries(6):
        client.get(url)
    for _ in range(20):
        MilestoneFactory(initiative=InitiativeFactory(spor=spor, lead_area=area))
    with django_assert_max_num_queries(6):
        client.get(url)


def test_anonymous_users_cannot_download(client, data):
    response = client.get(reverse("tracks:initiative_export", args=["csv"]))

    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/")
