"""Danish presentation: dates, kroner, quarters and the page language."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from omstilling.templatetags.portal import kr, quarter, short_quarter
from tests.factories import MilestoneFactory
from tracks.services import initiative_update_status, milestone_complete

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@pytest.fixture
def detail_html(client, chef, initiative, school):
    # 00:30 Danish time is still 23 November in UTC: dates must follow Danish time.
    with time_machine.travel(dt.datetime(2026, 11, 24, 0, 30, tzinfo=COPENHAGEN), tick=False):
        initiative_update_status(
            initiative=initiative,
            by=chef,
            state="i_gang",
            health="groen",
            progress=30,
            narrative="Første status.",
            expected_version=0,
        )
        milestone = MilestoneFactory(
            initiative=initiative,
            institution=school,
            title="Kick-off holdt",
            planned_quarter=dt.date(2026, 4, 1),
            planned_date=dt.date(2026, 5, 1),
        )
        milestone_complete(milestone=milestone, by=chef, completed_on=dt.date(2026, 5, 4))
        client.force_login(chef)
        return client.get(
            reverse("tracks:initiative_detail", args=[initiative.pk])
        ).content.decode()


def test_it_renders_status_dates_in_danish(detail_html, chef):
    assert f"<strong>24. november 2026</strong> · {chef}" in detail_html
    assert f"Opdateret af {chef} den 24. november 2026 kl. 00.30." in detail_html
    assert "November" not in detail_html
    assert "2026-11-2" not in detail_html


def test_it_renders_milestone_dates_in_danish(detail_html, chef):
    assert f"Nået den 4. maj 2026 ({chef})" in detail_html
    assert "planlagt 1. maj 2026" in detail_html


def test_it_renders_quarters_in_danish_on_the_detail_page(detail_html):
    assert '<h3 class="h4">2. kvartal 2026</h3>' in detail_html  # milestones by quarter
    assert "1. kvartal 2025 – 4. kvartal 2025" in detail_html  # the initiative's period


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (50_000_000, "50.000.000 kr."),
        (Decimal("50000000.00"), "50.000.000 kr."),
        (Decimal("1234.50"), "1.234,50 kr."),
        (Decimal("0.5"), "0,50 kr."),
        (999, "999 kr."),
        (None, ""),
    ],
)
def test_it_renders_amounts_in_kroner(amount, expected):
    with translation.override("da"):
        assert kr(amount) == expected
        assert (
            Template("{% load portal %}{{ amount|kr }}").render(Context({"amount": amount}))
            == expected
        )


def test_it_groups_thousands_in_kroner_whatever_the_global_setting(settings):
    settings.USE_THOUSAND_SEPARATOR = False

    with translation.override("da"):
        assert kr(50_000_000) == "50.000.000 kr."
        assert kr(Decimal("1234.5")) == "1.234,50 kr."


@pytest.mark.parametrize(
    ("day", "long", "short"),
    [
        (dt.date(2025, 7, 1), "3. kvartal 2025", "K3 2025"),
        (dt.date(2026, 1, 1), "1. kvartal 2026", "K1 2026"),
        (dt.date(2027, 12, 31), "4. kvartal 2027", "K4 2027"),
        (None, "", ""),
    ],
)
def test_it_renders_quarters_in_danish(day, long, short):
    assert quarter(day) == long
    assert short_quarter(day) == short
    assert Template("{% load portal %}{{ day|quarter }}").render(Context({"day": day})) == long


def test_it_renders_short_quarters_on_the_overview(client, chef, initiative):
    client.force_login(chef)

    html = client.get(reverse("tracks:overview")).content.decode()

    assert "K1 2025 – K4 2025" in html


@pytest.mark.parametrize(
    "name",
    ["overview", "initiative_list", "initiative_detail", "initiative_status", "my_milestones"],
)
def test_it_declares_danish_on_every_page(client, chef, initiative, name):
    client.force_login(chef)
    args = [initiative.pk] if name in ("initiative_detail", "initiative_status") else []

    html = client.get(reverse(f"tracks:{name}", args=args)).content.decode()

    assert '<html lang="da"' in html


def test_it_declares_danish_on_the_login_page(client, db):
    html = client.get(reverse("login")).content.decode()

    assert '<html lang="da"' in html
    assert "Log ind" in html
