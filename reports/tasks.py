"""Celery tasks for reports: adapters that take ids, load rows and call the services.

- `compile_report(report_id)`: sent when a report is requested. Acknowledged only when done
  (`acks_late`: if the worker dies, the broker hands it to another worker after the visibility
  timeout, settings.py), retried with backoff when the database connection fails, stopped at
  REPORT_SOFT_TIME_LIMIT and killed at REPORT_TIME_LIMIT; when it fails for good the report is
  marked "fejlet" with the reason (`_fail`, by the run itself or, at the hard limit, by
  `ReportTask.on_failure`), and chefgruppen can try again from the archive.
- `fail_stale_reports()`: Celery beat, every 5 minutes: reports pending too long are failed.
- `request_scheduled_reports()`: Celery beat, every weekday at 06:00 Europe/Copenhagen.
- `send_reminders()`: Celery beat, every weekday morning.

With no broker configured the tasks run in-process (CELERY_TASK_ALWAYS_EAGER).
"""

import datetime as dt
import logging

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import Report
from reports.schedule import is_working_day
from reports.services import (
    describe_duration,
    describe_error,
    reminders_send,
    report_compile,
    report_fail,
    reports_fail_stale,
    reports_request_scheduled,
)

logger = logging.getLogger(__name__)

# A lost or restarted database connection is worth retrying; any other error is not.
RETRY_ON = (OperationalError, InterfaceError)
MAX_RETRIES = 5


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


@shared_task(name="reports.tasks.fail_stale_reports", acks_late=True)
def fail_stale_reports() -> list[int]:
    """Fail the reports left "i kø" or "udarbejdes" longer than REPORT_STALE_AFTER (a worker
    died and the task was not handed on), also those nobody opens the archive for."""
    return reports_fail_stale()


@shared_task(name="reports.tasks.request_scheduled_reports", acks_late=True)
def request_scheduled_reports(today: str | None = None) -> list[int]:
    """Ask for the reports due today (see `reports_request_scheduled`). Beat passes no
    argument; `today` ("2027-01-04") re-runs a day that was missed. Running twice asks for
    nothing new."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return [report.pk for report in reports_request_scheduled(today=day)]


@shared_task(name="reports.tasks.send_reminders", acks_late=True)
def send_reminders(today: str | None = None) -> int:
    """E-mail today's reminders: at most one e-mail per person per day however often it runs.
    Beat wakes it on weekdays; on a Danish public holiday it sends nothing."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    if not is_working_day(day):
        return 0
    return reminders_send(today=day)
