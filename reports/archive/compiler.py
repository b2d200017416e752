"""Compiling a report: `report_compile` fills in a requested row once, and `compile_report`,
the Celery task beside it, runs it for a report id.

The task is acknowledged only when done (`acks_late`: if the worker dies, the broker hands it to
another worker after the visibility timeout, settings.py), retried with backoff when the database
connection fails, stopped at REPORT_SOFT_TIME_LIMIT and killed at REPORT_TIME_LIMIT; when it
fails for good the report is marked "fejlet" with the reason (through `report_fail`, by the run
itself or, at the hard limit, by `ReportTask.on_failure`), and chefgruppen can try again from the
archive.
"""

import datetime as dt
import hashlib
import logging

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from omstilling.cache import Family, bump
from omstilling.models import Plan
from reports.archive.failure import ReportError, describe_duration, describe_error, report_fail
from reports.archive.pdf import render_report
from reports.archive.snapshot import build_snapshot
from reports.models import PENDING_STATES, Report, ReportState

logger = logging.getLogger(__name__)

# A lost or restarted database connection is worth retrying; any other error is not.
RETRY_ON = (OperationalError, InterfaceError)
MAX_RETRIES = 5


def _snapshot(report: Report, now: dt.datetime) -> dict:
    """Read everything in one transaction; on PostgreSQL at REPEATABLE READ, so that every
    query sees the same moment even while people keep editing the plan."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        plan = Plan.objects.current()
        if plan is None:
            raise ReportError(_("Der er ikke indlæst nogen plan."))
        return build_snapshot(report=report, plan=plan, now=now)


def report_compile(*, report: Report) -> Report:
    """Fill in a requested report: the snapshot of this moment, the PDF rendered from it and the
    PDF's SHA-256, stored on the row in one update. A report that is finished (or failed) is
    left exactly as it is, so a task delivered twice changes nothing. Each run claims the report
    as a new attempt and `report` is refreshed to it (its `attempts` names this run); if two runs
    overlap, only the latest attempt can finish, and an earlier one's file is removed.
    """
    claimed = Report.objects.filter(pk=report.pk, state__in=PENDING_STATES).update(
        state=ReportState.UDARBEJDES, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    report.refresh_from_db()
    if not claimed:
        return report
    bump(Family.REPORTS)  # update() sends no signal; the archive shows the state
    attempt = report.attempts
    with translation.override("da"):
        snapshot = _snapshot(report, timezone.now())
        rendered = render_report(snapshot)
    checksum = hashlib.sha256(rendered.content).hexdigest()
    field = report.pdf.field
    name = field.storage.save(
        field.generate_filename(report, report.filename), ContentFile(rendered.content)
    )
    finished = Report.objects.filter(
        pk=report.pk, state=ReportState.UDARBEJDES, attempts=attempt
    ).update(
        state=ReportState.FAERDIG,
        snapshot=snapshot,
        pdf=name,
        sha256=checksum,
        pdf_size=len(rendered.content),
        page_count=rendered.pages,
        failure_reason="",
        finished_at=timezone.now(),
    )
    if not finished:
        field.storage.delete(name)
    else:
        # The dashboard counts changes since the last report, the archive shows the state;
        # update() sends no signal.
        bump(Family.REPORTS)
    report.refresh_from_db()
    logger.info("Rapport %s udarbejdet: %s sider, sha256 %s", report.pk, rendered.pages, checksum)
    return report


def too_long(seconds: int) -> str:
    return _(
        "Rapporten tog for lang tid at udarbejde (over %(duration)s) og blev stoppet. Vælg "
        "“Prøv igen”; sker det igen, så kontakt driften."
    ) % {"duration": describe_duration(seconds)}


def _fail(report_id: int, reason: str, attempt: int | None) -> None:
    """The task's one way to fail its report (through `report_fail`, which compares `attempt`)."""
    try:
        report_fail(report_id=report_id, reason=reason, attempt=attempt)
    except Exception:  # noqa: BLE001 - the database may be the very thing that is down
        logger.exception("Rapport %s: kunne ikke markeres som fejlet", report_id)


def _is_last_attempt(task: Task) -> bool:
    """Will Celery give up if this attempt raises a retryable error?"""
    if task.request.retries >= task.max_retries:
        return True
    # In-process with errors handed to the caller (the no-broker default), Celery cannot retry.
    return bool(task.request.is_eager and task.app.conf.task_eager_propagates)


class ReportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """The hard time limit: the worker's main process reports it here after killing the
        process that ran the task, which could not fail its report itself. Every other failure
        is marked by the run (in-process, Celery calls no `on_failure`), or, if the database was
        down before the run had read its row, by the stale-report sweep. No attempt is compared:
        nothing else can have claimed the report before that sweep, which waits longer than the
        hard limit."""
        if isinstance(exc, TimeLimitExceeded):
            report_id = args[0] if args else kwargs.get("report_id")
            _fail(report_id, too_long(settings.REPORT_TIME_LIMIT), attempt=None)


@shared_task(
    bind=True,
    base=ReportTask,
    name="reports.tasks.compile_report",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=RETRY_ON,
    max_retries=MAX_RETRIES,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_TIME_LIMIT,
)
def compile_report(self, report_id: int) -> int | None:
    """Compile the report `report_id`. Idempotent: a finished report is left as it is.

    A lost database connection is retried (5, 10, 20 … seconds, at most MAX_RETRIES times);
    on the last attempt, at once for any other error, and at the soft time limit, the report
    is marked "fejlet" with the reason before the error is raised for Celery to record. Only
    this run's attempt is marked: a later run that claimed the report meanwhile goes on.
    """
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        logger.warning("Rapport %s findes ikke; intet at udarbejde", report_id)
        return None
    try:
        report_compile(report=report)  # refreshes `report` to the attempt it claims
    except RETRY_ON as exc:
        if _is_last_attempt(self):
            reason = _("Databasen svarede ikke efter %(count)s forsøg: %(error)s") % {
                "count": self.request.retries + 1,
                "error": describe_error(exc),
            }
            _fail(report_id, reason, report.attempts)
        raise
    except SoftTimeLimitExceeded:
        _fail(report_id, too_long(settings.REPORT_SOFT_TIME_LIMIT), report.attempts)
        raise
    except Exception as exc:
        _fail(report_id, describe_error(exc), report.attempts)
        raise
    return report_id
