"""Report periods: a quarter ("2026-K3", "3. kvartal 2026") or a month ("2026-11",
"november 2026"). The code is what the database keys a report by; the label is what people read.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.dates import MONTHS

from omstilling.quarters import Quarter

QUARTERLY = "kvartalsrapport"
MONTHLY = "maanedsrapport"

_QUARTER_CODE = re.compile(r"^(\d{4})-K([1-4])$")
_MONTH_CODE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Period:
    kind: str
    code: str
    label: str
    first_day: dt.date
    last_day: dt.date

    @property
    def year(self) -> int:
        return self.first_day.year


def quarter_period(year: int, number: int) -> Period:
    quarter = Quarter(year, number)
    with translation.override("da"):
        label = quarter.label
    return Period(QUARTERLY, quarter.danish_code, label, quarter.first_day, quarter.last_day)


def month_period(year: int, month: int) -> Period:
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    with translation.override("da"):
        label = f"{MONTHS[month]} {year}".lower()
    return Period(MONTHLY, f"{year}-{month:02d}", label, first, following - dt.timedelta(days=1))


def parse_period(kind: str, code: str) -> Period:
    """The period of a report kind from its code; ValueError for a code that does not fit."""
    code = str(code).strip().upper() if kind == QUARTERLY else str(code).strip()
    if kind == QUARTERLY and (match := _QUARTER_CODE.match(code)):
        return quarter_period(int(match.group(1)), int(match.group(2)))
    if kind == MONTHLY and (match := _MONTH_CODE.match(code)):
        return month_period(int(match.group(1)), int(match.group(2)))
    raise ValueError(f"'{code}' er ikke en periode for {kind} (ÅÅÅÅ-Kn eller ÅÅÅÅ-MM)")


def current_month(today: dt.date) -> Period:
    return month_period(today.year, today.month)
