"""Retention: child-level rows go RETENTION_MONTHS after their case closed; aggregates stay."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings

from omstilling.models import AccessLog
from tests.factories import KpiTargetFactory, SpecialOfferCountFactory
from tests.visitation.conftest import NOW
from visitation import selectors, tasks
from visitation.models import (
    Decision,
    PreReferral,
    PreReferralOutcomeChange,
    Referral,
    ReferralMonthStats,
    SpecialOfferCount,
)
from visitation.services import (
    pre_referral_record,
    referral_decide,
    referral_record,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(visitation, school, daycare):
    """With the clock at 24 November 2026 and 24 months' retention, the cutoff is 24 November
    2024: cases closed before it go, the others stay."""

    def pre(number, held_on, outcome="afventer", outcome_on=None, institution=school):
        return pre_referral_record(
            by=visitation,
            case_number=number,
            institution=institution,
            age_group="dagtilbud_3_5" if institution == daycare else "skole_1_3",
            held_on=held_on,
            led_by="ppr",
            outcome=outcome,
            outcome_on=outcome_on,
        )

    def ref(number, received_on, institution=school):
        return referral_record(
            by=visitation,
            case_number=number,
            institution=institution,
            age_group="dagtilbud_3_5" if institution == daycare else "skole_1_3",
            received_on=received_on,
        )

    def decide(referral, decided_on, **kwargs):
        referral_decide(referral=referral, by=visitation, decided_on=decided_on, **kwargs)

    closed_pre = pre("OLD-1", dt.date(2024, 8, 15), "almentilbud", dt.date(2024, 8, 29))
    open_pre = pre("OLD-2", dt.date(2024, 9, 10))
    pre("OLD-3", dt.date(2024, 9, 12), institution=daycare)
    old_ref = ref("OLD-3", dt.date(2024, 9, 30), institution=daycare)
    decide(
        old_ref,
        dt.date(2024, 10, 21),
        decision="specialtilbud",
        special_offer_type="specialskole",
        school_start_direct=True,
    )
    late_decided = ref("OLD-4", dt.date(2024, 10, 7))
    decide(late_decided, dt.date(2025, 1, 10), decision="almen_med_stoette")
    undecided = ref("NEW-1", dt.date(2026, 9, 7))
    SpecialOfferCountFactory(institution=school, quarter=dt.date(2024, 7, 1))
    KpiTargetFactory(quarter=dt.date(2024, 7, 1), baseline=Decimal(60))
    return {
        "closed_pre": closed_pre,
        "open_pre": open_pre,
        "old_ref": old_ref,
        "late_decided": late_decided,
        "undecided": undecided,
    }


def _kpi_figures():
    return (
        selectors.referrals_by_quarter(),
        selectors.school_start_direct_by_school_year(),
        selectors.special_offers_by_quarter(),
        selectors.kpi_targets(),
    )


def test_it_deletes_cases_closed_before_the_cutoff_and_keeps_the_rest(cases):
    result = tasks.purge_closed_cases.apply().get()

    assert set(PreReferral.objects.values_list("case_key", flat=True)) == {
        cases["open_pre"].case_key
    }
    assert set(Referral.objects.all()) == {cases["late_decided"], cases["undecided"]}
    assert not Decision.objects.filter(referral_id=cases["old_ref"].pk).exists()
    assert not PreReferralOutcomeChange.objects.filter(
        pre_referral_id=cases["closed_pre"].pk
    ).exists()
    assert (result["referrals"], result["pre_referrals"]) == (1, 2)


def test_the_kpi_figures_and_the_counts_survive(cases):
    before = _kpi_figures()

    tasks.purge_closed_cases.apply()

    assert _kpi_figures() == before
    assert SpecialOfferCount.objects.count() == 1
    assert ReferralMonthStats.objects.filter(month=dt.date(2024, 9, 1)).get().referrals == 1
    assert before[1] == {2024: 1, 2025: 0, 2026: 0}


def test_each_deletion_is_logged_as_the_system(cases):
    tasks.purge_closed_cases.apply()

    deletions = AccessLog.objects.filter(action="delete")
    assert set(deletions.values_list("model", "object_id")) == {
        ("visitation.Referral", str(cases["old_ref"].pk)),
        ("visitation.PreReferral", str(cases["closed_pre"].pk)),
        ("visitation.PreReferral", str(cases["old_ref"].pre_referral_id)),
    }
    assert set(deletions.values_list("username", "user")) == {("", None)}


def test_running_it_again_deletes_nothing_more(cases):
    tasks.purge_closed_cases.apply()
    stats = list(ReferralMonthStats.objects.values())
    remaining = (PreReferral.objects.count(), Referral.objects.count())

    result = tasks.purge_closed_cases.apply().get()

    assert (result["referrals"], result["pre_referrals"], result["frozen_months"]) == (0, 0, 0)
    assert (PreReferral.objects.count(), Referral.objects.count()) == remaining
    assert list(ReferralMonthStats.objects.values()) == stats


def test_a_month_later_the_next_cases_go(cases):
    tasks.purge_closed_cases.apply()
    before = _kpi_figures()

    with time_machine.travel(dt.datetime(2027, 1, 11, 3, 15, tzinfo=NOW.tzinfo), tick=False):
        tasks.purge_closed_cases.apply()

    assert set(Referral.objects.all()) == {cases["undecided"]}
    assert _kpi_figures() == before


def test_the_retention_period_is_a_setting(cases, settings):
    settings.RETENTION_MONTHS = 60

    tasks.purge_closed_cases.apply()

    assert Referral.objects.count() == 3
    assert PreReferral.objects.count() == 3


def test_it_purges_the_support_systems_closed_forloeb_with_the_same_cutoff(cases, monkeypatch):
    calls = []
    monkeypatch.setattr(
        tasks, "forloeb_purge_closed_before", lambda *, cutoff: calls.append(cutoff) or 2
    )

    result = tasks.purge_closed_cases.apply().get()

    assert calls == [dt.date(2024, 11, 24)]
    assert result["forloeb"] == 2


def test_it_is_scheduled_daily_in_celery_beat():
    from celery.schedules import crontab

    from omstilling.celery import app

    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "visitation.tasks.purge_closed_cases"
    )
    assert isinstance(entry["schedule"], crontab)
    assert entry.get("args", ()) == ()
    assert "visitation.tasks.purge_closed_cases" in app.tasks
