"""Celery tasks for visitation: the daily retention job (scheduled in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from supportsystem.services import forloeb_purge_closed_before
from visitation.services import child_rows_purge, retention_cutoff


@shared_task(name="visitation.tasks.purge_closed_cases")
def purge_closed_cases() -> dict[str, int]:
    """Delete child-level rows closed more than RETENTION_MONTHS months ago: før-henvisninger
    and henvisninger here, forløb in the support system. Aggregates stay.

    Takes no arguments and may run any number of times: a second run finds nothing to delete.
    """
    cutoff = retention_cutoff(today=timezone.localdate(), months=settings.RETENTION_MONTHS)
    result = child_rows_purge(cutoff=cutoff)
    result["forloeb"] = forloeb_purge_closed_before(cutoff=cutoff)
    return result
