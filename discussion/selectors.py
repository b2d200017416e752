"""Reading threads: a page of a thread, the newest comments of a tiltag, the milestones'
counts, a comment's history and the mention suggestions."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from discussion.access import visible_comments
from discussion.models import Comment, CommentRevision
from omstilling.models import Role, User
from tracks.models import Milestone

SECTION_LIMIT = 5  # comments the tiltag page shows; the thread page has them all, paged
SUGGESTIONS = 8


def thread(*, user: User, field: str, target) -> QuerySet:
    """The comments of a thread the user may see, oldest first (paged by the caller)."""
    return visible_comments(user, Comment.objects.filter(**{field: target})).select_related(
        "author"
    )


def newest(*, user: User, initiative) -> tuple[list[Comment], int]:
    """The newest SECTION_LIMIT comments of a tiltag's thread, oldest of them first, and how
    many the thread has (two queries)."""
    queryset = thread(user=user, field="initiative", target=initiative)
    rows = list(queryset.order_by("-created_at", "-pk")[:SECTION_LIMIT])
    total = len(rows) if len(rows) < SECTION_LIMIT else queryset.count()
    return rows[::-1], total


# The tiltag page's "Drøftelse af milepælene" lists this many milestones to a page.
MILESTONES_PER_PAGE = 10


def milestones_with_counts(*, user: User, initiative, page: int | str | None = 1) -> Page:
    """A page of the tiltag's milestones, each with the number of comments the user may see
    (two queries: the count and the page), so the panel stays bounded whatever the plan."""
    visible = Q()
    if user.role == Role.BFU:
        visible = Q(comments__for_committee=True, comments__withdrawn_at__isnull=True)
    milestones = (
        Milestone.objects.filter(initiative=initiative)
        .annotate(n_comments=Count("comments", filter=visible))
        .order_by("planned_quarter", "order", "pk")
        .only("pk", "title", "planned_quarter", "order")
    )
    return Paginator(milestones, MILESTONES_PER_PAGE).get_page(page)


def history(*, comment: Comment) -> list[CommentRevision]:
    return list(comment.revisions.select_related("by").order_by("version"))


def mention_suggestions(*, prefix: str) -> list[User]:
    """Active users with a role whose user name starts with `prefix`, or whose name does."""
    prefix = prefix.strip()[:150]
    if not prefix:
        return []
    return list(
        User.objects.filter(is_active=True)
        .exclude(role="")
        .filter(
            Q(username__istartswith=prefix)
            | Q(first_name__istartswith=prefix)
            | Q(last_name__istartswith=prefix)
        )
        .order_by("username")
        .only("username", "first_name", "last_name")[:SUGGESTIONS]
    )
