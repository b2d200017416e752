"""Asking for a report: one per kind and period (by the database's constraint), new versions
only when someone asks for one, and the compile task sent only once the row is committed."""

from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from reports import tasks
from reports.archive.periods import month_period, parse_period, quarter_period
from reports.archive.services import report_request, reports_request_scheduled
from reports.models import Report, ReportKind, ReportState
from tests.concurrency import run_at_once
from tests.reports.report_support import (  # noqa: F401 - fixtures
    at,
    eager_celery_fixture,
    media_root_fixture,
    small_plan_fixture,
)

Q, M = ReportKind.KVARTALSRAPPORT, ReportKind.MAANEDSRAPPORT


@pytest.mark.parametrize(
    ("kind", "code", "label", "first", "last"),
    [
        (Q, "2026-K3", "3. kvartal 2026", "2026-07-01", "2026-09-30"),
        (Q, "2026-k4", "4. kvartal 2026", "2026-10-01", "2026-12-31"),
        (M, "2026-11", "november 2026", "2026-11-01", "2026-11-30"),
        (M, "2027-02", "februar 2027", "2027-02-01", "2027-02-28"),
    ],
)
def test_it_names_periods_in_danish(kind, code, label, first, last):
    period = parse_period(kind, code)

    assert period.code == code.upper()
    assert period.label == label
    assert (period.first_day.isoformat(), period.last_day.isoformat()) == (first, last)


@pytest.mark.parametrize(
    ("kind", "code"), [(Q, "2026-11"), (M, "2026-K3"), (M, "2026-13"), (Q, "")]
)
def test_it_refuses_a_period_that_does_not_fit_the_kind(kind, code):
    with pytest.raises(ValueError):
        parse_period(kind, code)


def test_period_labels_match_the_quarter_and_month_helpers():
    assert quarter_period(2026, 3).label == "3. kvartal 2026"
    assert month_period(2026, 12).last_day.isoformat() == "2026-12-31"


@pytest.mark.django_db
def test_asking_twice_for_a_period_gives_the_same_report_and_sends_one_task(
    chef, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(tasks.compile_report, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = report_request(kind=M, period="2026-11", by=chef)
        second = report_request(kind=M, period="2026-11")

    assert first.pk == second.pk
    assert Report.objects.count() == 1
    delay.assert_called_once_with(first.pk)
    assert first.state == ReportState.I_KOE
    assert first.requested_by == chef
    assert (first.period_label, str(first.period_start)) == ("november 2026", "2026-11-01")


@pytest.mark.django_db
def test_the_task_is_sent_only_when_the_row_is_committed(chef, django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.compile_report, "delay") as delay:
        with django_capture_on_commit_callbacks() as callbacks:
            report_request(kind=M, period="2026-11", by=chef)
            assert not delay.called
        # On commit (the cache's generation is bumped on commit too): the task, once.
        for callback in callbacks:
            callback()
        delay.assert_called_once()


@pytest.mark.django_db
def test_the_database_refuses_a_second_report_for_the_same_period_and_version():
    report_request(kind=Q, period="2026-K3")

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            kind=Q,
            period="2026-K3",
            period_label="3. kvartal 2026",
            period_start="2026-07-01",
            version=1,
        )


@pytest.mark.django_db
def test_a_new_version_is_made_only_when_asked_for_and_keeps_the_old(
    chef, django_capture_on_commit_callbacks
):
    first = report_request(kind=Q, period="2026-K3")
    Report.objects.filter(pk=first.pk).update(
        state=ReportState.FAERDIG, sha256="x" * 64, snapshot={}, pdf="rapporter/2026/x.pdf"
    )

    with (
        mock.patch.object(tasks.compile_report, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        second = report_request(kind=Q, period="2026-K3", by=chef, new_version=True)
        again = report_request(kind=Q, period="2026-K3")

    assert (second.version, again.pk) == (2, second.pk)
    assert list(Report.objects.order_by("version").values_list("version", "state")) == [
        (1, ReportState.FAERDIG),
        (2, ReportState.I_KOE),
    ]
    delay.assert_called_once_with(second.pk)


@pytest.mark.django_db
def test_a_new_version_is_refused_while_one_is_being_compiled(chef):
    report_request(kind=M, period="2026-11")

    with pytest.raises(ValidationError):
        report_request(kind=M, period="2026-11", by=chef, new_version=True)

    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_a_finished_report_must_have_its_pdf_and_checksum():
    report = report_request(kind=M, period="2026-11")

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(state=ReportState.FAERDIG)


@pytest.mark.django_db
@pytest.mark.usefixtures("eager_celery", "media_root")
def test_with_no_broker_the_report_is_compiled_in_process(
    small_plan, chef, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(at(2026, 11, 24), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = report_request(kind=M, period="2026-11", by=chef)

    report.refresh_from_db()
    assert report.state == ReportState.FAERDIG
    assert report.pdf.name.endswith(".pdf")


# --- the schedule -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2027-01-01", []),  # Nytårsdag
        ("2027-01-04", [(Q, "2026-K4"), (M, "2026-12")]),
        ("2027-01-05", []),
        ("2027-02-01", [(M, "2027-01")]),
        ("2027-04-01", [(Q, "2027-K1"), (M, "2027-03")]),
        ("2026-11-02", [(M, "2026-10")]),
        ("2026-11-24", []),
    ],
)
def test_the_morning_job_asks_for_the_reports_due_that_day(day, expected):
    import datetime as dt

    with mock.patch.object(tasks.compile_report, "delay"):
        reports = reports_request_scheduled(today=dt.date.fromisoformat(day))

    assert [(r.kind, r.period) for r in reports] == expected
    assert all(r.requested_by is None for r in reports)  # "planlagt"


@pytest.mark.django_db
def test_running_the_morning_job_twice_makes_no_second_report(django_capture_on_commit_callbacks):
    with (
        mock.patch.object(tasks.compile_report, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.request_scheduled_reports(today="2027-01-04")
        tasks.request_scheduled_reports(today="2027-01-04")

    assert sorted(Report.objects.values_list("kind", "period")) == [(Q, "2026-K4"), (M, "2026-12")]
    assert delay.call_count == 2


# --- two at once, on PostgreSQL ------------------------------------------------------------------


def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent inserts race on the constraint only on PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_of_the_morning_job_make_one_report_per_period():
    _needs_postgresql()
    with mock.patch.object(tasks.compile_report, "delay") as delay:
        results = run_at_once(
            lambda: tasks.request_scheduled_reports(today="2027-01-04"),
            lambda: tasks.request_scheduled_reports(today="2027-01-04"),
        )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert results[0] == results[1]  # both got the same two reports
    assert Report.objects.count() == 2
    assert delay.call_count == 2  # one compile task per report, sent by whichever created it


@pytest.mark.django_db(transaction=True)
def test_two_people_issuing_a_new_version_at_once_never_get_the_same_number(chef, bfu):
    _needs_postgresql()
    first = report_request(kind=M, period="2026-11")
    Report.objects.filter(pk=first.pk).update(
        state=ReportState.FAERDIG, sha256="x" * 64, snapshot={}, pdf="rapporter/2026/x.pdf"
    )
    with mock.patch.object(tasks.compile_report, "delay"):
        results = run_at_once(
            lambda: report_request(kind=M, period="2026-11", by=chef, new_version=True).version,
            lambda: report_request(kind=M, period="2026-11", by=chef, new_version=True).version,
        )

    # Whoever commits first gets version 2. The other either raced it to the constraint and
    # took version 3, or saw version 2 being compiled and was told so: never a crash, never a
    # duplicate.
    versions = sorted(r for r in results if isinstance(r, int))
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert versions in ([2, 3], [2]) and len(versions) + len(refused) == 2, results
    assert list(Report.objects.order_by("version").values_list("version", flat=True)) == [
        1,
        *versions,
    ]
