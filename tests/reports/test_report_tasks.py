"""The Celery side: failures and retries of the compile task, the beat schedule, the schedule's
next run dates, and a real worker on Redis (when a broker is configured, as in CI)."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.db import OperationalError

from omstilling.celery import app as celery_app
from reports import tasks
from reports.archive import compiler
from reports.archive.schedule import next_report_day
from reports.archive.services import report_request
from reports.models import Report, ReportKind, ReportState
from tests.celery_worker import celery_worker_thread
from tests.factories import InitiativeFactory, SporFactory
from tests.reports.report_support import (  # noqa: F401 - fixtures
    at,
    eager_celery_fixture,
    media_root_fixture,
    small_plan_fixture,
    wait_for,
)

Q, M = ReportKind.KVARTALSRAPPORT, ReportKind.MAANEDSRAPPORT


# --- failures --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("eager_celery", "media_root", "small_plan")
def test_a_compile_that_fails_marks_the_report_failed_with_the_reason(monkeypatch):
    def broken(snapshot):
        raise RuntimeError("WeasyPrint kunne ikke læse skabelonen\nTraceback …")

    monkeypatch.setattr(compiler, "render_report", broken)
    report = report_request(kind=M, period="2026-11")

    with pytest.raises(RuntimeError):
        tasks.compile_report.delay(report.pk)

    report.refresh_from_db()
    assert report.state == ReportState.FEJLET
    assert report.failure_reason == "RuntimeError: WeasyPrint kunne ikke læse skabelonen"
    assert report.finished_at is not None
    assert not report.pdf and report.snapshot is None


@pytest.mark.django_db
@pytest.mark.usefixtures("eager_celery", "media_root", "small_plan")
def test_a_failed_compile_never_breaks_the_page_that_asked_for_it(
    monkeypatch, chef, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(compiler, "render_report", mock.Mock(side_effect=ValueError("øv")))

    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(kind=M, period="2026-11", by=chef)

    report.refresh_from_db()
    assert (report.state, report.failure_reason) == (ReportState.FEJLET, "ValueError: øv")


@pytest.mark.django_db
@pytest.mark.usefixtures("eager_celery", "media_root")
def test_in_process_a_lost_connection_fails_the_report_at_once(monkeypatch):
    monkeypatch.setattr(
        compiler, "report_compile", mock.Mock(side_effect=OperationalError("connection lost"))
    )
    report = report_request(kind=M, period="2026-11")

    with pytest.raises(Exception):  # noqa: B017 - Celery hands the caller its Retry
        tasks.compile_report.delay(report.pk)

    report.refresh_from_db()
    assert report.state == ReportState.FEJLET
    assert report.failure_reason == (
        "Databasen svarede ikke efter 1 forsøg: OperationalError: connection lost"
    )


@pytest.fixture
def retrying_eager(eager_celery):
    """In-process, but with failures kept inside Celery, so that it retries as a worker does
    (with errors handed to the caller it cannot)."""
    eager_celery.conf.task_eager_propagates = False
    return eager_celery


@pytest.mark.django_db
@pytest.mark.usefixtures("retrying_eager", "media_root", "small_plan")
def test_a_lost_database_connection_is_retried(monkeypatch):
    real = compiler.report_compile
    calls = []

    def flaky(*, report):
        calls.append(report.pk)
        if len(calls) < 3:
            raise OperationalError("server closed the connection unexpectedly")
        return real(report=report)

    monkeypatch.setattr(compiler, "report_compile", flaky)
    report = report_request(kind=M, period="2026-11")

    tasks.compile_report.delay(report.pk)

    report.refresh_from_db()
    assert len(calls) == 3
    assert report.state == ReportState.FAERDIG


@pytest.mark.django_db
@pytest.mark.usefixtures("retrying_eager", "media_root")
def test_when_the_retries_run_out_the_report_is_marked_failed(monkeypatch):
    calls = []

    def down(*, report):
        calls.append(report.pk)
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(compiler, "report_compile", down)
    report = report_request(kind=M, period="2026-11")

    result = tasks.compile_report.delay(report.pk)

    report.refresh_from_db()
    assert isinstance(result.result, OperationalError)
    assert len(calls) == compiler.MAX_RETRIES + 1
    assert report.state == ReportState.FEJLET
    assert report.failure_reason == (
        "Databasen svarede ikke efter 6 forsøg: OperationalError: could not connect to server"
    )


def test_the_compile_task_is_acknowledged_late_and_retried_with_backoff():
    task = tasks.compile_report

    assert task.acks_late and task.reject_on_worker_lost
    assert task.autoretry_for == compiler.RETRY_ON
    assert task.max_retries == compiler.MAX_RETRIES
    assert task.retry_backoff and task.retry_jitter


@pytest.mark.django_db
def test_a_task_for_a_report_that_is_not_there_does_nothing(eager_celery):
    assert tasks.compile_report.delay(424242).get() is None


# --- the schedule ------------------------------------------------------------------------------


def test_beat_wakes_the_report_and_reminder_jobs_at_six_on_weekdays_copenhagen_time():
    reports = settings.CELERY_BEAT_SCHEDULE["scheduled-reports"]
    reminders = settings.CELERY_BEAT_SCHEDULE["milestone-reminders"]

    assert reports["task"] in celery_app.tasks
    assert reminders["task"] in celery_app.tasks
    assert reports["schedule"] == crontab(hour=6, minute=0, day_of_week="mon-fri")
    assert reminders["schedule"].hour == {6}
    assert reminders["schedule"].day_of_week == {1, 2, 3, 4, 5}
    assert celery_app.conf.timezone == "Europe/Copenhagen"


@pytest.mark.parametrize(
    ("kind", "after", "expected", "weekday"),
    [
        (Q, "2026-12-31", "2027-01-04", "Monday"),  # 1 Jan is Nytårsdag, 2–3 Jan a weekend
        (Q, "2027-03-31", "2027-04-01", "Thursday"),  # Easter 2027 is in March
        (Q, "2026-09-30", "2026-10-01", "Thursday"),
        (M, "2026-12-31", "2027-01-04", "Monday"),
        (M, "2027-04-30", "2027-05-03", "Monday"),  # 1 May 2027 is a Saturday
        (M, "2026-11-24", "2026-12-01", "Tuesday"),
    ],
)
def test_the_next_scheduled_report_day(kind, after, expected, weekday):
    day = next_report_day(kind, after=dt.date.fromisoformat(after))

    assert day.isoformat() == expected
    assert day.strftime("%A") == weekday


@pytest.mark.django_db
def test_from_new_year_to_mid_january_beat_issues_the_quarterly_report_once_on_4_january():
    schedule = settings.CELERY_BEAT_SCHEDULE["scheduled-reports"]["schedule"]
    issued = {}
    with mock.patch.object(tasks.compile_report, "delay"):
        day = dt.date(2026, 12, 31)
        while day <= dt.date(2027, 1, 15):
            if day.isoweekday() % 7 in schedule.day_of_week:  # crontab counts Sunday as 0
                with time_machine.travel(at(day.year, day.month, day.day, 6), tick=False):
                    issued[day.isoformat()] = tasks.request_scheduled_reports()
            day += dt.timedelta(days=1)

    assert {d: len(pks) for d, pks in issued.items() if pks} == {"2027-01-04": 2}
    assert "2027-01-01" in issued  # beat woke on the Friday holiday and asked for nothing
    quarterly = Report.objects.get(kind=Q)
    assert (quarterly.period, quarterly.period_label) == ("2026-K4", "4. kvartal 2026")
    assert quarterly.requested_by is None


# --- a real worker on Redis --------------------------------------------------------------------


@pytest.fixture
def redis_worker(settings):
    """A Celery worker in a thread of this process, consuming from the configured broker."""
    if not settings.CELERY_BROKER_URL:
        pytest.skip("no broker configured (CELERY_BROKER_URL); CI runs this against Redis")
    with celery_worker_thread() as worker:
        yield worker


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("media_root")
def test_a_report_round_trips_through_redis_and_a_worker(redis_worker, plan, chef):
    spor = SporFactory(plan=plan, number=1, title="Det gode dagtilbud for alle børn")
    InitiativeFactory(spor=spor, title="Fælles kompetenceforløb")

    report = report_request(kind=M, period="2026-11", by=chef)  # committed: the task is sent

    assert wait_for(lambda: Report.objects.get(pk=report.pk).state == ReportState.FAERDIG)
    report.refresh_from_db()
    assert report.page_count >= 5 and len(report.sha256) == 64
    assert report.snapshot["spor"][0]["initiatives"][0]["title"] == "Fælles kompetenceforløb"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("media_root")
def test_the_beat_entry_runs_the_quarterly_report_on_the_worker(redis_worker, plan):
    SporFactory(plan=plan, number=1)
    entry = settings.CELERY_BEAT_SCHEDULE["scheduled-reports"]

    # What beat sends at 06:00, for the first working day of 2027.
    celery_app.send_task(entry["task"], kwargs={"today": "2027-01-04"})

    assert wait_for(
        lambda: (
            Report.objects.filter(kind=Q, period="2026-K4", state=ReportState.FAERDIG).exists()
            and Report.objects.filter(kind=M, period="2026-12", state=ReportState.FAERDIG).exists()
        )
    )
    assert Report.objects.count() == 2
    assert not Report.objects.exclude(requested_by=None).exists()
