"""Reports that cannot stay stuck: the time limits, the broker's visibility timeout, the sweep
of reports whose task was lost, the archive's way out ("Prøv igen"), and that a late run of an
earlier attempt never overwrites or fails a later one. (Real worker processes:
test_report_worker.py.)"""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
import time_machine
import yaml
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from omstilling.celery import app as celery_app
from reports import tasks
from reports.archive import compiler, failure, services
from reports.archive.compiler import report_compile
from reports.archive.failure import report_fail_if_stale, reports_fail_stale
from reports.archive.services import report_request, report_retry
from reports.models import Report, ReportKind, ReportState
from tests.reports.report_support import (  # noqa: F401 - fixtures
    at,
    eager_celery_fixture,
    media_root_fixture,
    no_sending_fixture,
    small_plan_fixture,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

M, Q = ReportKind.MAANEDSRAPPORT, ReportKind.KVARTALSRAPPORT
ARCHIVE = "/rapporter/"
HX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "archive-body"}
ASKED = at(2026, 11, 24, 10)
STALE = dt.timedelta(seconds=settings.REPORT_STALE_AFTER)
SECOND = dt.timedelta(seconds=1)
STALE_REASON = "Rapporten tog for lang tid at udarbejde: den var ikke færdig efter 8 minutter"


def asked(period="2026-11", kind=M, when=ASKED, **changes) -> Report:
    """A report asked for at `when` whose task has not (yet) come back; `changes` set its row
    as a worker would have left it (state, started_at, attempts)."""
    with time_machine.travel(when, tick=False), mock.patch.object(services, "_enqueue"):
        report = report_request(kind=kind, period=period)
    if changes:
        Report.objects.filter(pk=report.pk).update(**changes)
        report.refresh_from_db()
    return report


def compiling(period="2026-11", kind=M, started=ASKED) -> Report:
    """A report asked for at ASKED that a worker took at `started` and never finished (the
    worker was killed)."""
    return asked(period, kind, state=ReportState.UDARBEJDES, started_at=started, attempts=1)


# --- the settings -------------------------------------------------------------------------------


def test_the_visibility_timeout_is_the_hard_limit_plus_a_margin_and_well_below_an_hour():
    visibility = celery_app.conf.broker_transport_options["visibility_timeout"]

    assert visibility == settings.REPORT_TIME_LIMIT + settings.REPORT_TIME_MARGIN
    assert settings.REPORT_SOFT_TIME_LIMIT < settings.REPORT_TIME_LIMIT < visibility <= 15 * 60
    # A retry's countdown is held unacknowledged by a worker: it must end before redelivery.
    assert tasks.compile_report.retry_backoff_max < visibility
    # The sweep waits until the broker has had its chance to hand the task on (every 10 s).
    restore = celery_app.conf.broker_transport_options["unacked_restore_interval"]
    assert visibility + restore < settings.REPORT_STALE_AFTER < 60 * 60


def _settings_with(**env: str) -> subprocess.CompletedProcess:
    """settings.py read afresh with `env`: the limits' visibility timeout and stale age."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'], s.REPORT_STALE_AFTER)"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "omstilling.settings", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_the_limits_come_from_the_environment_and_must_be_in_order():
    ok = _settings_with(
        REPORT_SOFT_TIME_LIMIT="80", REPORT_TIME_LIMIT="100", REPORT_TIME_MARGIN="20"
    )
    soft_above_hard = _settings_with(REPORT_SOFT_TIME_LIMIT="400", REPORT_TIME_LIMIT="360")
    no_margin = _settings_with(REPORT_TIME_MARGIN="0")

    assert ok.stdout.split()[-2:] == ["120", "140"]
    assert soft_above_hard.returncode != 0
    assert (
        "REPORT_SOFT_TIME_LIMIT must be above 0, below REPORT_TIME_LIMIT" in soft_above_hard.stderr
    )
    assert no_margin.returncode != 0 and "REPORT_TIME_MARGIN must be at least" in no_margin.stderr


def test_the_report_task_has_the_time_limits_and_workers_a_memory_ceiling():
    assert tasks.compile_report.soft_time_limit == settings.REPORT_SOFT_TIME_LIMIT == 300
    assert tasks.compile_report.time_limit == settings.REPORT_TIME_LIMIT == 360
    assert celery_app.conf.worker_max_memory_per_child == 600_000  # KiB
    assert celery_app.conf.worker_max_tasks_per_child == 50


def test_the_stack_gives_web_worker_and_beat_the_same_limits():
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text("utf-8"))
    services_ = compose["services"]
    variables = (
        "REPORT_SOFT_TIME_LIMIT",
        "REPORT_TIME_LIMIT",
        "REPORT_TIME_MARGIN",
        "CELERY_WORKER_MAX_MEMORY_PER_CHILD",
        "CELERY_WORKER_MAX_TASKS_PER_CHILD",
    )

    for name in ("web", "worker", "beat"):
        environment = services_[name]["environment"]
        assert all(f"${{{variable}:-" in environment[variable] for variable in variables), name
    assert "--pool prefork" in " ".join(services_["worker"]["command"])  # enforces the limits


def test_beat_sweeps_stale_reports_every_five_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["fail-stale-reports"]

    assert entry["task"] in celery_app.tasks
    assert entry["schedule"].minute == set(range(0, 60, 5))


# --- the time limits ----------------------------------------------------------------------------


@pytest.mark.usefixtures("eager_celery", "small_plan")
def test_at_the_soft_time_limit_the_report_is_failed_with_the_reason(monkeypatch):
    def slow(snapshot):
        raise SoftTimeLimitExceeded()  # what Celery raises in the task at the soft limit

    monkeypatch.setattr(compiler, "render_report", slow)
    report = asked()

    with pytest.raises(SoftTimeLimitExceeded):
        tasks.compile_report.delay(report.pk)

    report.refresh_from_db()
    assert report.state == ReportState.FEJLET
    assert report.failure_reason == (
        "Rapporten tog for lang tid at udarbejde (over 5 minutter) og blev stoppet. Vælg “Prøv "
        "igen”; sker det igen, så kontakt driften."
    )
    assert not report.pdf and report.finished_at is not None


def test_at_the_hard_time_limit_the_workers_main_process_fails_the_report():
    report = compiling()

    # What the worker's main process calls after it has killed the child at the hard limit.
    tasks.compile_report.on_failure(TimeLimitExceeded(360), "task-id", (report.pk,), {}, None)

    report.refresh_from_db()
    assert report.state == ReportState.FEJLET
    assert report.failure_reason.startswith(
        "Rapporten tog for lang tid at udarbejde (over 6 minutter) og blev stoppet."
    )


# --- the sweep ----------------------------------------------------------------------------------


def test_the_sweep_fails_reports_pending_longer_than_the_limit_and_nothing_else():
    queued = asked("2026-11")
    taken = compiling("2026-10", started=ASKED + dt.timedelta(minutes=3))
    done = asked("2026-09", state=ReportState.FAERDIG, snapshot={}, sha256="a" * 64, pdf="x.pdf")

    with time_machine.travel(ASKED + STALE - SECOND, tick=False):
        assert reports_fail_stale() == []
    with time_machine.travel(ASKED + STALE + SECOND, tick=False):
        assert reports_fail_stale() == [queued.pk]  # taken was started 3 minutes later
    with time_machine.travel(ASKED + dt.timedelta(minutes=3) + STALE + SECOND, tick=False):
        assert reports_fail_stale() == [taken.pk]

    states = dict(Report.objects.values_list("pk", "state"))
    assert states == {
        queued.pk: ReportState.FEJLET,
        taken.pk: ReportState.FEJLET,
        done.pk: ReportState.FAERDIG,
    }
    queued.refresh_from_db()
    assert queued.failure_reason.startswith(STALE_REASON)
    assert queued.failure_reason.endswith("Vælg “Prøv igen”.")


def test_the_beat_job_runs_the_sweep(eager_celery):
    report = compiling()

    with time_machine.travel(ASKED + STALE + SECOND, tick=False):
        assert tasks.fail_stale_reports.delay().get() == [report.pk]


def test_a_retried_report_is_timed_from_the_retry_not_from_when_it_was_first_asked_for(chef):
    report = compiling()
    retried_at = ASKED + STALE + SECOND
    with time_machine.travel(retried_at, tick=False), mock.patch.object(services, "_enqueue"):
        report = report_retry(report=report, by=chef)  # a stale report may be retried at once

    assert report.state == ReportState.I_KOE
    with time_machine.travel(retried_at + STALE - SECOND, tick=False):
        assert reports_fail_stale() == []
    with time_machine.travel(retried_at + STALE + SECOND, tick=False):
        assert reports_fail_stale() == [report.pk]


def test_the_sweep_leaves_a_report_that_was_retried_after_it_looked(chef):
    """The sweep read the row, then the report failed and was retried before the sweep wrote."""
    report = compiling()
    now = ASKED + STALE + SECOND
    with time_machine.travel(now, tick=False):
        failure.report_fail(report_id=report.pk, reason="anden fejl", attempt=1)
        with mock.patch.object(services, "_enqueue"):
            report_retry(report=Report.objects.get(pk=report.pk), by=chef)

        assert not report_fail_if_stale(report=report)  # `report` is the row as first read

    report.refresh_from_db()
    assert (report.state, report.failure_reason) == (ReportState.I_KOE, "")


# --- the archive shows it failed (and writes nothing), and "Prøv igen" marks and retries it -------


def test_the_archive_shows_a_stale_report_as_failed_with_its_reason_and_prov_igen(
    client, chef, bfu, no_sending, django_capture_on_commit_callbacks
):
    report = compiling()
    retry_url = reverse("archive:retry", args=[report.pk])

    with time_machine.travel(ASKED + STALE + SECOND, tick=False):
        client.force_login(bfu)
        seen_by_bfu = client.get(ARCHIVE).content.decode()
        client.force_login(chef)
        page = client.get(ARCHIVE).content.decode()
        report.refresh_from_db()
        assert report.state == ReportState.UDARBEJDES  # reading the archive wrote nothing
        with django_capture_on_commit_callbacks(execute=True):
            client.post(retry_url, **HX)

    assert "Fejlet" in seen_by_bfu and STALE_REASON not in seen_by_bfu  # the reason: chefgruppen
    assert "Fejlet" in page and STALE_REASON in page
    assert f'action="{retry_url}"' in page and "Prøv igen" in page
    assert "every 2s" not in page  # the row stops polling
    report.refresh_from_db()
    assert report.state == ReportState.I_KOE
    no_sending.assert_called_once_with(report.pk)


def test_the_polling_row_of_a_stale_report_turns_failed(client, chef):
    report = compiling()
    url = reverse("archive:row", args=[report.pk])
    client.force_login(chef)

    with time_machine.travel(ASKED + STALE - SECOND, tick=False):
        waiting = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    with time_machine.travel(ASKED + STALE + SECOND, tick=False):
        row = client.get(url, HTTP_HX_REQUEST="true").content.decode()

    assert "every 2s" in waiting and "Udarbejdes" in waiting
    assert "every 2s" not in row and "Fejlet" in row and STALE_REASON in row
    assert "Prøv igen" in row
    report.refresh_from_db()
    assert report.state == ReportState.UDARBEJDES  # shown as failed; the sweep or a retry marks it


def test_a_new_version_is_refused_while_compiling_but_not_once_the_report_is_stale(chef):
    compiling("2026-K3", Q)

    with (
        time_machine.travel(ASKED + STALE - SECOND, tick=False),
        pytest.raises(ValidationError, match="allerede ved at blive udarbejdet"),
    ):
        report_request(kind=Q, period="2026-K3", by=chef, new_version=True)
    with (
        time_machine.travel(ASKED + STALE + SECOND, tick=False),
        mock.patch.object(services, "_enqueue"),
    ):
        new = report_request(kind=Q, period="2026-K3", by=chef, new_version=True)

    versions = list(Report.objects.order_by("version").values_list("version", "state"))
    assert versions == [(1, ReportState.FEJLET), (2, ReportState.I_KOE)]
    assert new.version == 2


# --- a late run of an earlier attempt -----------------------------------------------------------


def _give_up_and_retry(report: Report, by) -> None:
    """While the original run is still busy: the sweep fails the report, chefgruppen retries
    it, and the retry's run claims it (attempt 2) and starts compiling."""
    retried_at = ASKED + STALE + SECOND
    with time_machine.travel(retried_at, tick=False):
        reports_fail_stale()
        with mock.patch.object(services, "_enqueue"):
            report_retry(report=Report.objects.get(pk=report.pk), by=by)
    Report.objects.filter(pk=report.pk, state=ReportState.I_KOE).update(
        state=ReportState.UDARBEJDES, attempts=2, started_at=retried_at
    )


@pytest.mark.usefixtures("small_plan")
def test_a_late_finishing_original_run_never_overwrites_the_retry(chef, monkeypatch):
    report = asked()
    real_render = compiler.render_report

    def outlived_by_a_retry(snapshot):
        _give_up_and_retry(report, chef)
        return real_render(snapshot)

    monkeypatch.setattr(compiler, "render_report", outlived_by_a_retry)
    with time_machine.travel(ASKED, tick=False):
        original = report_compile(report=report)

    assert (original.state, original.attempts) == (ReportState.UDARBEJDES, 2)
    assert not original.pdf and original.snapshot is None and original.sha256 == ""
    folder = Path(original.pdf.storage.path("rapporter/2026"))
    assert list(folder.iterdir()) == []  # the original's file was removed


@pytest.mark.usefixtures("eager_celery", "small_plan")
def test_a_late_failure_of_the_original_run_never_fails_the_retry(chef, monkeypatch):
    report = asked()

    def fails_after_being_retried(snapshot):
        _give_up_and_retry(report, chef)
        raise RuntimeError("den gamle kørsel fejlede til sidst")

    monkeypatch.setattr(compiler, "render_report", fails_after_being_retried)
    with time_machine.travel(ASKED, tick=False), pytest.raises(RuntimeError):
        tasks.compile_report.delay(report.pk)

    report.refresh_from_db()
    assert (report.state, report.attempts, report.failure_reason) == (
        ReportState.UDARBEJDES,
        2,
        "",
    )
