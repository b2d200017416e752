"""Writing comments: a new one, an edit within the window, marking for the committee,
withdrawal. Each is a new CommentRevision; the comment row carries the latest state, guarded
by its version. Mentions (@brugernavn) are recorded and notified once per person and comment."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from discussion.access import (
    can_comment,
    can_edit_comment,
    can_mark_comment,
    can_withdraw_comment,
)
from discussion.models import Comment, CommentRevision, Mention, RevisionKind
from notifications.services import notify
from omstilling.models import Role, User

# @brugernavn: Django's user-name characters, not preceded by a word character (an e-mail).
MENTION = re.compile(r"(?<![\w@.])@([\w.@+-]{1,150})")
MAX_MENTIONS = 20  # people one comment may name


class CommentConflict(Exception):
    """The comment changed since the form was opened; the form is shown again."""

    def __init__(self, comment: Comment):
        super().__init__(comment.pk)
        self.comment = comment


def mentioned_names(text: str) -> list[str]:
    """The user names @-mentioned in `text`, in order, each once (a trailing full stop or
    comma belongs to the sentence, not the name)."""
    names: list[str] = []
    for match in MENTION.finditer(text or ""):
        name = match.group(1).rstrip(".,;:!?")
        if name and name.lower() not in {n.lower() for n in names}:
            names.append(name)
    return names[:MAX_MENTIONS]


def thread_url(comment: Comment) -> str:
    if comment.initiative_id:
        path = reverse("discussion:thread", args=["tiltag", comment.initiative_id])
    else:
        path = reverse("discussion:thread", args=["milepael", comment.milestone_id])
    return f"{path}#kommentar-{comment.pk}"


def _mention(comment: Comment, *, by: User) -> list[Mention]:
    """Record and notify the people the comment names who may read it and were not named in it
    before (an edit that adds a name notifies that person only)."""
    names = mentioned_names(comment.text)
    if not names:
        return []
    users = User.objects.filter(username__in=names, is_active=True).exclude(role="")
    if not comment.for_committee:
        users = users.exclude(role=Role.BFU)  # BFU does not see the comment
    already = set(Mention.objects.filter(comment=comment).values_list("user_id", flat=True))
    new = [user for user in users if user.pk not in already and user.pk != by.pk]
    made = Mention.objects.bulk_create(
        [Mention(comment=comment, user=user) for user in new], ignore_conflicts=True
    )
    if new:
        excerpt = comment.text if len(comment.text) <= 300 else comment.text[:299] + "…"
        notify(
            new,
            "mention",
            target=comment.target,
            event_key=f"mention:{comment.pk}",
            actor=by,
            text=excerpt,
            url=thread_url(comment),
        )
    return made


def _revise(comment: Comment, *, by: User, kind: str) -> CommentRevision:
    return CommentRevision.objects.create(
        comment=comment,
        version=comment.version,
        kind=kind,
        text=comment.text,
        for_committee=comment.for_committee,
        by=by,
    )


def _check_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Skriv en kommentar.")})
    return text


@transaction.atomic
def comment_create(*, target, by: User, text: str, for_committee: bool = False) -> Comment:
    """Write a comment in the thread of `target` (a tiltag or a milestone of the current plan).
    Only chefgruppen marks a comment for the committee."""
    plan_id = target.plan_id if hasattr(target, "plan_id") else target.initiative.plan_id
    if not can_comment(by, plan_id=plan_id):
        raise ValidationError(_("Du kan ikke skrive kommentarer her."))
    if for_committee and by.role != Role.CHEFGRUPPE:
        raise ValidationError({"for_committee": _("Kun chefgruppen markerer for udvalget.")})
    field = "initiative" if target._meta.label == "tracks.Initiative" else "milestone"
    comment = Comment(
        plan_id=plan_id,
        author=by,
        text=_check_text(text),
        for_committee=for_committee,
        created_at=timezone.now(),
        **{field: target},
    )
    comment.full_clean(exclude=["plan", "author", field])
    comment.save()
    _revise(comment, by=by, kind=RevisionKind.WRITTEN)
    _mention(comment, by=by)
    return comment


def _locked(comment: Comment, expected_version: int | None) -> Comment:
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if expected_version is not None and locked.version != expected_version:
        raise CommentConflict(locked)
    return locked


def _save(comment: Comment, fields: list[str]) -> None:
    comment.version += 1
    comment.save(update_fields=[*fields, "version"])


@transaction.atomic
def comment_edit(*, comment: Comment, by: User, text: str, expected_version: int | None) -> Comment:
    """The author corrects a comment within the window; the earlier text stays in the history."""
    comment = _locked(comment, expected_version)
    now = timezone.now()
    if not can_edit_comment(by, comment, now=now):
        raise ValidationError(
            _("Kommentaren kan ikke længere redigeres (kun af forfatteren og kun kort tid).")
        )
    comment.text = _check_text(text)
    comment.edited_at = now
    comment.full_clean(exclude=["plan", "author", "initiative", "milestone"])
    _save(comment, ["text", "edited_at"])
    _revise(comment, by=by, kind=RevisionKind.EDITED)
    _mention(comment, by=by)
    return comment


@transaction.atomic
def comment_mark_for_committee(
    *, comment: Comment, by: User, for_committee: bool, expected_version: int | None
) -> Comment:
    """Chefgruppen shows a comment to the committee (BFU), or takes it back from them."""
    comment = _locked(comment, expected_version)
    if not can_mark_comment(by, comment):
        raise ValidationError(_("Kun chefgruppen markerer kommentarer for udvalget."))
    if comment.for_committee == for_committee:
        return comment
    comment.for_committee = for_committee
    comment.edited_at = timezone.now()
    _save(comment, ["for_committee", "edited_at"])
    _revise(comment, by=by, kind=RevisionKind.MARKED if for_committee else RevisionKind.UNMARKED)
    return comment


@transaction.atomic
def comment_withdraw(*, comment: Comment, by: User, expected_version: int | None) -> Comment:
    """Withdraw a comment (its author, or chefgruppen): the thread shows a marker in its place;
    the text stays in the history for those who may read it."""
    comment = _locked(comment, expected_version)
    if not can_withdraw_comment(by, comment):
        raise ValidationError(_("Du kan ikke trække denne kommentar tilbage."))
    comment.withdrawn_at = timezone.now()
    _save(comment, ["withdrawn_at"])
    _revise(comment, by=by, kind=RevisionKind.WITHDRAWN)
    return comment
