"""A decision register on the suite's small plan, at a fixed day."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from decisions.services import decision_record

NOW = dt.datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Europe/Copenhagen"))
MEETING = dt.date(2026, 10, 29)

PERSONA_FIXTURES = {
    "chef": "chef",
    "bfu": "bfu",
    "owner": "owner",
    "leader": "leader",
    "support": "support",
    "visitation": "visitation",
    "admin": "admin_user",
}
PERSONAS = list(PERSONA_FIXTURES)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def persona(request):
    return request.getfixturevalue(PERSONA_FIXTURES[request.param])


@pytest.fixture
def record(plan, chef):
    """Record a decision through the service (the committee's, at MEETING, unless told)."""

    def make(**kwargs):
        values = {
            "plan": plan,
            "by": chef,
            "body": "udvalg",
            "meeting_date": MEETING,
            "case_number": "sag 67",
            "title": "Rammen for omstillingen",
            "text": "Udvalget godkendte rammen.",
            **kwargs,
        }
        return decision_record(**values)

    return make
