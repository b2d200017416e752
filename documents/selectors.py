"""Reading documents: the section on a page, and the report's list of the period."""

import datetime as dt

from django.db.models import QuerySet

from documents.models import Document

PANEL_LIMIT = 20  # documents a page lists; the rest are counted


def documents_of(*, field: str, obj) -> tuple[list[Document], int]:
    """The newest PANEL_LIMIT documents of `obj` (withdrawn ones included, marked), and how many
    there are in all (one query, two with more than the limit)."""
    queryset = Document.objects.filter(**{field: obj}).select_related("withdrawal__by", "by")
    rows = list(queryset[:PANEL_LIMIT])
    total = len(rows) if len(rows) < PANEL_LIMIT else queryset.count()
    return rows, total


def documents_in_period(*, plan_id: int, first: dt.date, last: dt.date) -> QuerySet:
    """Documents added from `first` to `last` and not withdrawn, oldest first, with what they
    belong to (the report)."""
    return (
        Document.objects.filter(plan_id=plan_id, at__date__range=(first, last))
        .filter(withdrawal__isnull=True)
        .select_related("initiative", "investment", "decision")
        .order_by("at", "pk")
    )
