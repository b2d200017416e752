"""The plan's edit services: version checks, re-planning that keeps the original quarter,
cancelling with a reason, archiving that takes rows out of lists and figures."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.factories import (
    GovernanceBodyFactory,
    InstitutionFactory,
    MilestoneFactory,
    PlanFactory,
    RecommendationFactory,
    RecommendationThemeFactory,
    SporFactory,
)
from tracks import selectors
from tracks.models import Initiative, Milestone, MilestoneEvent, MilestoneState, Spor, Theme
from tracks.services import (
    EditConflict,
    initiative_archive,
    initiative_create,
    initiative_edit,
    milestone_archive,
    milestone_cancel,
    milestone_complete,
    milestone_create,
    milestone_edit,
    milestone_replan,
    spor_archive,
    spor_create,
    spor_edit,
    theme_archive,
    theme_create,
    theme_edit,
)

Q2_2025 = dt.date(2025, 4, 1)
Q3_2025 = dt.date(2025, 7, 1)
Q4_2025 = dt.date(2025, 10, 1)
Q1_2026 = dt.date(2026, 1, 1)


@pytest.fixture
def milestone(initiative):
    return MilestoneFactory(initiative=initiative, planned_quarter=Q2_2025, title="Forløb startet")


def test_it_creates_a_tiltag_with_every_field(spor, chef, owner, area, school):
    theme = theme_create(spor=spor, by=chef, title="Kompetenceudvikling")
    body = GovernanceBodyFactory(plan=spor.plan)
    rec = RecommendationFactory(theme=RecommendationThemeFactory(plan=spor.plan))

    initiative = initiative_create(
        spor=spor,
        by=chef,
        title="  Nyt forløb for dagplejen  ",
        description="Et forløb.",
        theme=theme,
        lead_area=area,
        owner=owner,
        owner_body=body,
        start_quarter=Q2_2025,
        end_quarter=Q1_2026,
        institutions=[school],
        recommendations=[rec],
    )

    initiative.refresh_from_db()
    assert initiative.title == "Nyt forløb for dagplejen"
    assert initiative.slug == "nyt-forlb-for-dagplejen"
    assert (initiative.theme, initiative.owner, initiative.owner_body) == (theme, owner, body)
    assert list(initiative.institutions.all()) == [school]
    assert list(initiative.recommendations.all()) == [rec]
    assert initiative.history.first().history_user == chef
    assert rec.history.first().history_user == chef


def test_it_refuses_a_tiltag_outside_the_plan(spor, chef, area):
    with pytest.raises(ValidationError) as exc:
        initiative_create(
            spor=spor,
            by=chef,
            title="For sent",
            lead_area=area,
            start_quarter=dt.date(2030, 1, 1),
        )
    assert "uden for planens periode" in exc.value.message_dict["start_quarter"][0]
    assert not Initiative.objects.filter(title="For sent").exists()


def test_it_refuses_an_end_before_the_start(initiative, chef):
    with pytest.raises(ValidationError) as exc:
        initiative_edit(
            initiative=initiative,
            by=chef,
            expected_version=initiative.edit_version,
            start_quarter=Q4_2025,
            end_quarter=Q2_2025,
        )
    assert "før startkvartalet" in exc.value.message_dict["end_quarter"][0]


def test_it_refuses_a_period_that_leaves_a_milestone_outside(initiative, chef, milestone):
    with pytest.raises(ValidationError) as exc:
        initiative_edit(
            initiative=initiative,
            by=chef,
            expected_version=initiative.edit_version,
            start_quarter=Q4_2025,
        )
    assert "Forløb startet" in exc.value.message_dict["start_quarter"][0]


def test_a_second_editor_gets_a_conflict_and_nothing_is_written(initiative, chef, owner):
    opened_at = initiative.edit_version
    initiative_edit(
        initiative=initiative, by=owner, expected_version=opened_at, description="Ejerens tekst"
    )

    with pytest.raises(EditConflict) as exc:
        initiative_edit(
            initiative=Initiative.objects.get(pk=initiative.pk),
            by=chef,
            expected_version=opened_at,
            description="Chefens tekst",
        )

    assert exc.value.current.description == "Ejerens tekst"
    initiative.refresh_from_db()
    assert initiative.description == "Ejerens tekst"
    assert initiative.edit_version == opened_at + 1


def test_the_status_version_and_the_edit_version_are_apart(initiative, chef):
    """A status update does not make a content edit opened before it conflict."""
    from tests.tracks.test_services import _update

    opened_at = initiative.edit_version
    _update(initiative, chef)
    initiative_edit(initiative=initiative, by=chef, expected_version=opened_at, title="Ny titel")
    assert Initiative.objects.get(pk=initiative.pk).title == "Ny titel"


def test_replan_keeps_the_original_quarter_and_logs_the_move(milestone, chef):
    milestone_replan(
        milestone=milestone,
        by=chef,
        to_quarter=Q4_2025,
        reason="Underviserne er først klar efter sommerferien",
        expected_version=milestone.edit_version,
    )
    milestone_replan(
        milestone=milestone,
        by=chef,
        to_quarter=Q3_2025,
        reason="Igen forsinket",
        expected_version=milestone.edit_version,
    )

    milestone.refresh_from_db()
    assert milestone.planned_quarter == Q3_2025
    assert milestone.original_quarter == Q2_2025
    assert milestone.is_replanned
    moves = list(milestone.events.filter(kind=MilestoneEvent.Kind.REPLANNED).order_by("at", "pk"))
    assert [(m.from_quarter, m.to_quarter) for m in moves] == [
        (Q2_2025, Q4_2025),
        (Q4_2025, Q3_2025),
    ]
    assert moves[0].moved_text == (
        "flyttet fra 2. kvartal 2025 til 4. kvartal 2025: "
        "Underviserne er først klar efter sommerferien"
    )
    assert milestone.history.first().history_change_reason == "Igen forsinket"


def test_replan_requires_a_reason_and_a_quarter_in_the_tiltag(milestone, chef):
    with pytest.raises(ValidationError) as exc:
        milestone_replan(
            milestone=milestone, by=chef, to_quarter=Q4_2025, reason="  ", expected_version=0
        )
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        milestone_replan(
            milestone=milestone,
            by=chef,
            to_quarter=dt.date(2026, 4, 1),  # after the tiltag's end (Q4 2025)
            reason="Senere",
            expected_version=0,
        )
    assert "tiltagets periode" in exc.value.message_dict["quarter"][0]
    milestone.refresh_from_db()
    assert milestone.original_quarter is None
    assert not milestone.events.exists()


def test_replan_with_a_stale_version_conflicts(milestone, chef, owner):
    milestone_edit(
        milestone=milestone, by=owner, expected_version=0, title="Ny titel", description=""
    )
    with pytest.raises(EditConflict):
        milestone_replan(
            milestone=milestone, by=chef, to_quarter=Q4_2025, reason="x", expected_version=0
        )
    assert not milestone.events.exists()


def test_cancel_requires_a_reason_and_is_never_overdue(milestone, chef):
    with pytest.raises(ValidationError) as exc:
        milestone_cancel(milestone=milestone, by=chef, reason="", expected_version=0)
    assert exc.value.message_dict["reason"] == ["Skriv en begrundelse."]

    late = dt.date(2026, 6, 1)
    assert milestone.state_on(late) == MilestoneState.OVERDUE
    milestone_cancel(
        milestone=milestone, by=chef, reason="Dækket af et andet tiltag", expected_version=0
    )

    milestone.refresh_from_db()
    assert milestone.state_on(late) == MilestoneState.CANCELLED
    assert not milestone.is_overdue(late)
    assert not Milestone.objects.overdue(late).filter(pk=milestone.pk).exists()
    assert milestone.events.get().kind == MilestoneEvent.Kind.CANCELLED
    with pytest.raises(ValidationError):
        milestone_complete(milestone=milestone, by=chef, completed_on=dt.date(2025, 5, 1))


def test_a_replanned_open_milestone_says_flyttet(milestone, chef):
    milestone_replan(
        milestone=milestone, by=chef, to_quarter=Q4_2025, reason="x", expected_version=0
    )
    milestone.refresh_from_db()
    assert milestone.state_on(dt.date(2025, 8, 1)) == MilestoneState.REPLANNED
    assert milestone.state_on(dt.date(2026, 2, 1)) == MilestoneState.OVERDUE


def test_archive_takes_a_tiltag_and_its_milestones_out_of_lists_and_figures(
    initiative, milestone, chef, plan
):
    initiative_archive(initiative=initiative, by=chef, expected_version=0)

    initiative.refresh_from_db()
    milestone.refresh_from_db()
    assert initiative.is_archived and milestone.is_archived
    assert list(selectors.initiative_list(plan=plan, filters={})) == []
    assert selectors.spor_overview(plan=plan)[0].shown == []
    assert selectors.plan_milestones(plan=plan) == []
    assert not Milestone.objects.overdue(dt.date(2027, 1, 1)).exists()
    assert selectors.archived_content(plan=plan)["initiatives"] == [initiative]
    # Still there, readable, with its history.
    assert Initiative.objects.filter(pk=initiative.pk).exists()
    assert initiative.history.first().history_change_reason == "arkiveret"
    with pytest.raises(ValidationError):
        initiative_edit(initiative=initiative, by=chef, expected_version=1, title="Nej")


def test_a_milestone_is_archived_alone(milestone, chef, plan):
    milestone_archive(milestone=milestone, by=chef, expected_version=0)
    assert selectors.plan_milestones(plan=plan) == []
    detail = selectors.initiative_detail(initiative=milestone.initiative)
    assert list(detail["archived_milestones"]) == [milestone]  # a page of them


def test_a_spor_or_theme_with_active_tiltag_is_not_archived(initiative, chef):
    spor = initiative.spor
    theme = theme_create(spor=spor, by=chef, title="Tema")
    initiative_edit(initiative=initiative, by=chef, expected_version=0, theme=theme)
    with pytest.raises(ValidationError):
        spor_archive(spor=spor, by=chef, expected_version=0)
    with pytest.raises(ValidationError):
        theme_archive(theme=theme, by=chef, expected_version=0)

    initiative_archive(initiative=initiative, by=chef, expected_version=1)
    theme_archive(theme=theme, by=chef, expected_version=0)
    spor_archive(spor=spor, by=chef, expected_version=0)
    assert Spor.objects.active().filter(pk=spor.pk).count() == 0
    assert Theme.objects.get(pk=theme.pk).is_archived


def test_spor_and_themes_are_created_and_edited_with_a_version(plan, chef):
    SporFactory(plan=plan, number=3)
    spor = spor_create(plan=plan, by=chef, title="Fritidslivet", description="Nyt spor")
    assert spor.number == 4
    spor_edit(spor=spor, by=chef, title="Fritid", description="", expected_version=0)
    with pytest.raises(EditConflict):
        spor_edit(spor=spor, by=chef, title="Igen", description="", expected_version=0)
    theme = theme_create(spor=spor, by=chef, title="Foreninger")
    theme_edit(theme=theme, by=chef, title="Foreningsliv", description="", expected_version=0)
    assert Theme.objects.get(pk=theme.pk).title == "Foreningsliv"


def test_edits_of_an_earlier_plan_are_refused(initiative, chef):
    PlanFactory(is_current=True)
    with pytest.raises(ValidationError):
        initiative_edit(initiative=initiative, by=chef, expected_version=0, title="Nej")


def test_a_milestone_is_added_only_inside_the_tiltag(initiative, chef):
    with pytest.raises(ValidationError) as exc:
        milestone_create(
            initiative=initiative,
            by=chef,
            title="Alt for tidligt",
            planned_quarter=dt.date(2024, 4, 1),
        )
    assert "tiltagets periode" in exc.value.message_dict["quarter"][0]
    with pytest.raises(ValidationError) as exc:
        milestone_create(initiative=initiative, by=chef, title="", planned_quarter=Q3_2025)
    assert "title" in exc.value.message_dict
    school = InstitutionFactory()
    added = milestone_create(
        initiative=initiative,
        by=chef,
        title="Lokal proces",
        planned_quarter=Q3_2025,
        institution=school,
    )
    assert added.history.first().history_user == chef


def test_an_archived_tiltag_takes_no_status_update(initiative, chef):
    from tests.tracks.test_services import _update

    initiative_archive(initiative=initiative, by=chef, expected_version=0)
    with pytest.raises(ValidationError):
        _update(initiative, chef)
    assert not initiative.status_updates.exists()
