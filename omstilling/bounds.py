"""Input bounds shared by every app: text lengths, number ranges and date windows.

Every input is bounded. A model field takes its limit from here and its form field the same
limit (omstilling.fields), so what a form lets through the model accepts and nothing larger is
stored. Dates are checked in two steps: every date a form reads lies in an absolute window
(`EARLIEST_DATE` … `LATEST_DATE`), so `0001-01-01` never reaches a service; the services then
check the window of the thing the date belongs to (`case_date_window`, `plan_date_window`) with
`check_date`, the one home of "not in the future" and its siblings.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# --- text (characters) --------------------------------------------------------------------------
TITLE_LENGTH = 250  # titles of plan content, investments, milestones
NAME_LENGTH = 200  # names of bodies, institutions, actors, stages
SHORT_NAME_LENGTH = 60  # short names of bodies ("BFU", "ØKU og gruppeformænd")
REFERENCE_LENGTH = 100  # case and decision references ("sag 137")
SHORT_NOTE_LENGTH = 300  # one-line notes
NOTE_LENGTH = 1_000  # notes on a step, a decision, a spending, a completion; next steps
STATUS_LENGTH = 2_000  # a status narrative, a recommendation, an investment's purpose
DESCRIPTION_LENGTH = 4_000  # descriptions of plan content (spor, tiltag, milestones …)
SEARCH_LENGTH = 100  # search boxes

# A list of short texts in a JSON field (the plan's cornerstones, "det betyder …").
TEXT_LIST_ITEMS = 50
TEXT_LIST_ITEM_LENGTH = 1_000

# --- numbers ------------------------------------------------------------------------------------
ORDER_MAX = 999  # positions in a list ("rækkefølge")
VERSION_MAX = 2**31 - 1  # optimistic-locking versions sent back by a form
COUNT_MAX = 100_000  # counts of children (bestand, KPI targets in number of children)

# --- dates --------------------------------------------------------------------------------------
EARLIEST_DATE = dt.date(2000, 1, 1)  # no date in the portal lies before this
LATEST_DATE = dt.date(2100, 12, 31)  # nor after this
CASE_DATES_FROM = EARLIEST_DATE  # a forløb, a før-henvisning, a referral: not before 2000
# How far before its first quarter (and after its last) a plan's own dates may lie: work
# prepared before the plan started, decisions taken after it ended.
PLAN_DATE_MARGIN = dt.timedelta(days=366)


def case_date_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """A case's dates: from 2000 until today (a case date is never in the future)."""
    return CASE_DATES_FROM, today or timezone.localdate()


def plan_date_window(plan, *, past_only: bool, today: dt.date | None = None):
    """A plan's dates: from a year before its first quarter to a year after its last; a date of
    something that has happened (`past_only`: a completion, a decision, a spending) not after
    today."""
    from omstilling.quarters import Quarter

    first = plan.start_quarter - PLAN_DATE_MARGIN
    last = Quarter.of(plan.end_quarter).last_day + PLAN_DATE_MARGIN
    if past_only:
        last = min(last, today or timezone.localdate())
    return max(first, EARLIEST_DATE), min(last, LATEST_DATE)


def date_error(day: dt.date, first: dt.date, last: dt.date, *, today=None) -> str | None:
    """Why `day` lies outside `first`…`last`, in Danish, or None when it lies inside."""
    today = today or timezone.localdate()
    if day > last:
        if last == today:
            return _("Datoen kan ikke ligge i fremtiden.")
        return _("Datoen kan ikke ligge efter %(date)s.") % {
            "date": date_format(last, "DATE_FORMAT")
        }
    if day < first:
        return _("Datoen kan ikke ligge før %(date)s.") % {
            "date": date_format(first, "DATE_FORMAT")
        }
    return None


def check_date(
    day: dt.date | None,
    window: tuple[dt.date, dt.date],
    *,
    field: str,
    errors: dict | None = None,
) -> None:
    """Check that `day` lies in `window`. With `errors`, the message is added under `field`;
    without, a ValidationError tied to `field` is raised."""
    if day is None:
        return
    message = date_error(day, *window)
    if message is None:
        return
    if errors is None:
        raise ValidationError({field: message})
    errors.setdefault(field, message)


def validate_date_in_portal_window(day: dt.date | None) -> None:
    """Model-field validator: the absolute window every stored date lies in."""
    if day is None:
        return
    message = date_error(day, EARLIEST_DATE, LATEST_DATE)
    if message:
        raise ValidationError(message, code="date_window")
