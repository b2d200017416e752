"""A milestone's state on a day has one home (Milestone.state_on); its SQL twin agrees."""

import datetime as dt

import pytest

from tests.factories import MilestoneFactory
from tracks.models import Milestone, MilestoneState

pytestmark = pytest.mark.django_db


@pytest.fixture
def milestones(initiative):
    q = dt.date
    return [
        MilestoneFactory(initiative=initiative, planned_quarter=q(2026, 7, 1)),
        MilestoneFactory(initiative=initiative, planned_quarter=q(2026, 10, 1)),
        MilestoneFactory(
            initiative=initiative, planned_quarter=q(2026, 10, 1), planned_date=q(2026, 11, 1)
        ),
        MilestoneFactory(
            initiative=initiative, planned_quarter=q(2026, 4, 1), completed_on=q(2026, 5, 1)
        ),
        MilestoneFactory(
            initiative=initiative, planned_quarter=q(2026, 4, 1), completed_on=q(2026, 8, 3)
        ),
    ]


def test_each_milestone_has_one_state_in_words(milestones):
    today = dt.date(2026, 11, 24)

    states = [m.state_on(today) for m in milestones]

    assert states == [
        MilestoneState.OVERDUE,  # its quarter ended 30 September
        MilestoneState.PLANNED,  # due 31 December
        MilestoneState.OVERDUE,  # its own date, 1 November, has passed
        MilestoneState.DONE,
        MilestoneState.DONE_LATE,  # done in August, due 30 June
    ]
    assert [str(s.label) for s in states[:2]] == ["Forsinket", "Planlagt"]


@pytest.mark.parametrize(
    "today",
    [dt.date(2026, 6, 30), dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2027, 1, 1)],
)
def test_the_sql_conditions_agree_with_the_model(milestones, today):
    overdue = set(Milestone.objects.overdue(today))
    not_yet_due = set(Milestone.objects.filter(Milestone.not_yet_due_condition(today)))

    assert overdue == {m for m in milestones if m.state_on(today) == MilestoneState.OVERDUE}
    assert not_yet_due == {m for m in milestones if m.state_on(today) == MilestoneState.PLANNED}
