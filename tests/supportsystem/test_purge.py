"""Retention: closed forløb and their history are deleted once closed before the cutoff."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from omstilling.models import AccessLog
from supportsystem.models import Forloeb, Transition
from supportsystem.selectors import open_forloeb_by_type_and_stage
from supportsystem.services import forloeb_close, forloeb_purge_closed_before

NOW = dt.datetime(2027, 3, 1, 2, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))


def _months_before(day: dt.date, months: int) -> dt.date:
    month = day.year * 12 + day.month - 1 - months
    return day.replace(year=month // 12, month=month % 12 + 1)


@pytest.fixture
def forloeb_set(make_forloeb, circle, support):
    """Closed 2025-01-31 (old), closed 2025-03-01 (exactly 24 months), closed 2026-06-01 and
    one still open since 2024 — with the clock at 1 March 2027."""
    with time_machine.travel(NOW, tick=False):
        rows = {}
        for name, opened, closed in [
            ("old", dt.date(2024, 9, 1), dt.date(2025, 1, 31)),
            ("boundary", dt.date(2024, 9, 1), dt.date(2025, 3, 1)),
            ("recent", dt.date(2026, 1, 5), dt.date(2026, 6, 1)),
            ("open", dt.date(2024, 2, 1), None),
        ]:
            rows[name] = make_forloeb(label=name, opened_on=opened)
            if closed:
                forloeb_close(forloeb=rows[name], by=support, to_stage=circle.henvist, on=closed)
        yield rows


def test_it_deletes_only_forloeb_closed_before_the_cutoff(forloeb_set):
    with time_machine.travel(NOW, tick=False):
        cutoff = _months_before(dt.date.today(), 24)

        deleted = forloeb_purge_closed_before(cutoff=cutoff)

    assert cutoff == dt.date(2025, 3, 1)
    assert deleted == 1
    assert set(Forloeb.objects.values_list("label", flat=True)) == {"boundary", "recent", "open"}
    assert not Transition.objects.filter(forloeb_id=forloeb_set["old"].pk).exists()
    assert Transition.objects.count() == 3 * 2 - 1  # open + close each, the open one only opened


def test_it_logs_each_deletion_and_is_idempotent(forloeb_set):
    with time_machine.travel(NOW, tick=False):
        forloeb_purge_closed_before(cutoff=dt.date(2026, 12, 1))
        again = forloeb_purge_closed_before(cutoff=dt.date(2026, 12, 1))

    assert again == 0
    deleted = AccessLog.objects.filter(action="delete")
    assert sorted(deleted.values_list("object_id", flat=True)) == sorted(
        str(forloeb_set[name].pk) for name in ("old", "boundary", "recent")
    )
    assert set(deleted.values_list("username", "model")) == {("", "supportsystem.Forloeb")}
    assert list(Forloeb.objects.values_list("label", flat=True)) == ["open"]


def test_open_forloeb_survive_and_still_count(forloeb_set):
    with time_machine.travel(NOW, tick=False):
        forloeb_purge_closed_before(cutoff=dt.date(2100, 1, 1))

    assert list(Forloeb.objects.values_list("label", flat=True)) == ["open"]
    assert sum(row["count"] for row in open_forloeb_by_type_and_stage()) == 1
