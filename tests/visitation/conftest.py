"""Visitation's test fixtures: a frozen clock, a school and a daycare, and a few cases."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from omstilling.models import Institution
from tests.factories import InstitutionFactory

NOW = dt.datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Europe/Copenhagen"))
TODAY = NOW.date()
CASE_NUMBER = "SAG-2026-4711"


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def daycare(db):
    return InstitutionFactory(name="Børnehave A (demo)", kind=Institution.Kind.DAGTILBUD)


@pytest.fixture
def special_offer(db):
    return InstitutionFactory(name="Specialtilbud A (demo)", kind=Institution.Kind.SPECIALTILBUD)


@pytest.fixture
def pre_referral(visitation, school):
    from visitation.services import pre_referral_record

    return pre_referral_record(
        by=visitation,
        case_number=CASE_NUMBER,
        institution=school,
        age_group="skole_1_3",
        held_on=dt.date(2026, 9, 1),
        led_by="ppr",
    )


@pytest.fixture
def referral(visitation, school, pre_referral):
    from visitation.services import referral_record

    return referral_record(
        by=visitation,
        case_number=CASE_NUMBER,
        institution=school,
        age_group="skole_1_3",
        received_on=dt.date(2026, 9, 22),
    )
