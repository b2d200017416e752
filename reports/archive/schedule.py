"""When the scheduled reports are due: the first Danish working day of a month or quarter.

Celery beat wakes the report job at 06:00 Europe/Copenhagen every weekday; the job asks these
functions whether today is such a day (beat's crontab cannot express public holidays).
"""

import datetime as dt
from functools import cache

import holidays

from omstilling.quarters import Quarter


@cache
def _danish_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("DK", years=year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _danish_holidays(day.year)


def first_working_day(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def is_first_working_day_of_month(day: dt.date) -> bool:
    return day == first_working_day(day.year, day.month)


def is_first_working_day_of_quarter(day: dt.date) -> bool:
    return day.month in (1, 4, 7, 10) and is_first_working_day_of_month(day)


def previous_month(day: dt.date) -> tuple[int, int]:
    """(year, month) of the month before `day`'s month: the period a monthly report covers."""
    first = day.replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


def previous_quarter(day: dt.date) -> Quarter:
    """The quarter that ended before `day`'s quarter began."""
    return Quarter.of(day).previous()


def next_report_day(kind: str, *, after: dt.date) -> dt.date:
    """The first day after `after` on which the 06:00 beat job asks for a report of `kind`
    ("kvartalsrapport" or "maanedsrapport"): after 31 Dec 2026 that is Monday 4 Jan 2027."""
    is_due = (
        is_first_working_day_of_quarter
        if kind == "kvartalsrapport"
        else is_first_working_day_of_month
    )
    day = after + dt.timedelta(days=1)
    while not is_due(day):
        day += dt.timedelta(days=1)
    return day
