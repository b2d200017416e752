"""Chefgruppen's targets and baselines, quarter by quarter."""

import pytest
from django.urls import reverse

from visitation.models import KpiTarget

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, chef, plan):
    client.force_login(chef)
    return client


def test_it_shows_a_row_per_quarter_of_the_plan(logged_in):
    response = logged_in.get(reverse("visitation:kpi_targets"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "K2 2024" in content and "K4 2027" in content
    assert 'name="target_2026-Q3"' in content


def test_it_saves_targets_and_a_baseline_in_danish_notation(logged_in, chef):
    url = reverse("visitation:kpi_targets") + "?noegletal=segregation_rate"

    response = logged_in.post(
        url,
        {
            "baseline_2024-Q2": "3,4",
            "target_2026-Q3": "2,5",
            "target_2026-Q4": "2,4",
            "note": "BFU 30.05.2024",
        },
    )

    assert response.status_code == 302
    rows = {
        (row.quarter.isoformat(), str(row.target), str(row.baseline))
        for row in KpiTarget.objects.filter(indicator="segregation_rate")
    }
    assert rows == {
        ("2024-04-01", "None", "3.4"),
        ("2026-07-01", "2.5", "None"),
        ("2026-10-01", "2.4", "None"),
    }
    assert KpiTarget.objects.first().set_by == chef
    page = logged_in.get(response.url).content.decode()
    assert 'value="2,5"' in page


def test_clearing_a_quarter_removes_its_target_and_keeps_the_history(logged_in):
    url = reverse("visitation:kpi_targets")
    logged_in.post(url, {"target_2026-Q3": "50"})

    logged_in.post(url, {"target_2026-Q3": ""})

    assert not KpiTarget.objects.exists()
    assert KpiTarget.history.count() == 2


def test_a_percentage_above_100_is_refused(logged_in):
    response = logged_in.post(
        reverse("visitation:kpi_targets") + "?noegletal=preceded_share", {"target_2026-Q3": "120"}
    )

    assert response.status_code == 200
    assert "Målene er ikke gemt" in response.content.decode()
    assert not KpiTarget.objects.exists()


def test_a_note_with_a_cpr_number_is_refused(logged_in):
    response = logged_in.post(
        reverse("visitation:kpi_targets"), {"target_2026-Q3": "50", "note": "Se 010203-1234"}
    )

    assert "CPR-nummer" in response.content.decode()
    assert not KpiTarget.objects.exists()
