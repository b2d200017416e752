"""The "Drøftelse" section of the tiltag page (omstilling/panels.py): the newest comments, the
form, and the milestones' threads."""

from django.http import HttpRequest

from discussion import selectors
from discussion.access import annotate_permissions, can_comment, sees_all_comments
from discussion.forms import CommentForm
from omstilling.models import Role
from omstilling.panels import register_panel

# The page of the milestones' list in the tiltag page's query string.
MILESTONE_PAGE_PARAM = "droeftelse"


def _context(request: HttpRequest, initiative) -> dict | None:
    user = request.user
    comments, total = selectors.newest(user=user, initiative=initiative)
    annotate_permissions(user, comments)
    may_write = can_comment(user, plan_id=initiative.plan_id)
    return {
        "comments": comments,
        "total": total,
        "more": total - len(comments),
        "milestones": selectors.milestones_with_counts(
            user=user, initiative=initiative, page=request.GET.get(MILESTONE_PAGE_PARAM)
        ),
        "form": CommentForm(may_mark=user.role == Role.CHEFGRUPPE) if may_write else None,
        "sees_all": sees_all_comments(user),
    }


register_panel(
    "tracks.Initiative",
    name="discussion",
    template="discussion/includes/panel.html",
    context=_context,
    order=30,
)
