"""The verdict (reports/verdict.py) on the hand-worked data set of conftest.py, on 24 Nov 2026.

Tiltag neither finished nor given up: A2, A3, A4, A5, B1, B3, B4 (A1 is finished, B2 given up).
Red: A3. Yellow: A2, B4 (B2 is yellow but given up). Without an owner: A3, A4, A5, B3, B4.
Without an update since 1 Oct 2026: A2 (1 Mar), A3 (15 Sep), A4 (none), B1 (1 Sep).
Overdue, longest first: M2, M11, M6, M3. No investment is a kladde: nothing to decide.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from investments.services import investment_create
from reports.kpis.page import kpi_page
from reports.verdict import Direction, Judgement, Trend, plan_verdict
from tests.factories import (
    InitiativeFactory,
    InstitutionFactory,
    KpiTargetFactory,
    MilestoneFactory,
    SpecialOfferCountFactory,
)
from visitation.models import KpiIndicator, Level

TODAY = dt.date(2026, 11, 24)


def _titles(counted) -> list[str]:
    return [item.title for item in counted.items]


def test_it_names_the_red_and_yellow_tiltag_with_their_notes(dashboard_data):
    verdict = plan_verdict(plan=dashboard_data["plan"], today=TODAY)

    assert verdict.initiatives == 7
    assert _titles(verdict.red) == ["Diplommoduler i neuropædagogik"]
    assert verdict.red.items[0].note == "Der er en udfordring."
    assert verdict.red.items[0].state_label == "Sat på pause"
    assert _titles(verdict.yellow) == ["Særskilt forløb for dagplejen", "Læse- og skrivestrategier"]
    assert (verdict.red.count, verdict.yellow.count) == (1, 2)
    assert not verdict.on_track


def test_it_finds_tiltag_without_owner_or_update_this_quarter(dashboard_data):
    verdict = plan_verdict(plan=dashboard_data["plan"], today=TODAY)

    assert _titles(verdict.without_owner) == [
        "Diplommoduler i neuropædagogik",
        "Forældresamarbejde",
        "Fælles redskaber og metoder",
        "Læringsmiljøer",
        "Læse- og skrivestrategier",
    ]
    assert _titles(verdict.without_update) == [
        "Særskilt forløb for dagplejen",
        "Diplommoduler i neuropædagogik",
        "Forældresamarbejde",
        "Lederudvikling",
    ]


def test_it_lists_the_longest_overdue_milestones_first_bounded_with_the_count(dashboard_data):
    verdict = plan_verdict(plan=dashboard_data["plan"], today=TODAY)
    assert _titles(verdict.overdue) == ["Milepæl M2", "Milepæl M11", "Milepæl M6", "Milepæl M3"]
    assert verdict.overdue.items[0].days_late == (TODAY - dt.date(2025, 3, 31)).days

    short = plan_verdict(plan=dashboard_data["plan"], today=TODAY, limit=2)
    assert _titles(short.overdue) == ["Milepæl M2", "Milepæl M11"]
    assert (short.overdue.count, short.overdue.more) == (4, 2)
    assert (short.without_owner.count, len(short.without_owner.items)) == (5, 2)


def test_it_says_what_bfu_is_asked_to_decide(dashboard_data, chef):
    plan = dashboard_data["plan"]
    assert plan_verdict(plan=plan, today=TODAY).decisions.count == 0

    investment_create(
        plan=plan,
        development_school=dashboard_data["schools"]["Skole C"],
        by=chef,
        title="Ny læringsstrategi",
        amount=Decimal("750000"),
    )
    decisions = plan_verdict(plan=plan, today=TODAY).decisions

    assert decisions.count == 1
    assert decisions.items[0].title == "Ny læringsstrategi"
    assert decisions.items[0].school == "Skole C (udvikling)"


def test_a_plan_with_nothing_wrong_is_on_track(plan):
    InitiativeFactory(plan=plan)

    verdict = plan_verdict(plan=plan, today=TODAY)

    assert verdict.on_track
    assert verdict.red.count == verdict.overdue.count == verdict.kpis_off_track == 0


def _special_offers(quarter: dt.date, children: int) -> None:
    SpecialOfferCountFactory(
        institution=InstitutionFactory(),
        quarter=quarter,
        level=Level.SKOLE,
        children_in_special_offers=children,
    )


@pytest.mark.parametrize(
    ("newest", "judgement", "symbol"),
    [(44, Judgement.ON_TRACK, "✓"), (47, Judgement.OFF_TRACK, "✗")],
)
def test_a_kpi_is_judged_against_its_target_path_and_its_direction(plan, newest, judgement, symbol):
    # Baseline 50 in 2026-K1, target 40 in 2027-K1: the path is 47,5 in K2 and 45 in K3.
    KpiTargetFactory(
        indicator=KpiIndicator.SPECIAL_TOTAL,
        quarter=dt.date(2026, 1, 1),
        target=None,
        baseline=Decimal(50),
    )
    KpiTargetFactory(
        indicator=KpiIndicator.SPECIAL_TOTAL, quarter=dt.date(2027, 1, 1), target=Decimal(40)
    )
    _special_offers(dt.date(2026, 4, 1), 48)
    _special_offers(dt.date(2026, 7, 1), newest)

    (kpi,) = plan_verdict(plan=plan, today=TODAY, kpis=kpi_page(today=TODAY)).kpis

    assert (kpi.judgement, kpi.judgement_symbol) == (judgement, symbol)
    assert kpi.target == "45"
    assert kpi.wanted == Direction.DOWN and kpi.wanted_text == "Målet er, at tallet falder."
    assert (kpi.trend, kpi.trend_symbol) == (Trend.FALLING, "↓")
    assert kpi.trend_text == "Faldet fra 48 i 2. kvartal 2026."


def test_a_hidden_figure_is_never_judged(plan):
    KpiTargetFactory(indicator=KpiIndicator.SPECIAL_TOTAL, quarter=dt.date(2026, 7, 1))
    _special_offers(dt.date(2026, 4, 1), 20)
    _special_offers(dt.date(2026, 7, 1), 3)

    (kpi,) = plan_verdict(plan=plan, today=TODAY, kpis=kpi_page(today=TODAY)).kpis

    assert kpi.value == "<5"
    assert kpi.judgement == Judgement.UNKNOWN and kpi.judgement_symbol == "?"
    assert kpi.trend == Trend.UNKNOWN
    assert "3" not in kpi.judgement_text + kpi.trend_text


def test_without_a_target_it_says_so(plan):
    _special_offers(dt.date(2026, 7, 1), 30)

    (kpi,) = plan_verdict(plan=plan, today=TODAY, kpis=kpi_page(today=TODAY)).kpis

    assert kpi.judgement == Judgement.NO_TARGET
    assert kpi.trend_text == "Intet tidligere tal at sammenligne med."


def test_its_queries_do_not_grow_with_the_plan(dashboard_data, chef):
    plan = dashboard_data["plan"]
    page = kpi_page(today=TODAY)
    with CaptureQueriesContext(connection) as before:
        plan_verdict(plan=plan, today=TODAY, kpis=page)
    for n in range(30):
        initiative = InitiativeFactory(plan=plan, spor=dashboard_data["spor_1"])
        MilestoneFactory(initiative=initiative, planned_quarter=dt.date(2025, 1, 1))
        investment_create(
            plan=plan,
            development_school=dashboard_data["schools"]["Skole C"],
            by=chef,
            title=f"Forslag {n}",
            amount=Decimal(1000),
        )
    with CaptureQueriesContext(connection) as after:
        verdict = plan_verdict(plan=plan, today=TODAY, kpis=page)

    # 1 count of tiltag, 4 lists (red, yellow, without owner, without update), 2 overdue
    # (list, count), 2 decisions (list, count).
    assert len(after) == 9
    assert len(before) <= len(after)
    assert len(verdict.overdue.items) == 10 and verdict.overdue.count == 34
