"""The reminder e-mails: `reminders_send` e-mails each person what "Mine påmindelser" shows
them, and `send_reminders`, the Celery beat task beside it, runs it each weekday morning."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from reports.archive.schedule import is_working_day
from reports.models import ReminderSent
from reports.reminders.selectors import Reminders, reminders_by_user


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


@shared_task(name="reports.tasks.send_reminders", acks_late=True)
def send_reminders(today: str | None = None) -> int:
    """E-mail today's reminders: at most one e-mail per person per day however often it runs.
    Beat wakes it on weekdays; on a Danish public holiday it sends nothing."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    if not is_working_day(day):
        return 0
    return reminders_send(today=day)
