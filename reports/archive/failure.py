"""How a report fails: `report_fail` is the one place a report becomes "fejlet", whoever
finds it broken: its task (an error, a time limit), the request that could not queue it, and the
stale-report sweep for reports whose task was lost (`report_fail_if_stale`, `reports_fail_stale`,
run by the beat task `fail_stale_reports` beside it). Each attempt claims the row by
compare-and-swap and counts itself in `attempts`; failing compares that count, so a late run of
an earlier attempt changes nothing once a later one has begun.
"""

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omstilling.cache import Family, bump
from reports.models import PENDING_STATES, Report, ReportState

logger = logging.getLogger(__name__)

MAX_REASON = 2000


class ReportError(Exception):
    """A report that cannot be compiled for a reason people can act on (said in Danish)."""


def describe_error(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@transaction.atomic
def report_fail(
    *,
    report_id: int,
    reason: str,
    attempt: int | None = None,
    began_before: dt.datetime | None = None,
) -> bool:
    """Mark a pending report as failed with the reason chefgruppen sees in the archive, where
    "Prøv igen" then compiles it again. The one place a report becomes "fejlet". A report that
    finished meanwhile stays finished. `attempt`: only if the report is still at that attempt (a
    run's failure never fails a later run). `began_before`: only if its attempt began before that
    moment (the sweep never fails a report retried meanwhile). True if the report was marked."""
    reports = Report.objects.filter(pk=report_id, state__in=PENDING_STATES)
    if attempt is not None:
        reports = reports.filter(attempts=attempt)
    if began_before is not None:
        reports = reports.filter(_began_before(began_before))
    failed = reports.update(
        state=ReportState.FEJLET, failure_reason=reason[:MAX_REASON], finished_at=timezone.now()
    )
    if failed:
        bump(Family.REPORTS)  # update() sends no signal; the archive shows the state
        logger.warning("Rapport %s fejlede: %s", report_id, reason)
    return bool(failed)


# --- reports whose task was lost ------------------------------------------------------------------


def _began_before(moment: dt.datetime) -> Q:
    """Reports whose current attempt began before `moment`: taken by a worker (`started_at`), or
    asked for again after a failure (`report_retry` sets `started_at`), or else asked for."""
    return Q(started_at__lt=moment) | Q(started_at__isnull=True, created_at__lt=moment)


def _stale_before(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=settings.REPORT_STALE_AFTER)


def describe_duration(seconds: int) -> str:
    """ "5 minutter", "90 sekunder": a time limit as chefgruppen reads it."""
    if seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("%(count)d minut", "%(count)d minutter", minutes) % {"count": minutes}
    return ngettext("%(count)d sekund", "%(count)d sekunder", seconds) % {"count": seconds}


def stale_reason() -> str:
    return _(
        "Rapporten tog for lang tid at udarbejde: den var ikke færdig efter %(duration)s, og "
        "arbejdet med den er sandsynligvis gået tabt (fx ved en genstart af serveren). Vælg "
        "“Prøv igen”."
    ) % {"duration": describe_duration(settings.REPORT_STALE_AFTER)}


def report_is_stale(*, report: Report, now: dt.datetime | None = None) -> bool:
    """Has `report` been "i kø" or "udarbejdes" for longer than REPORT_STALE_AFTER (the hard
    time limit, the broker's redelivery and a margin)? Then its task is lost. Reads only the
    row in hand."""
    cutoff = _stale_before(now or timezone.now())
    return report.is_pending and (report.started_at or report.created_at) < cutoff


def report_fail_if_stale(*, report: Report, now: dt.datetime | None = None) -> bool:
    """Fail `report` if it is stale (`report_is_stale`): its task is lost. Called when the
    report is asked for again (a new version, a retry) and by the beat job; `report` is
    refreshed when it is marked. A report that is not stale costs no query."""
    now = now or timezone.now()
    if not report_is_stale(report=report, now=now):
        return False
    cutoff = _stale_before(now)
    failed = report_fail(
        report_id=report.pk, reason=stale_reason(), attempt=report.attempts, began_before=cutoff
    )
    report.refresh_from_db()
    return failed


def reports_fail_stale(*, now: dt.datetime | None = None) -> list[int]:
    """The beat job's sweep: fail every report pending for longer than REPORT_STALE_AFTER, also
    those nobody looks at. Returns their ids."""
    cutoff = _stale_before(now or timezone.now())
    stale = Report.objects.filter(_began_before(cutoff), state__in=PENDING_STATES)
    return [report.pk for report in stale if report_fail_if_stale(report=report, now=now)]


@shared_task(name="reports.tasks.fail_stale_reports", acks_late=True)
def fail_stale_reports() -> list[int]:
    """Fail the reports left "i kø" or "udarbejdes" longer than REPORT_STALE_AFTER (a worker
    died and the task was not handed on), also those nobody opens the archive for."""
    return reports_fail_stale()
