import datetime as dt

import pytest

from reports.archive.schedule import (
    first_working_day,
    is_first_working_day_of_month,
    is_first_working_day_of_quarter,
    is_working_day,
    previous_month,
    previous_quarter,
)


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2027, 1, dt.date(2027, 1, 4)),  # 1 Jan is a holiday, 2–3 Jan a weekend
        (2026, 1, dt.date(2026, 1, 2)),  # 1 Jan holiday (Thursday) → Friday
        (2026, 4, dt.date(2026, 4, 1)),  # a Wednesday before Easter
        (2027, 4, dt.date(2027, 4, 1)),  # Maundy Thursday 2027 is 25 March: 1 April is free
        (2026, 11, dt.date(2026, 11, 2)),  # 1 Nov is a Sunday
        (2025, 6, dt.date(2025, 6, 2)),  # 1 June 2025 is a Sunday
        (2028, 5, dt.date(2028, 5, 1)),
    ],
)
def test_it_finds_the_first_danish_working_day(year, month, expected):
    assert first_working_day(year, month) == expected


def test_it_skips_danish_public_holidays():
    assert not is_working_day(dt.date(2026, 4, 6))  # 2. påskedag
    assert not is_working_day(dt.date(2026, 5, 14))  # Kristi himmelfartsdag
    assert not is_working_day(dt.date(2026, 12, 25))
    assert is_working_day(dt.date(2026, 11, 24))


def test_it_knows_the_quarterly_and_monthly_report_days():
    assert is_first_working_day_of_quarter(dt.date(2026, 10, 1))
    assert not is_first_working_day_of_quarter(dt.date(2026, 11, 2))
    assert is_first_working_day_of_month(dt.date(2026, 11, 2))
    assert not is_first_working_day_of_month(dt.date(2026, 11, 3))
    assert not is_first_working_day_of_quarter(dt.date(2027, 1, 1))
    assert is_first_working_day_of_quarter(dt.date(2027, 1, 4))


def test_it_names_the_period_just_ended():
    assert previous_month(dt.date(2026, 12, 1)) == (2026, 11)
    assert previous_month(dt.date(2027, 1, 4)) == (2026, 12)
    assert previous_quarter(dt.date(2026, 10, 1)).danish_code == "2026-K3"
    assert previous_quarter(dt.date(2027, 1, 4)).danish_code == "2026-K4"
