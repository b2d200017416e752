"""The "Drøftelse" section of the tiltag page (omstilling/panels.py): the newest comments, the
form, and the milestones' threads.

The section is kept rendered for every viewer of the same role (BFU sees only the comments
marked for the committee) and page of the milestones' list, until a comment, a milestone or a
user's name changes. What is the viewer's own is left out of it as slots, rendered for every
request without a query: each comment's actions (an author edits their own within the window,
withdraws it; chefgruppen marks and withdraws; the buttons are forms with the CSRF token) and
the comment form.
"""

import datetime as dt
import types

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import mark_safe

from discussion import selectors
from discussion.access import annotate_permissions, can_comment, sees_all_comments
from discussion.forms import CommentForm
from discussion.models import Comment
from omstilling.cache import Family
from omstilling.models import Role
from omstilling.panels import register_panel, slot

# The page of the milestones' list in the tiltag page's query string.
MILESTONE_PAGE_PARAM = "droeftelse"


def _milestone_page(request: HttpRequest) -> int:
    try:
        number = int(request.GET.get(MILESTONE_PAGE_PARAM) or 1)
    except ValueError:
        return 1
    return min(max(number, 1), 10**6)


def _key(request: HttpRequest, initiative) -> dict:
    # The role (in every fragment's key) decides what is seen: BFU the marked comments only.
    return {"page": _milestone_page(request)}


def _actions_slot(comment: Comment) -> str:
    """What the viewer's actions on the comment are decided from, in the slot's marker."""
    return slot(
        "comment",
        comment.pk,
        comment.author_id,
        comment.version,
        int(comment.created_at.timestamp() * 1_000_000),
        int(comment.is_withdrawn),
        int(comment.for_committee),
    )


def _context(request: HttpRequest, initiative) -> dict | None:
    user = request.user
    comments, total = selectors.newest(user=user, initiative=initiative)
    for comment in comments:
        comment.actions_slot = mark_safe(_actions_slot(comment))  # noqa: S308 - our own marker
    page = _milestone_page(request)
    # The milestones' pagination links keep their page number only: the same key, the same HTML.
    canonical = types.SimpleNamespace(
        GET=request.GET.__class__(f"{MILESTONE_PAGE_PARAM}={page}" if page > 1 else ""),
        path=request.path,
    )
    return {
        "comments": comments,
        "total": total,
        "more": total - len(comments),
        "milestones": selectors.milestones_with_counts(user=user, initiative=initiative, page=page),
        "form_slot": mark_safe(slot("form")),  # noqa: S308 - our own marker
        "sees_all": sees_all_comments(user),
        "request": canonical,
    }


def _fill(request: HttpRequest, initiative, name: str, args: list[str]) -> str:
    """The viewer's own parts of the section, for this request (no query)."""
    user = request.user
    if name == "form":
        if not can_comment(user, plan_id=initiative.plan_id):
            return ""
        return get_template("discussion/includes/panel_form.html").render(
            {
                "object": initiative,
                "form": CommentForm(may_mark=user.role == Role.CHEFGRUPPE),
                "csrf_token": get_token(request),
            }
        )
    if name != "comment" or not sees_all_comments(user):
        return ""
    pk, author, version, created, withdrawn, for_committee = (int(arg) for arg in args)
    comment = Comment(
        pk=pk,
        plan_id=initiative.plan_id,
        initiative_id=initiative.pk,
        author_id=author,
        version=version,
        created_at=dt.datetime.fromtimestamp(created / 1_000_000, tz=dt.UTC),
        withdrawn_at=timezone.now() if withdrawn else None,
        for_committee=bool(for_committee),
    )
    annotate_permissions(user, [comment])
    # No context processors (what they add is not in these few lines): the CSRF token only.
    return get_template("discussion/includes/comment_actions.html").render(
        {"comment": comment, "sees_all": True, "csrf_token": get_token(request)}
    )


register_panel(
    "tracks.Initiative",
    name="discussion",
    template="discussion/includes/panel.html",
    context=_context,
    order=30,
    # The comments and their authors' names, the tiltag's milestones.
    families=(Family.RECORDS, Family.PLAN, Family.CORE),
    key=_key,
    fill=_fill,
)
