"""Real worker processes on the real broker (CI: Redis) and the PostgreSQL test database: a
worker killed with SIGKILL mid-compile leaves no report stuck, and the time limits stop a
compile that runs too long and say so on the report.

Each test starts `celery worker` (prefork, one child) as a subprocess with small time limits, so
that the broker's visibility timeout (hard limit + margin, settings.py) is seconds, not minutes.
The rows are committed (`transaction=True`) so that the worker process sees them.
"""

from unittest import mock

import pytest
from django.db import connection

from omstilling.celery import app as celery_app
from reports.archive import services
from reports.archive.compiler import compile_report, too_long
from reports.archive.failure import describe_duration
from reports.archive.services import report_request
from reports.models import Report, ReportKind, ReportState
from tests.factories import InitiativeFactory, SporFactory
from tests.reports.report_support import media_root_fixture, wait_for  # noqa: F401 - fixture
from tests.reports.worker_process import worker_process

M = ReportKind.MAANEDSRAPPORT
# The worker's limits: a compile of this small plan takes about a second.
SOFT, HARD, MARGIN = 8, 10, 2
VISIBILITY = HARD + MARGIN
RESTORE_INTERVAL = 10  # Kombu looks for unacknowledged tasks this often (settings.py)


def _state(report) -> str:
    return Report.objects.values_list("state", flat=True).get(pk=report.pk)


@pytest.fixture
def broker(settings):
    if not settings.CELERY_BROKER_URL:
        pytest.skip("no broker configured (CELERY_BROKER_URL); CI runs this against Redis")
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot open SQLite's in-memory test database")
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()  # messages left by earlier tests whose rows are gone
    yield
    celery_app.conf.task_always_eager = previous


def _limits(soft: int, hard: int, margin: int = 60) -> dict[str, str]:
    """The worker's environment for these limits (its visibility timeout is hard + margin)."""
    return {
        "REPORT_SOFT_TIME_LIMIT": str(soft),
        "REPORT_TIME_LIMIT": str(hard),
        "REPORT_TIME_MARGIN": str(margin),
    }


def _request(soft: int, hard: int, **kwargs) -> Report:
    """Ask for the November report and send its task with these limits. The sender puts the
    task's limits in the message (in production the web process, from the same settings as the
    worker's); here they must be the worker's small ones, not this process's defaults."""
    with mock.patch.object(services, "_enqueue"):
        report = report_request(kind=M, period="2026-11", **kwargs)
    compile_report.apply_async((report.pk,), soft_time_limit=soft, time_limit=hard)
    return report


@pytest.fixture
def hook(tmp_path):
    """The folder through which a test holds a worker's compile (tests/reports/worker_process)."""
    folder = tmp_path / "hook"
    folder.mkdir()
    return folder


@pytest.fixture
def content(plan):
    spor = SporFactory(plan=plan, number=1, title="Det gode dagtilbud for alle børn")
    InitiativeFactory(spor=spor, title="Fælles kompetenceforløb")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("broker", "media_root", "content")
def test_a_worker_killed_mid_compile_leaves_exactly_one_finished_report(tmp_path, hook, chef):
    limits = _limits(SOFT, HARD, MARGIN)
    (hook / "block").touch()
    with worker_process(tmp_path / "logs", hook, **limits) as first:
        report = _request(SOFT, HARD, by=chef)
        assert wait_for(lambda: (hook / "rendering").exists(), 60), first.output()
        assert _state(report) == ReportState.UDARBEJDES

        first.kill()

    (hook / "block").unlink()
    # The task was never acknowledged: Redis keeps it aside until the visibility timeout has
    # passed, and then the next worker takes it up again (the killed one's attempt is lost).
    with worker_process(tmp_path / "logs", hook, **limits) as second:
        finished = wait_for(
            lambda: _state(report) == ReportState.FAERDIG, VISIBILITY + RESTORE_INTERVAL + 40
        )
        assert finished, second.output()

    reports = Report.objects.filter(kind=M, period="2026-11")
    assert [(r.version, r.state) for r in reports] == [(1, ReportState.FAERDIG)]
    report.refresh_from_db()
    assert report.attempts == 2
    assert len(report.sha256) == 64 and report.pdf_size > 0
    assert report.snapshot["spor"][0]["initiatives"][0]["title"] == "Fælles kompetenceforløb"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("broker", "media_root", "content")
@pytest.mark.parametrize(
    ("limit", "ignores_soft_limit"),
    [pytest.param("soft", False, id="soft"), pytest.param("hard", True, id="hard")],
)
def test_a_compile_that_runs_too_long_is_stopped_and_the_report_says_why(
    tmp_path, hook, limit, ignores_soft_limit
):
    soft, hard = 1, 3
    (hook / "block").touch()
    if ignores_soft_limit:
        (hook / "outlast").touch()  # only the hard limit (the child is killed) stops it
    limits = _limits(soft, hard)

    with worker_process(tmp_path / "logs", hook, **limits) as worker:
        report = _request(soft, hard)
        failed = wait_for(lambda: _state(report) == ReportState.FEJLET, 60)
        assert failed, worker.output()

    report.refresh_from_db()
    assert report.failure_reason == too_long(soft if limit == "soft" else hard)
    assert f"over {describe_duration(soft if limit == 'soft' else hard)}" in report.failure_reason
    assert report.failure_reason.startswith("Rapporten tog for lang tid at udarbejde")
    assert not report.pdf and report.snapshot is None
