"""Reading documents: the section on a page, and the report's list of the period."""

import datetime as dt

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from documents.models import Document

PANEL_LIMIT = 20  # documents a page lists; the rest are counted


def documents_of(*, field: str, obj, page: int | str | None = 1) -> Page:
    """A page of PANEL_LIMIT documents of `obj`, newest first (withdrawn ones included, marked):
    two queries, the count and the page, whatever the number of documents."""
    queryset = Document.objects.filter(**{field: obj}).select_related("withdrawal__by", "by")
    return Paginator(queryset.order_by("-at", "-pk"), PANEL_LIMIT).get_page(page)


def documents_in_period(*, plan_id: int, first: dt.date, last: dt.date) -> QuerySet:
    """Documents added from `first` to `last` and not withdrawn, oldest first, with what they
    belong to (the report)."""
    return (
        Document.objects.filter(plan_id=plan_id, at__date__range=(first, last))
        .filter(withdrawal__isnull=True)
        .select_related("initiative", "investment", "decision")
        .order_by("at", "pk")
    )
