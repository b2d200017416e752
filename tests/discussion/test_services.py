"""Comments: written, edited within the window with the history kept, marked for the committee,
withdrawn (never deleted); @mentions recorded and notified once."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from discussion.models import Comment, CommentRevision, Mention
from discussion.services import (
    CommentConflict,
    comment_create,
    comment_edit,
    comment_mark_for_committee,
    comment_withdraw,
    mentioned_names,
)
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_it_finds_the_mentioned_names():
    text = "Hej @ejer og @leder. Spørg @ejer, ikke mail@example.dk eller @."
    assert mentioned_names(text) == ["ejer", "leder"]


def test_a_comment_and_its_first_revision(owner, initiative):
    comment = comment_create(target=initiative, by=owner, text="  Vi er i gang.  ")

    assert comment.text == "Vi er i gang." and comment.version == 1
    revision = CommentRevision.objects.get(comment=comment)
    assert (revision.kind, revision.text, revision.by) == ("skrevet", "Vi er i gang.", owner)


def test_a_comment_on_a_milestone(leader, local_milestone):
    comment = comment_create(target=local_milestone, by=leader, text="Afholdt i går.")
    assert (
        comment.milestone == local_milestone
        and comment.plan_id == local_milestone.initiative.plan_id
    )


@pytest.mark.parametrize(
    "text", ["", "   ", "x" * 2001, "Barnet 010190-1234", "Barnet 0101901234", "01.01.90-1234"]
)
def test_it_refuses_empty_huge_and_cpr(owner, initiative, text):
    with pytest.raises(ValidationError) as exc:
        comment_create(target=initiative, by=owner, text=text)
    assert "text" in exc.value.error_dict
    assert not Comment.objects.exists()


def test_bfu_never_writes_and_only_chefgruppen_marks(bfu, owner, initiative):
    with pytest.raises(ValidationError):
        comment_create(target=initiative, by=bfu, text="Et spørgsmål")
    with pytest.raises(ValidationError):
        comment_create(target=initiative, by=owner, text="Til udvalget", for_committee=True)
    assert not Comment.objects.exists()


def test_mentions_are_notified_once_and_only_to_those_who_may_read(
    owner, leader, bfu, chef, initiative
):
    comment = comment_create(
        target=initiative, by=owner, text=f"@{leader.username} og @{bfu.username}: se her"
    )

    assert list(Mention.objects.values_list("user__username", flat=True)) == [leader.username]
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (leader, "mention")
    assert notification.url.endswith(f"#kommentar-{comment.pk}")

    comment_edit(
        comment=comment,
        by=owner,
        text=f"@{leader.username} og @{chef.username}: se her",
        expected_version=1,
    )
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == sorted(
        [leader.username, chef.username]
    )


def test_a_comment_for_the_committee_may_mention_bfu(chef, bfu, initiative):
    comment_create(
        target=initiative, by=chef, text=f"@{bfu.username} til orientering", for_committee=True
    )
    assert Notification.objects.get().recipient == bfu


def test_the_author_edits_within_the_window_and_the_history_keeps_both(
    owner, initiative, clock, settings
):
    settings.COMMENT_EDIT_MINUTES = 15
    comment = comment_create(target=initiative, by=owner, text="Første udgave")
    clock.shift(dt.timedelta(minutes=14))

    comment_edit(comment=comment, by=owner, text="Rettet udgave", expected_version=1)

    comment.refresh_from_db()
    assert comment.text == "Rettet udgave" and comment.version == 2
    assert list(comment.revisions.values_list("kind", "text")) == [
        ("skrevet", "Første udgave"),
        ("redigeret", "Rettet udgave"),
    ]
    clock.shift(dt.timedelta(minutes=2))
    with pytest.raises(ValidationError):
        comment_edit(comment=comment, by=owner, text="For sent", expected_version=2)


def test_only_the_author_edits(owner, chef, initiative):
    comment = comment_create(target=initiative, by=owner, text="Min tekst")
    with pytest.raises(ValidationError):
        comment_edit(comment=comment, by=chef, text="Chefens tekst", expected_version=1)


def test_a_stale_version_is_a_conflict(owner, initiative):
    comment = comment_create(target=initiative, by=owner, text="Min tekst")
    comment_edit(comment=comment, by=owner, text="Anden tekst", expected_version=1)
    with pytest.raises(CommentConflict):
        comment_edit(comment=comment, by=owner, text="Tredje tekst", expected_version=1)


def test_withdrawal_leaves_the_comment_and_its_history(owner, chef, initiative):
    comment = comment_create(target=initiative, by=owner, text="Trækkes tilbage")

    comment_withdraw(comment=comment, by=chef, expected_version=1)

    comment.refresh_from_db()
    assert comment.is_withdrawn and comment.text == "Trækkes tilbage"
    assert list(comment.revisions.values_list("kind", flat=True)) == ["skrevet", "trukket"]
    with pytest.raises(ValidationError):
        comment_edit(comment=comment, by=owner, text="Igen", expected_version=2)


def test_another_user_cannot_withdraw(owner, leader, initiative):
    comment = comment_create(target=initiative, by=owner, text="Min")
    with pytest.raises(ValidationError):
        comment_withdraw(comment=comment, by=leader, expected_version=1)


def test_chefgruppen_marks_and_unmarks_for_the_committee(owner, chef, initiative):
    comment = comment_create(target=initiative, by=owner, text="Relevant for udvalget")

    comment_mark_for_committee(comment=comment, by=chef, for_committee=True, expected_version=1)
    comment_mark_for_committee(comment=comment, by=chef, for_committee=False, expected_version=2)

    assert list(comment.revisions.values_list("kind", "for_committee")) == [
        ("skrevet", False),
        ("markeret", True),
        ("afmarkeret", False),
    ]
    with pytest.raises(ValidationError):
        comment_mark_for_committee(
            comment=comment, by=owner, for_committee=True, expected_version=3
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL")
def test_the_database_keeps_comments_their_history_and_mentions(owner, leader, initiative):
    comment = comment_create(target=initiative, by=owner, text=f"@{leader.username} hej")

    def raw_delete():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM discussion_comment WHERE id = %s", [comment.pk])

    for action in (
        raw_delete,
        lambda: CommentRevision.objects.filter(comment=comment).update(text="omskrevet"),
        lambda: CommentRevision.objects.filter(comment=comment).delete(),
        lambda: Mention.objects.filter(comment=comment).delete(),
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            action()
    assert Comment.objects.filter(pk=comment.pk).exists()
