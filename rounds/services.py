"""Writes of update rounds: open, ask an owner for an update, close (and compile the quarterly
report), and the reminders before and after the deadline."""

import datetime as dt

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from notifications.models import NotificationKind
from notifications.services import notify
from omstilling.models import Plan, User
from omstilling.quarters import Quarter
from reports.archive.periods import QUARTERLY
from reports.archive.schedule import is_working_day
from reports.archive.services import report_request
from rounds.models import RoundItem, UpdateRound
from rounds.selectors import ItemState, owners_of, reminder_day, round_items, with_states
from tracks.models import Initiative


def _tasks_url() -> str:
    return reverse("rounds:my_tasks")


@transaction.atomic
def round_open(
    *,
    plan: Plan,
    by: User,
    quarter: Quarter,
    deadline: dt.date,
    initiatives: list[Initiative],
    today: dt.date | None = None,
) -> UpdateRound:
    """Open a round for `quarter`: the owners of `initiatives` are asked to update their status
    by `deadline` (a Danish working day, not in the past) and are notified (and e-mailed)."""
    today = today or timezone.localdate()
    Plan.objects.check_writable(plan.pk)
    errors = {}
    if not is_working_day(deadline):
        errors["deadline"] = _("Fristen skal være en hverdag (ikke en weekend eller helligdag).")
    elif deadline < today:
        errors["deadline"] = _("Fristen kan ikke ligge før i dag.")
    if not initiatives:
        errors["initiatives"] = _("Vælg mindst ét tiltag.")
    elif any(i.plan_id != plan.pk for i in initiatives):
        errors["initiatives"] = _("Vælg kun tiltag fra planen.")
    if errors:
        raise ValidationError(errors)
    if UpdateRound.objects.filter(plan=plan, closed_at__isnull=True).exists():
        raise ValidationError(_("Der er allerede en åben opdateringsrunde. Luk den først."))
    try:
        with transaction.atomic():
            round_ = UpdateRound.objects.create(
                plan=plan, period=quarter.first_day, deadline=deadline, opened_by=by
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"period": _("Der er allerede en opdateringsrunde for %s.") % quarter.label}
        ) from exc
    RoundItem.objects.bulk_create(RoundItem(round=round_, initiative=i) for i in initiatives)
    notify(
        owners_of([i.pk for i in initiatives]),
        NotificationKind.ROUND_OPENED,
        target=round_,
        url=_tasks_url(),
        actor=by,
        text=_("Opdatér status for dine tiltag senest %(date)s.")
        % {"date": date_format(deadline, "DATE_FORMAT")},
        event_key=f"round-opened:{round_.pk}",
    )
    return round_


def round_request_update(
    *, round_: UpdateRound, initiative: Initiative, by: User, today: dt.date | None = None
) -> int:
    """ "Bed om opdatering": notify the owners of one tiltag of the round (at most once a day).
    Returns how many were notified now."""
    today = today or timezone.localdate()
    if not round_.is_open:
        raise ValidationError(_("Runden er lukket."))
    if not RoundItem.objects.filter(round=round_, initiative=initiative).exists():
        raise ValidationError(_("Tiltaget er ikke med i runden."))
    made = notify(
        owners_of([initiative.pk]),
        NotificationKind.UPDATE_REQUESTED,
        target=initiative,
        actor=by,
        text=_("Chefgruppen beder om en statusopdatering senest %(date)s.")
        % {"date": date_format(round_.deadline, "DATE_FORMAT")},
        event_key=f"round-request:{round_.pk}:{initiative.pk}:{today.isoformat()}",
    )
    return len(made)


@transaction.atomic
def round_close(*, round_: UpdateRound, by: User):
    """Close the round and ask for the quarterly report of its quarter: it is compiled from
    the published status updates — the approved ones of the round, never a draft. If the
    schedule made the quarter's report already, that one stands (one report per period; a new
    version is issued in the archive)."""
    locked = UpdateRound.objects.select_for_update().get(pk=round_.pk)
    if not locked.is_open:
        raise ValidationError(_("Runden er allerede lukket."))
    report = report_request(kind=QUARTERLY, period=locked.quarter.danish_code, by=by)
    locked.closed_at = timezone.now()
    locked.closed_by = by
    locked.report = report
    locked.save(update_fields=["closed_at", "closed_by", "report"])
    for name in ("closed_at", "closed_by", "report"):
        setattr(round_, name, getattr(locked, name))
    return report


def round_reminders_send(*, today: dt.date) -> int:
    """The reminders of open rounds: on the reminder day (REMINDER_WORKING_DAYS working days
    before the deadline) up to the deadline, and after it, to the owners of tiltag not yet
    updated. Each person gets each reminder of a round once, however often this runs (the
    notification's event key). Returns the number of notifications made."""
    made = 0
    for round_ in UpdateRound.objects.filter(closed_at__isnull=True):
        if today > round_.deadline:
            kind, key = NotificationKind.ROUND_OVERDUE, f"round-overdue:{round_.pk}"
            text = _("Fristen %(date)s for opdateringsrunden er overskredet.")
        elif today >= reminder_day(round_.deadline):
            kind, key = NotificationKind.ROUND_DEADLINE, f"round-deadline:{round_.pk}"
            text = _("Husk at opdatere status for dine tiltag senest %(date)s.")
        else:
            continue
        missing = [
            item.initiative_id
            for item in with_states(round_items(round_))
            if item.state in (ItemState.MISSING, ItemState.SENT_BACK)
        ]
        if not missing:
            continue
        made += len(
            notify(
                owners_of(missing),
                kind,
                target=round_,
                url=_tasks_url(),
                text=text % {"date": date_format(round_.deadline, "DATE_FORMAT")},
                event_key=key,
            )
        )
    return made


@shared_task(name="rounds.tasks.send_round_reminders", acks_late=True)
def send_round_reminders(today: str | None = None) -> int:
    """Celery beat, weekday mornings: the rounds' reminders (none on a Danish public holiday)."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    if not is_working_day(day):
        return 0
    return round_reminders_send(today=day)
