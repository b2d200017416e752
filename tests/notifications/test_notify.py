"""`notify`: one notification per person per event, never to the actor or an inactive user,
e-mailed at once to those who want each notification, and following a tiltag."""

import pytest
from django.core import mail

from notifications.models import EmailChoice, Notification, NotificationKind
from notifications.services import (
    follow,
    followers_of,
    is_following,
    notify,
    preference_set,
    unfollow,
)
from tests.factories import UserFactory
from tracks.services import initiative_update_status


@pytest.fixture(autouse=True)
def _eager_celery():
    """The e-mail task runs in-process, as with no broker (`make run`), even where CI configures
    Redis: these tests read what was sent."""
    from omstilling.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


def _notify(recipients, initiative, *, key="test:1", actor=None, text=""):
    return notify(
        recipients,
        NotificationKind.UPDATE_REQUESTED,
        target=initiative,
        actor=actor,
        text=text,
        event_key=key,
    )


def test_it_notifies_each_recipient_once_per_event(initiative, owner, leader):
    first = _notify([owner, leader], initiative)
    again = _notify([owner, leader, owner], initiative)
    assert len(first) == 2
    assert again == []
    assert Notification.objects.count() == 2
    n = Notification.objects.get(recipient=owner)
    assert n.url == f"/plan/tiltag/{initiative.pk}/"
    assert n.title == initiative.title
    assert n.target == initiative
    assert n.read_at is None


def test_it_notifies_a_new_event_again(initiative, owner):
    _notify([owner], initiative, key="a")
    _notify([owner], initiative, key="b")
    assert Notification.objects.filter(recipient=owner).count() == 2


def test_it_never_notifies_the_actor_or_an_inactive_user(initiative, owner, chef):
    gone = UserFactory(is_active=False)
    assert len(_notify([owner, gone, chef], initiative, actor=chef)) == 1
    assert list(Notification.objects.values_list("recipient", flat=True)) == [owner.pk]


def test_it_refuses_an_unknown_kind_and_a_link_off_the_portal(initiative, owner):
    with pytest.raises(ValueError):
        notify([owner], "nonsense", target=initiative, event_key="x")
    with pytest.raises(ValueError):
        notify(
            [owner],
            NotificationKind.MENTION,
            target=initiative,
            event_key="y",
            url="https://evil.example/",
        )
    assert not Notification.objects.exists()


def test_it_emails_each_notification_on_commit_to_those_who_want_it(
    initiative, owner, leader, chef, django_capture_on_commit_callbacks
):
    preference_set(user=leader, email=EmailChoice.DIGEST)
    preference_set(user=chef, email=EmailChoice.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([owner, leader, chef], initiative, text="Opdatér venligst")
    assert [m.to for m in mail.outbox] == [[owner.email]]
    message = mail.outbox[0]
    assert initiative.title in message.subject
    assert "Opdatér venligst" in message.body
    assert f"/plan/tiltag/{initiative.pk}/" in message.body
    assert Notification.objects.get(recipient=owner).emailed_at is not None
    assert Notification.objects.get(recipient=leader).emailed_at is None


def test_it_is_not_mailed_again_when_notified_again(
    initiative, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _notify([owner], initiative)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([owner], initiative)
    assert len(mail.outbox) == 1


def test_it_follows_and_unfollows(initiative, owner, leader):
    follow(user=owner, target=initiative)
    follow(user=owner, target=initiative)
    assert is_following(user=owner, target=initiative)
    assert not is_following(user=leader, target=initiative)
    assert followers_of(initiative) == [owner]
    unfollow(user=owner, target=initiative)
    assert followers_of(initiative) == []


def test_it_notifies_followers_of_a_status_update_but_not_its_author(
    initiative, owner, leader, chef
):
    follow(user=leader, target=initiative)
    follow(user=owner, target=initiative)
    update = initiative_update_status(
        initiative=initiative,
        by=owner,
        state="i_gang",
        health="gul",
        progress=40,
        narrative="Forsinket rekruttering",
        expected_version=0,
    )
    notifications = list(Notification.objects.all())
    assert [n.recipient for n in notifications] == [leader]
    n = notifications[0]
    assert n.kind == NotificationKind.FOLLOWED_CHANGE
    assert n.event_key == f"status-published:{update.pk}"
    assert n.actor == owner
    assert "40 %" in n.text
