"""E-mail of notifications: one each as it happens (`send_notification_email`, sent on commit
by `notify`) or a daily digest (`send_notification_digests`, Celery beat). Each notification is
e-mailed at most once: its row is locked while it is sent and marked `emailed_at` in the same
transaction, so a retry or a second worker finds it sent."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from notifications.models import EmailChoice, Notification
from omstilling.models import User

# Sending can fail for a while (the mail server is down, the network): try again, a little
# later each time (at most 10 minutes apart), then give up; the notification stays in the portal.
EMAIL_ERRORS = (smtplib.SMTPException, OSError)
MAX_RETRIES = 6
# At most this many notifications in one digest (the rest are named by their count).
DIGEST_LIMIT = 50


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _render(template: str, context: dict) -> tuple[str, str]:
    context = {**context, "list_url": _site_url(reverse("notifications:list"))}
    with translation.override("da"):
        subject = render_to_string(f"notifications/email/{template}_subject.txt", context)
        body = render_to_string(f"notifications/email/{template}.txt", context)
    return " ".join(subject.split()), body


@shared_task(
    name="notifications.tasks.send_notification_email",
    acks_late=True,
    autoretry_for=EMAIL_ERRORS,
    max_retries=MAX_RETRIES,
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
)
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification unless it was e-mailed already. True if it was sent now."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "actor")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.recipient.email:
            return False
        notification.link = _site_url(notification.url)
        subject, body = _render("notification", {"n": notification})
        # Raises on failure: the transaction rolls back, emailed_at stays empty, Celery retries.
        send_mail(subject, body, None, [notification.recipient.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def digest_send(*, user: User) -> int:
    """E-mail `user` one digest of their notifications not yet e-mailed; returns how many it
    held (0: none sent). Running it twice sends nothing the second time."""
    with transaction.atomic():
        pending = Notification.objects.select_for_update().filter(
            recipient=user, emailed_at__isnull=True
        )
        notifications = list(pending.order_by("created_at", "pk")[:DIGEST_LIMIT])
        if not notifications or not user.email:
            return 0
        total = pending.count()
        for notification in notifications:
            notification.link = _site_url(notification.url)
        subject, body = _render(
            "digest", {"notifications": notifications, "total": total, "user": user}
        )
        send_mail(subject, body, None, [user.email])
        Notification.objects.filter(recipient=user, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
    return total


@shared_task(
    name="notifications.tasks.send_notification_digests",
    acks_late=True,
    autoretry_for=EMAIL_ERRORS,
    max_retries=MAX_RETRIES,
    retry_backoff=60,
    retry_backoff_max=600,
)
def send_notification_digests() -> int:
    """Celery beat, daily: a digest to each person who chose one and has something new.
    Whoever was sent theirs before a failure is not sent it again on the retry."""
    users = User.objects.filter(
        is_active=True,
        notification_preference__email=EmailChoice.DIGEST,
        notifications__emailed_at__isnull=True,
    ).distinct()
    return sum(1 for user in users if digest_send(user=user))
