"""Who may read and write comments. Views fetch threads and comments only through these.

Every role that reads the plan reads its threads, except BFU: a BFU member sees only the
comments chefgruppen has marked for the committee (and not withdrawn), and never writes. The
other roles write in the current plan's threads. The author edits a comment within a short
window (COMMENT_EDIT_MINUTES) and may withdraw it; chefgruppen may withdraw any comment and
marks comments for the committee.
"""

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from discussion.models import Comment
from omstilling.access import RefusedNotFound
from omstilling.models import Role, User
from tracks.access import current_plan_pk, get_initiative_for_user, get_milestone_for_user

# The URL's word for what a thread belongs to, and the Comment field it is kept in.
TARGETS = {"tiltag": "initiative", "milepael": "milestone"}


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role)


def sees_all_comments(user: User) -> bool:
    return _active(user) and user.role != Role.BFU


def visible_comments(user: User, queryset: QuerySet) -> QuerySet:
    """The comments of `queryset` the user may see."""
    if not _active(user):
        return queryset.none()
    if user.role == Role.BFU:
        return queryset.filter(for_committee=True, withdrawn_at__isnull=True)
    return queryset


def can_comment(user: User, *, plan_id: int) -> bool:
    return sees_all_comments(user) and plan_id == current_plan_pk(user)


def edit_deadline(comment: Comment) -> dt.datetime:
    return comment.created_at + dt.timedelta(minutes=settings.COMMENT_EDIT_MINUTES)


def can_edit_comment(user: User, comment: Comment, *, now: dt.datetime | None = None) -> bool:
    return (
        comment.author_id == user.pk
        and not comment.is_withdrawn
        and can_comment(user, plan_id=comment.plan_id)
        and (now or timezone.now()) <= edit_deadline(comment)
    )


def can_withdraw_comment(user: User, comment: Comment) -> bool:
    return (
        not comment.is_withdrawn
        and can_comment(user, plan_id=comment.plan_id)
        and (comment.author_id == user.pk or user.role == Role.CHEFGRUPPE)
    )


def can_mark_comment(user: User, comment: Comment) -> bool:
    return (
        not comment.is_withdrawn
        and user.role == Role.CHEFGRUPPE
        and can_comment(user, plan_id=comment.plan_id)
    )


def get_thread_target_for_user(user: User, target: str, pk: int):
    """The tiltag or milestone whose thread is asked for (404 for another word)."""
    if target == "tiltag":
        return get_initiative_for_user(user, pk)
    if target == "milepael":
        return get_milestone_for_user(user, pk)
    raise RefusedNotFound(_("Siden findes ikke"))


def get_comment_for_user(user: User, pk: int) -> Comment:
    """A comment the user may see; 404 (logged) when it does not exist or is hidden from them
    (a BFU member asking for a comment that is not for the committee)."""
    comment = (
        visible_comments(user, Comment.objects.all())
        .select_related("author", "initiative", "milestone__initiative")
        .filter(pk=pk)
        .first()
    )
    if comment is None:
        raise RefusedNotFound(_("Siden findes ikke"), model=Comment._meta.label, object_id=pk)
    return comment


def annotate_permissions(user: User, comments) -> None:
    """What the user may do with each comment, for the template (no queries)."""
    now = timezone.now()
    for comment in comments:
        comment.user_can_edit = can_edit_comment(user, comment, now=now)
        comment.user_can_withdraw = can_withdraw_comment(user, comment)
        comment.user_can_mark = can_mark_comment(user, comment)
        comment.edit_deadline = edit_deadline(comment)
