import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tracks.models import Health, MilestoneEvent, StatusUpdate, WorkState
from tracks.services import (
    StatusConflict,
    initiative_update_status,
    milestone_complete,
    milestone_create,
    milestone_undo_completion,
)

CPH = ZoneInfo("Europe/Copenhagen")


def _update(initiative, by, **overrides):
    values = {
        "state": WorkState.I_GANG,
        "health": Health.GROEN,
        "progress": 30,
        "narrative": "",
        "next_steps": "",
        "expected_version": initiative.version,
    }
    values.update(overrides)
    return initiative_update_status(initiative=initiative, by=by, **values)


def test_it_appends_a_status_and_makes_it_current(initiative, chef):
    first = _update(initiative, chef, progress=10)
    second = _update(initiative, chef, progress=20)

    initiative.refresh_from_db()
    assert initiative.current_status == second
    assert initiative.version == 2
    assert list(initiative.status_updates.values_list("progress", flat=True)) == [20, 10]
    first.refresh_from_db()
    assert first.progress == 10  # the earlier row is untouched


def test_it_refuses_a_stale_version_and_writes_nothing(initiative, chef, owner):
    opened_at = initiative.version
    _update(initiative, chef, progress=50)

    with pytest.raises(StatusConflict) as excinfo:
        _update(initiative, owner, progress=70, expected_version=opened_at)

    assert excinfo.value.initiative.version == 1
    assert StatusUpdate.objects.count() == 1


@pytest.mark.parametrize("health", [Health.GUL, Health.ROED])
def test_it_requires_a_narrative_for_yellow_and_red(initiative, chef, health):
    with pytest.raises(ValidationError) as excinfo:
        _update(initiative, chef, health=health, narrative="  ")

    assert "narrative" in excinfo.value.message_dict
    assert StatusUpdate.objects.count() == 0


@pytest.mark.parametrize("progress", [-1, 101, 120])
def test_it_refuses_progress_outside_0_to_100(initiative, chef, progress):
    with pytest.raises(ValidationError) as excinfo:
        _update(initiative, chef, progress=progress)

    assert "progress" in excinfo.value.message_dict


@time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=CPH))
def test_it_completes_a_milestone_and_logs_it(local_milestone, leader):
    milestone_complete(
        milestone=local_milestone, by=leader, completed_on=dt.date(2026, 11, 20), note="Holdt."
    )

    local_milestone.refresh_from_db()
    assert local_milestone.completed_on == dt.date(2026, 11, 20)
    assert local_milestone.completed_by == leader
    event = MilestoneEvent.objects.get()
    assert (event.kind, event.by, event.note) == (MilestoneEvent.Kind.COMPLETED, leader, "Holdt.")


@time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=CPH))
def test_it_refuses_a_completion_date_in_the_future(local_milestone, leader):
    with pytest.raises(ValidationError) as excinfo:
        milestone_complete(milestone=local_milestone, by=leader, completed_on=dt.date(2026, 11, 25))

    assert "completed_on" in excinfo.value.message_dict
    assert not MilestoneEvent.objects.exists()


def test_it_undoes_a_completion_the_same_day_and_keeps_the_log(local_milestone, leader):
    with time_machine.travel(dt.datetime(2026, 11, 24, 9, tzinfo=CPH)):
        milestone_complete(milestone=local_milestone, by=leader, completed_on=dt.date(2026, 11, 24))
    with time_machine.travel(dt.datetime(2026, 11, 24, 23, 30, tzinfo=CPH)):
        milestone_undo_completion(milestone=local_milestone, by=leader)

    local_milestone.refresh_from_db()
    assert local_milestone.completed_on is None
    kinds = list(MilestoneEvent.objects.order_by("at").values_list("kind", flat=True))
    assert kinds == [MilestoneEvent.Kind.COMPLETED, MilestoneEvent.Kind.REOPENED]


def test_it_refuses_to_undo_on_a_later_day(local_milestone, leader):
    with time_machine.travel(dt.datetime(2026, 11, 24, 9, tzinfo=CPH)):
        milestone_complete(milestone=local_milestone, by=leader, completed_on=dt.date(2026, 11, 24))
    with (
        time_machine.travel(dt.datetime(2026, 11, 25, 0, 30, tzinfo=CPH)),
        pytest.raises(ValidationError, match="samme dag"),
    ):
        milestone_undo_completion(milestone=local_milestone, by=leader)

    local_milestone.refresh_from_db()
    assert local_milestone.completed_on == dt.date(2026, 11, 24)


@time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=CPH))
def test_a_milestone_shows_its_slippage(initiative, chef):
    initiative.end_quarter = dt.date(2026, 10, 1)  # milestones lie within their tiltag
    initiative.save()
    overdue = milestone_create(
        initiative=initiative, by=chef, title="Bearbejdning", planned_quarter=dt.date(2026, 7, 1)
    )
    late = milestone_create(
        initiative=initiative, by=chef, title="Beslutning", planned_quarter=dt.date(2026, 4, 1)
    )
    milestone_complete(milestone=late, by=chef, completed_on=dt.date(2026, 7, 10))

    assert overdue.due_date == dt.date(2026, 9, 30)
    assert overdue.is_overdue() and overdue.days_late == 55
    assert late.is_done_late and late.days_late == 10
    assert not late.is_overdue()


def test_it_gives_new_milestones_unique_slugs(initiative, chef):
    first = milestone_create(
        initiative=initiative, by=chef, title="Implementering", planned_quarter=dt.date(2025, 7, 1)
    )
    second = milestone_create(
        initiative=initiative, by=chef, title="Implementering", planned_quarter=dt.date(2025, 10, 1)
    )

    assert (first.slug, second.slug) == ("implementering", "implementering-2")


def test_it_refuses_a_planned_quarter_that_is_not_a_quarter_start(initiative, chef):
    with pytest.raises(ValidationError):
        milestone_create(
            initiative=initiative, by=chef, title="X", planned_quarter=dt.date(2025, 8, 3)
        )
