"""Writes of notifications: `notify` (the one way anything is notified), reading, the e-mail
preference and following. The e-mails themselves are sent by the tasks in `tasks.py`."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import (
    EmailChoice,
    Follow,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from omstilling.bounds import NOTE_LENGTH, TITLE_LENGTH
from omstilling.models import User


def _target_url(target: models.Model, url: str | None) -> str:
    url = url or (target.get_absolute_url() if hasattr(target, "get_absolute_url") else "")
    # Only the portal's own paths: a notification never links elsewhere.
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError(f"a notification links to a path of the portal, not {url!r}")
    return url


def email_choice_of(user: User) -> str:
    preference = getattr(user, "notification_preference", None)
    return preference.email if preference else EmailChoice.EACH


@transaction.atomic
def notify(
    recipients: Iterable[User],
    kind: str,
    *,
    target: models.Model,
    event_key: str,
    actor: User | None = None,
    text: str = "",
    url: str | None = None,
    title: str | None = None,
) -> list[Notification]:
    """Notify `recipients` that `kind` happened to `target` (a model instance; its address is
    `url` or its `get_absolute_url()`, its title `title` or its `str()`).

    `event_key` names the event (e.g. "status-approved:123"): a person is notified of one event
    once, however often this is called. The actor is not notified of their own act, nor an
    inactive user. Those who want each notification by e-mail get one, sent by Celery once
    the transaction commits. The caller decides who may know of the thing: notify only people
    who may read it. Returns the notifications made now."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    ids = {user.pk for user in recipients if user is not None} - {getattr(actor, "pk", None)}
    if not ids:
        return []
    already = set(
        Notification.objects.filter(recipient__in=ids, event_key=event_key).values_list(
            "recipient_id", flat=True
        )
    )
    users = list(
        User.objects.filter(pk__in=ids - already, is_active=True).select_related(
            "notification_preference"
        )
    )
    if not users:
        return []
    now = timezone.now()
    common = {
        "kind": kind,
        "actor": actor,
        "target_type": ContentType.objects.get_for_model(target),
        "target_id": target.pk,
        "url": _target_url(target, url),
        "title": (title or str(target))[:TITLE_LENGTH],
        "text": text.strip()[:NOTE_LENGTH],
        "event_key": event_key,
        "created_at": now,
    }
    # A concurrent call for the same event may have made some rows since: they are skipped.
    Notification.objects.bulk_create(
        [Notification(recipient=user, **common) for user in users], ignore_conflicts=True
    )
    made = list(
        Notification.objects.filter(
            recipient__in=[user.pk for user in users], event_key=event_key, created_at=now
        )
    )
    by_pk = {user.pk: user for user in users}
    from notifications.tasks import send_notification_email

    for notification in made:
        user = by_pk[notification.recipient_id]
        if user.email and email_choice_of(user) == EmailChoice.EACH:
            send_notification_email.delay_on_commit(notification.pk)
    return made


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preference_set(*, user: User, email: str) -> NotificationPreference:
    if email not in EmailChoice.values:
        raise ValidationError({"email": _("Vælg, hvordan du vil have notifikationer på e-mail.")})
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email": email}
    )
    return preference


def _target_filter(target: models.Model) -> dict:
    return {"target_type": ContentType.objects.get_for_model(target), "target_id": target.pk}


def follow(*, user: User, target: models.Model) -> Follow:
    """`user` follows `target`. The caller checks that the user may read it."""
    row, _created = Follow.objects.get_or_create(user=user, **_target_filter(target))
    return row


def unfollow(*, user: User, target: models.Model) -> None:
    Follow.objects.filter(user=user, **_target_filter(target)).delete()


def is_following(*, user: User, target: models.Model) -> bool:
    return Follow.objects.filter(user=user, **_target_filter(target)).exists()


def followers_of(target: models.Model) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            follows__target_type=ContentType.objects.get_for_model(target),
            follows__target_id=target.pk,
        )
    )


def notify_followers(
    *, target: models.Model, event_key: str, actor: User | None = None, text: str = ""
) -> list[Notification]:
    """Tell the followers of `target` that it changed."""
    return notify(
        followers_of(target),
        NotificationKind.FOLLOWED_CHANGE,
        target=target,
        actor=actor,
        text=text,
        event_key=event_key,
    )
