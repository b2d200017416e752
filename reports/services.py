"""Writes of the reports app: asking for a report, compiling it, and the reminder e-mails.

A report is asked for (`report_request`) in one transaction that creates its row; the compile
task is sent when that transaction commits, and fills the row in once (`report_compile`). The
unique constraint on (kind, period, version) makes asking twice, from two workers at once or
from a retried task, come back with the same report.

A report that cannot be compiled is marked failed by `report_fail` and nothing else: from the
task (an error, a time limit), when it cannot be queued, and when it has been pending so long
that its task must be lost (`report_fail_if_stale`, `reports_fail_stale`). Each attempt claims
the row by compare-and-swap and counts itself in `attempts`; finishing and failing compare that
count, so a late run of an earlier attempt changes nothing once a later one has begun.
"""

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omstilling.models import Plan, User
from reports.models import PENDING_STATES, ReminderSent, Report, ReportKind, ReportState
from reports.pdf import render_report
from reports.periods import Period, parse_period
from reports.reminders import Reminders, reminders_by_user
from reports.schedule import (
    is_first_working_day_of_month,
    is_first_working_day_of_quarter,
    previous_month,
    previous_quarter,
)
from reports.snapshot import build_snapshot

logger = logging.getLogger(__name__)

MAX_REASON = 2000


class ReportError(Exception):
    """A report that cannot be compiled for a reason people can act on (said in Danish)."""


# --- asking for a report -------------------------------------------------------------------------


def _enqueue(report_id: int) -> None:
    """Send the compile task. Runs after the commit that created the row: a worker never looks
    for a row that is not there yet. With no broker the task runs here, in-process."""
    from reports.tasks import compile_report

    try:
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


# --- compiling ------------------------------------------------------------------------------------


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
    report.refresh_from_db()
    logger.info("Rapport %s udarbejdet: %s sider, sha256 %s", report.pk, rendered.pages, checksum)
    return report


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


# --- reminders ------------------------------------------------------------------------------------


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def reminder_message(reminders: Reminders, *, today: dt.date) -> tuple[str, str]:
    """The Danish subject and text of one person's reminder e-mail, with absolute links."""
    for milestone in reminders.overdue + reminders.due_soon:
        milestone.link = _site_url(
            reverse("tracks:initiative_detail", args=[milestone.initiative_id])
        )
    for initiative in reminders.without_status:
        initiative.link = _site_url(reverse("tracks:initiative_detail", args=[initiative.pk]))
    context = {
        "r": reminders,
        "today": today,
        "page_url": _site_url(reverse("archive:reminders")),
        "milestones_url": _site_url(reverse("tracks:my_milestones")),
    }
    with translation.override("da"):
        subject = render_to_string("reports/email/reminder_subject.txt", context)
        body = render_to_string("reports/email/reminder.txt", context)
    return " ".join(subject.split()), body


def reminders_send(*, today: dt.date) -> int:
    """E-mail each person their reminders for `today`: at most one e-mail per person per day,
    however often this runs (ReminderSent's constraint), none to people with nothing due or no
    address. If sending fails, the person's row is rolled back and the next run tries again.
    Returns the number of e-mails sent."""
    sent = 0
    for reminders in reminders_by_user(today=today).values():
        user = reminders.user
        if reminders.is_empty or not user.email:
            continue
        with transaction.atomic():
            _row, created = ReminderSent.objects.get_or_create(
                user=user,
                date=today,
                defaults={
                    "milestones": reminders.milestone_count,
                    "initiatives": len(reminders.without_status),
                },
            )
            if not created:
                continue
            subject, body = reminder_message(reminders, today=today)
            send_mail(subject, body, None, [user.email])
        sent += 1
    return sent
