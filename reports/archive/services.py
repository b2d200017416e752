"""Asking for a report: by a person (`report_request`, `report_retry`) or by the schedule
(`reports_request_scheduled`, run by the beat task `request_scheduled_reports` beside it).

A report is asked for in one transaction that creates its row; the compile task
(`reports.archive.compiler`) is sent when that transaction commits, and fills the row in once.
The unique constraint on (kind, period, version) makes asking twice, from two workers at once or
from a retried task, come back with the same report. A report that cannot be queued is failed
through `report_fail` (`reports.archive.failure`), the one failure path.
"""

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from omstilling.cache import Family, bump
from omstilling.models import User
from reports.archive.background import run_in_background
from reports.archive.compiler import compile_report
from reports.archive.failure import ReportError, describe_error, report_fail, report_fail_if_stale
from reports.archive.periods import Period, parse_period
from reports.archive.schedule import (
    is_first_working_day_of_month,
    is_first_working_day_of_quarter,
    previous_month,
    previous_quarter,
)
from reports.models import Report, ReportKind, ReportState

logger = logging.getLogger(__name__)


def _enqueue(report_id: int) -> None:
    """Send the compile task. Runs after the commit that created the row: a worker never looks
    for a row that is not there yet. With no broker the task runs in the reports app's
    background thread (`reports.archive.background`), so the request never waits for the PDF."""
    try:
        if settings.REPORT_COMPILE_IN_THREAD:
            run_in_background(compile_report, report_id)
        else:
            compile_report.delay(report_id)
    except Exception as exc:  # noqa: BLE001 - the report says why instead of staying "i kø"
        logger.exception("Rapport %s: kunne ikke sættes i kø eller fejlede", report_id)
        report_fail(
            report_id=report_id,
            reason=_("Kunne ikke sættes i kø: %(error)s") % {"error": describe_error(exc)},
        )


def _new_row(period: Period, version: int, by: User | None) -> Report:
    return Report(
        kind=period.kind,
        period=period.code,
        period_label=period.label,
        period_start=period.first_day,
        version=version,
        requested_by=by,
    )


def _next_version(period: Period, by: User | None) -> Report:
    """A new version of the period. Two people issuing one at the same moment both get one: the
    constraint turns the loser's insert into an IntegrityError and it takes the next number."""
    for _attempt in range(5):
        latest = Report.objects.filter(kind=period.kind, period=period.code).aggregate(
            n=Max("version")
        )["n"]
        report = _new_row(period, (latest or 0) + 1, by)
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            continue
        return report
    raise ReportError(_("Kunne ikke oprette en ny version; prøv igen."))


@transaction.atomic
def report_request(
    *, kind: str, period: str, by: User | None = None, new_version: bool = False
) -> Report:
    """The report of `kind` for `period` ("2026-K3", "2026-11"), created and sent to be compiled
    if there is none; otherwise the newest existing version, untouched. `by` is the person who
    asked (None: the schedule). `new_version` issues the next version and keeps the old ones;
    it is refused while a version of the period is still being compiled.
    """
    spec = parse_period(kind, period)
    latest = Report.objects.filter(kind=spec.kind, period=spec.code).order_by("-version").first()
    if new_version:
        if latest is not None and latest.is_pending and not report_fail_if_stale(report=latest):
            raise ValidationError(
                _("%(report)s er allerede ved at blive udarbejdet.") % {"report": latest}
            )
        report = _next_version(spec, by)
    elif latest is not None:
        return latest
    else:
        # Not check-then-insert: two requests that both found nothing race on the constraint,
        # and get_or_create hands the loser the winner's row.
        report, created = Report.objects.get_or_create(
            kind=spec.kind,
            period=spec.code,
            version=1,
            defaults={
                "period_label": spec.label,
                "period_start": spec.first_day,
                "requested_by": by,
            },
        )
        if not created:
            return report
    transaction.on_commit(lambda: _enqueue(report.pk))
    return report


@transaction.atomic
def report_retry(*, report: Report, by: User) -> Report:
    """Compile a failed report again (same version: a failed report was never issued). A report
    that has been pending too long is failed first, so it can be retried at once. The new
    attempt's clock starts now (`started_at`), so the stale-report sweep leaves it alone."""
    report_fail_if_stale(report=report)
    updated = Report.objects.filter(pk=report.pk, state=ReportState.FEJLET).update(
        state=ReportState.I_KOE, failure_reason="", finished_at=None, started_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("Kun en rapport, der er fejlet, kan udarbejdes igen."))
    bump(Family.REPORTS)  # update() sends no signal; the archive shows the state
    logger.info("Rapport %s: udarbejdes igen efter fejl, bedt om af %s", report.pk, by)
    transaction.on_commit(lambda: _enqueue(report.pk))
    report.refresh_from_db()
    return report


def reports_request_scheduled(*, today: dt.date) -> list[Report]:
    """What Celery beat asks for each weekday morning: on the first Danish working day of a
    quarter the quarterly report for the quarter just ended, and on the first working day of a
    month the monthly report for the month just ended. Any other day: nothing."""
    reports = []
    if is_first_working_day_of_quarter(today):
        quarter = previous_quarter(today)
        reports.append(report_request(kind=ReportKind.KVARTALSRAPPORT, period=quarter.danish_code))
    if is_first_working_day_of_month(today):
        year, month = previous_month(today)
        reports.append(report_request(kind=ReportKind.MAANEDSRAPPORT, period=f"{year}-{month:02d}"))
    return reports


@shared_task(name="reports.tasks.request_scheduled_reports", acks_late=True)
def request_scheduled_reports(today: str | None = None) -> list[int]:
    """Ask for the reports due today (see `reports_request_scheduled`). Beat passes no
    argument; `today` ("2027-01-04") re-runs a day that was missed. Running twice asks for
    nothing new."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return [report.pk for report in reports_request_scheduled(today=day)]
