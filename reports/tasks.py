"""Celery tasks for reports: adapters that take ids, load rows and call the services.

- `compile_report(report_id)`: sent when a report is requested. Acknowledged only when done
  (`acks_late`, and redelivered if the worker dies), retried with backoff when the database
  connection fails; when it fails for good the report is marked "fejlet" with the reason.
- `request_scheduled_reports()`: Celery beat, every weekday at 06:00 Europe/Copenhagen.
- `send_reminders()`: Celery beat, every weekday morning.

With no broker configured the tasks run in-process (CELERY_TASK_ALWAYS_EAGER).
"""

import datetime as dt
import logging

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import Report
from reports.schedule import is_working_day
from reports.services import (
    describe_error,
    reminders_send,
    report_compile,
    report_fail,
    reports_request_scheduled,
)

logger = logging.getLogger(__name__)

# A lost or restarted database connection is worth retrying; any other error is not.
RETRY_ON = (OperationalError, InterfaceError)
MAX_RETRIES = 5


def _mark_failed(report_id: int, reason: str) -> None:
    try:
        report_fail(report_id=report_id, reason=reason)
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
        """A safety net for failures the task body never sees (a hard time limit): the report
        does not stay "udarbejdes" for ever. A report already marked stays as it is."""
        report_id = args[0] if args else kwargs.get("report_id")
        _mark_failed(report_id, describe_error(exc))


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
)
def compile_report(self, report_id: int) -> int | None:
    """Compile the report `report_id`. Idempotent: a finished report is left as it is.

    A lost database connection is retried (5, 10, 20 … seconds, at most MAX_RETRIES times);
    on the last attempt, and at once for any other error, the report is marked "fejlet" with
    the reason before the error is raised for Celery to record.
    """
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        logger.warning("Rapport %s findes ikke; intet at udarbejde", report_id)
        return None
    try:
        report_compile(report=report)
    except RETRY_ON as exc:
        if _is_last_attempt(self):
            reason = _("Databasen svarede ikke efter %(count)s forsøg: %(error)s") % {
                "count": self.request.retries + 1,
                "error": describe_error(exc),
            }
            _mark_failed(report_id, reason)
        raise
    except Exception as exc:
        _mark_failed(report_id, describe_error(exc))
        raise
    return report_id


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
