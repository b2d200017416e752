"""Quarters: the plan's cadence. A quarter is stored as the date of its first day."""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

_PATTERN = re.compile(r"^(\d{4})-[QK]([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """Parse `2025-Q3` (or the Danish `2025-K3`)."""
        match = _PATTERN.match(str(text).strip().upper())
        if not match:
            raise ValueError(f"'{text}' er ikke et kvartal på formen ÅÅÅÅ-Qn, fx 2025-Q3")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        following = self.next()
        return following.first_day - dt.timedelta(days=1)

    def next(self) -> "Quarter":
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def previous(self) -> "Quarter":
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    @property
    def code(self) -> str:
        """`2025-Q3`: the code of URLs, forms and stored data."""
        return f"{self.year}-Q{self.number}"

    @property
    def danish_code(self) -> str:
        """`2025-K3`: the code people read and type (report periods, import files)."""
        return f"{self.year}-K{self.number}"

    @property
    def label(self) -> str:
        return _("%(number)s. kvartal %(year)s") % {"number": self.number, "year": self.year}

    @property
    def short_label(self) -> str:
        return _("K%(number)s %(year)s") % {"number": self.number, "year": self.year}

    def __str__(self) -> str:
        return self.label


def quarter_range(first: Quarter, last: Quarter) -> list[Quarter]:
    quarters = []
    current = first
    while current <= last:
        quarters.append(current)
        current = current.next()
    return quarters


def quarter_began(today: dt.date) -> dt.datetime:
    """The start of today's quarter, midnight local (Danish) time: a status update before it is
    last quarter's (the reminders, the attention lists and the report's verdict count so)."""
    first = Quarter.of(today).first_day
    return timezone.make_aware(dt.datetime.combine(first, dt.time.min))


def is_quarter_start(day: dt.date) -> bool:
    return day.day == 1 and day.month in (1, 4, 7, 10)


def validate_quarter_start(day: dt.date) -> None:
    """Model-field validator: a quarter is stored as its first day (1 Jan/Apr/Jul/Oct)."""
    from django.core.exceptions import ValidationError

    if day and not is_quarter_start(day):
        raise ValidationError(
            _(
                "Et kvartal angives ved sin første dag: "
                "1. januar, 1. april, 1. juli eller 1. oktober."
            )
        )
