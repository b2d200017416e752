"""Fixtures and helpers for the report tests (tests/reports/test_report_*.py).

A module imports the fixtures it uses (`from … import small_plan_fixture`); each is registered
under its short name (`small_plan`), so a test's argument does not shadow the import. They are
not in conftest.py so that the dashboard's and the KPI page's tests are not touched by them.
"""

import datetime as dt
import io
import time
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from pypdf import PdfReader

from omstilling.celery import app as celery_app
from omstilling.plan_file import load_plan_file
from reports import tasks
from tests.factories import AreaFactory, InitiativeFactory, MilestoneFactory, SporFactory
from tracks.models import Initiative
from tracks.services import initiative_update_status, milestone_complete

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@pytest.fixture(name="media_root")
def media_root_fixture(settings, tmp_path):
    """Report PDFs go to a temporary MEDIA_ROOT, never the working tree's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(name="eager_celery")
def eager_celery_fixture():
    """Tasks run in-process, as with no broker (`make run`), even where CI configures Redis."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield celery_app
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture(name="no_sending")
def no_sending_fixture():
    """The compile task is not sent: the mock records what would have been."""
    with mock.patch.object(tasks.compile_report, "delay") as delay:
        yield delay


def wait_for(predicate, timeout=120) -> bool:
    """Poll `predicate` until it holds (True) or `timeout` seconds have passed (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def at(year, month, day, hour=10):
    """A moment in Danish time, to travel to."""
    return dt.datetime(year, month, day, hour, tzinfo=COPENHAGEN)


@pytest.fixture(name="vejle_plan")
def vejle_plan_fixture(db):
    """The Vejle plan file as `make run` loads it: five spor, 31 initiatives."""
    plan, _stats = load_plan_file(settings.PLAN_FILE)
    return plan


def set_status(initiative, by, state, health="groen", progress=0, narrative="", when=None):
    """A status update through the service, optionally recorded at `when`."""
    initiative.refresh_from_db()
    kwargs = {
        "initiative": initiative,
        "by": by,
        "state": state,
        "health": health,
        "progress": progress,
        "narrative": narrative or ("" if health == "groen" else "Der er en udfordring."),
        "expected_version": initiative.version,
    }
    if when is None:
        return initiative_update_status(**kwargs)
    with time_machine.travel(when, tick=False):
        return initiative_update_status(**kwargs)


def complete(milestone, by, day):
    with time_machine.travel(at(day.year, day.month, day.day, 12), tick=False):
        milestone_complete(milestone=milestone, by=by, completed_on=day)


@pytest.fixture(name="small_plan")
def small_plan_fixture(plan, spor, chef, owner):
    """Two spor, three initiatives, four milestones, a little status history; a pool of
    50 mio. kr. (with no investments yet), as the Vejle plan has."""
    plan.funding_title = "Folkeskolens fremtid"
    plan.funding_amount = Decimal("50000000")
    plan.save(update_fields=["funding_title", "funding_amount"])
    area = AreaFactory(slug="dagtilbud", name="Dagtilbud")
    spor_2 = SporFactory(plan=plan, number=2, slug="spor-2", title="Det gode skoletilbud")
    a = InitiativeFactory(spor=spor, lead_area=area, owner=owner, title="Fælles kompetenceforløb")
    b = InitiativeFactory(spor=spor, lead_area=area, title="Særskilt forløb for dagplejen")
    c = InitiativeFactory(spor=spor_2, lead_area=area, title="Lederudvikling")
    set_status(a, chef, "i_gang", "groen", 40, when=at(2026, 5, 1))
    set_status(b, chef, "i_gang", "gul", 20, when=at(2026, 6, 1))
    milestones = {
        "m1": MilestoneFactory(
            initiative=a, title="Udviklingsforløbet igangsat", planned_quarter=dt.date(2026, 4, 1)
        ),
        "m2": MilestoneFactory(
            initiative=a, title="Forløbet afrundet", planned_quarter=dt.date(2027, 1, 1)
        ),
        "m3": MilestoneFactory(
            initiative=b, title="Bearbejdning", planned_quarter=dt.date(2026, 10, 1)
        ),
        "m4": MilestoneFactory(
            initiative=c, title="Beslutning om lederforløb", planned_quarter=dt.date(2026, 7, 1)
        ),
    }
    complete(milestones["m1"], chef, dt.date(2026, 6, 20))
    return {
        "plan": plan,
        "spor": [spor, spor_2],
        "initiatives": {"a": a, "b": b, "c": c},
        "milestones": milestones,
    }


def pdf_text(content: bytes) -> str:
    """The PDF's text as pypdf extracts it (what search and copy-paste see)."""
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_reader(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def stored_pdf(report) -> bytes:
    with report.pdf.open("rb") as f:
        return f.read()


def initiative_titles(plan) -> list[str]:
    return list(Initiative.objects.filter(plan=plan).values_list("title", flat=True))
