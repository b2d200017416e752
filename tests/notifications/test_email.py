"""The e-mails: retried when sending fails, never sent twice for the same notification, and
the daily digest once per new batch."""

import smtplib
from unittest import mock

import pytest
from django.core import mail

from notifications import tasks
from notifications.models import EmailChoice, NotificationKind
from notifications.services import notify, preference_set


def _make(initiative, user, key="e:1"):
    return notify(
        [user], NotificationKind.APPROVED, target=initiative, event_key=key, text="Godkendt"
    )[0]


def test_it_sends_once_however_often_the_task_runs(initiative, owner):
    n = _make(initiative, owner)
    assert tasks.send_notification_email(n.pk) is True
    assert tasks.send_notification_email(n.pk) is False
    assert len(mail.outbox) == 1


@pytest.fixture
def retries_in_process():
    """Eager retries run inside `apply` only when failures are not raised to the caller."""
    conf = tasks.send_notification_email.app.conf
    previous = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = previous


@pytest.mark.usefixtures("retries_in_process")
def test_it_retries_when_the_mail_server_fails(initiative, owner):
    n = _make(initiative, owner)
    real = mail.send_mail
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("down")
        return real(*args, **kwargs)

    with mock.patch.object(tasks, "send_mail", flaky):
        tasks.send_notification_email.apply(args=[n.pk])
    assert len(calls) == 2
    assert len(mail.outbox) == 1
    n.refresh_from_db()
    assert n.emailed_at is not None


@pytest.mark.usefixtures("retries_in_process")
def test_it_leaves_the_notification_unsent_when_every_try_fails(initiative, owner):
    n = _make(initiative, owner)
    failing = mock.Mock(side_effect=smtplib.SMTPServerDisconnected("down"))
    with mock.patch.object(tasks, "send_mail", failing):
        result = tasks.send_notification_email.apply(args=[n.pk])
    assert result.failed()
    assert failing.call_count == tasks.MAX_RETRIES + 1
    n.refresh_from_db()
    assert n.emailed_at is None


def test_the_task_retries_on_mail_errors_with_a_bound():
    task = tasks.send_notification_email
    assert task.max_retries == tasks.MAX_RETRIES
    assert smtplib.SMTPException in task.autoretry_for


def test_the_digest_goes_once_to_those_who_chose_it(initiative, owner, leader, chef):
    preference_set(user=owner, email=EmailChoice.DIGEST)
    preference_set(user=chef, email=EmailChoice.NONE)
    for i in range(3):
        notify(
            [owner, chef, leader],
            NotificationKind.ROUND_OPENED,
            target=initiative,
            event_key=f"d:{i}",
        )
    # the leader wants each e-mail (sent on commit, one by one): not in a digest
    assert tasks.send_notification_digests() == 1
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "3 nye notifikationer" in mail.outbox[0].subject
    assert mail.outbox[0].body.count(f"/plan/tiltag/{initiative.pk}/") == 3

    assert tasks.send_notification_digests() == 0
    assert len(mail.outbox) == 1


def test_the_digest_is_in_the_beat_schedule(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "notifications.tasks.send_notification_digests" in tasks_scheduled
