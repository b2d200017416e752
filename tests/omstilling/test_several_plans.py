"""Several plans in one portal: each keeps its own areas and bodies, one is current, the earlier
ones are read (read-only) through the plan chooser, and no page mixes one plan's content into
another's."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from investments.services import investment_create
from omstilling.models import Area, GovernanceBody, Plan
from omstilling.plan_file import load_plan_file
from tests.factories import DevelopmentSchoolFactory, MilestoneFactory
from tests.plan_content import plan_content
from tracks.access import can_edit_initiative
from tracks.models import Health, Initiative, Milestone, Spor, WorkState
from tracks.services import initiative_update_status, milestone_complete, milestone_create

EKSEMPEL = Path(settings.BASE_DIR) / "omstilling" / "plans" / "eksempel.yaml"
MINI = Path(__file__).parent.parent / "data" / "mini-plan.yaml"
pytestmark = pytest.mark.django_db


@pytest.fixture
def two_plans():
    """The mini plan (loaded first, so current) and the invented Eksempel plan after it."""
    first, _stats = load_plan_file(MINI)
    second, _stats = load_plan_file(EKSEMPEL)
    return first, second


NOTICE = "Du læser en tidligere plan"


def _overview(client) -> str:
    return client.get(reverse("tracks:overview")).content.decode()


def _choose(client, plan):
    return client.post(reverse("plan_list"), {"plan": plan.pk})


# --- loading ------------------------------------------------------------------------------------


def test_loading_a_second_plan_changes_no_row_of_the_first():
    vejle, _stats = load_plan_file(settings.PLAN_FILE)
    before = plan_content(vejle)
    history = GovernanceBody.history.count()

    eksempel, _stats = load_plan_file(EKSEMPEL)

    assert plan_content(vejle) == before
    assert GovernanceBody.history.filter(plan=vejle).count() == history
    # Both files name an area `dagtilbud` and a body `chefgruppen`: each plan has its own.
    assert Area.objects.get(plan=vejle, slug="dagtilbud").name == "Dagtilbud"
    assert Area.objects.get(plan=eksempel, slug="dagtilbud").name == "Dagtilbud og Pasning"
    assert GovernanceBody.objects.get(plan=vejle, slug="chefgruppen").name == (
        "Chefgruppen i Børn & Unge"
    )
    assert GovernanceBody.objects.get(plan=eksempel, slug="chefgruppen").name == (
        "Direktionen for Skole og Dagtilbud"
    )
    # Every tiltag's area and owning group is its own plan's.
    for initiative in Initiative.objects.select_related("lead_area", "owner_body"):
        assert initiative.lead_area.plan_id == initiative.plan_id
        assert initiative.owner_body is None or initiative.owner_body.plan_id == initiative.plan_id
    for spor in Spor.objects.prefetch_related("lead_areas"):
        assert {area.plan_id for area in spor.lead_areas.all()} <= {spor.plan_id}


def test_the_first_plan_loaded_stays_current(two_plans):
    first, second = two_plans

    assert Plan.objects.current() == first
    assert first.is_writable and not second.is_writable


def test_reloading_one_plan_does_not_touch_the_other(two_plans):
    first, second = two_plans
    before = plan_content(first)

    _plan, stats = load_plan_file(EKSEMPEL)

    assert not stats.changed
    assert plan_content(first) == before


# --- the current plan -------------------------------------------------------------------------


def test_set_current_plan_makes_a_successor_current(two_plans, capsys):
    first, second = two_plans

    call_command("set_current_plan", second.slug)

    assert Plan.objects.current() == second
    assert list(Plan.objects.filter(is_current=True)) == [second]
    assert "er nu den aktuelle plan" in capsys.readouterr().out
    # The switch is in the plan's history.
    assert second.history.first().is_current


def test_set_current_plan_names_the_plans_when_the_slug_is_unknown(two_plans):
    with pytest.raises(CommandError, match="mini, eksempel-faelles-om-det-naere"):
        call_command("set_current_plan", "findes-ikke")


def test_set_current_plan_twice_changes_nothing(two_plans, capsys):
    first, _second = two_plans
    call_command("set_current_plan", first.slug)
    rows = Plan.history.count()

    call_command("set_current_plan", first.slug)

    assert Plan.history.count() == rows
    assert "var allerede" in capsys.readouterr().out


# --- writes go to the current plan only ---------------------------------------------------------


def test_the_services_refuse_to_write_to_an_earlier_plan(two_plans, chef):
    _first, second = two_plans
    initiative = Initiative.objects.get(plan=second, slug="sprog-i-dagtilbud")
    milestone = Milestone.objects.get(initiative=initiative)

    with pytest.raises(ValidationError, match="ikke den aktuelle plan"):
        initiative_update_status(
            initiative=initiative,
            by=chef,
            state=WorkState.I_GANG,
            health=Health.GROEN,
            progress=10,
            expected_version=initiative.version,
        )
    with pytest.raises(ValidationError, match="ikke den aktuelle plan"):
        milestone_complete(milestone=milestone, by=chef, completed_on=dt.date(2026, 11, 1))
    with pytest.raises(ValidationError, match="ikke den aktuelle plan"):
        milestone_create(
            initiative=initiative, by=chef, title="Ny", planned_quarter=dt.date(2026, 10, 1)
        )
    with pytest.raises(ValidationError, match="ikke den aktuelle plan"):
        investment_create(
            plan=second,
            development_school=DevelopmentSchoolFactory(plan=second),
            by=chef,
            title="Ny",
            amount=1000,
        )
    assert not initiative.status_updates.exists()
    assert Milestone.objects.filter(initiative=initiative).count() == 1


def test_nobody_edits_an_earlier_plans_tiltag_in_the_portal(two_plans, client, chef):
    first, second = two_plans
    old = Initiative.objects.get(plan=second, slug="sprog-i-dagtilbud")
    client.force_login(chef)

    response = client.post(
        reverse("tracks:initiative_status", args=[old.pk]),
        {"state": "i_gang", "health": "groen", "progress": 10, "expected_version": 0},
    )

    assert response.status_code == 403
    assert not can_edit_initiative(chef, old)
    assert can_edit_initiative(chef, Initiative.objects.filter(plan=first).first())
    assert not old.status_updates.exists()


def test_after_a_switch_the_former_plan_is_read_only(two_plans, chef):
    first, second = two_plans
    call_command("set_current_plan", second.slug)
    initiative = Initiative.objects.get(plan=first, slug="kursus")

    with pytest.raises(ValidationError, match="ikke den aktuelle plan"):
        initiative_update_status(
            initiative=initiative,
            by=chef,
            state=WorkState.I_GANG,
            health=Health.GROEN,
            progress=10,
            expected_version=initiative.version,
        )


# --- pages show one plan ------------------------------------------------------------------------


def _texts(plan: Plan) -> tuple[set[str], set[str]]:
    spor = set(Spor.objects.filter(plan=plan).values_list("title", flat=True))
    initiatives = set(Initiative.objects.filter(plan=plan).values_list("title", flat=True))
    return spor, initiatives


@pytest.mark.parametrize("persona", ["chef", "bfu", "leader", "visitation"])
def test_each_plans_pages_show_only_its_own_content(request, client, two_plans, persona):
    first, second = two_plans
    client.force_login(request.getfixturevalue(persona))
    pages = [
        reverse("tracks:overview"),
        reverse("tracks:initiative_list"),
        reverse("reports:dashboard"),
    ]
    for shown, hidden in ((first, second), (second, first)):
        if shown == second:
            assert _choose(client, second).status_code == 302
        for url in pages:
            html = client.get(url).content.decode()
            own_spor, own_initiatives = _texts(shown)
            other_spor, other_initiatives = _texts(hidden)
            assert all(title in html for title in own_spor), url
            assert not any(title in html for title in other_spor | other_initiatives), url
        overview = client.get(reverse("tracks:overview")).content.decode()
        assert all(title in overview for title in own_initiatives)


def test_the_filters_offer_only_the_shown_plans_areas(client, chef, two_plans):
    _first, second = two_plans
    client.force_login(chef)
    _choose(client, second)

    form = client.get(reverse("tracks:initiative_list")).context["form"]

    assert {area.plan_id for area in form.fields["area"].queryset} == {second.pk}
    assert {spor.plan_id for spor in form.fields["spor"].queryset} == {second.pk}


def test_the_initiative_export_follows_the_shown_plan(client, bfu, two_plans):
    _first, second = two_plans
    client.force_login(bfu)
    _choose(client, second)

    text = client.get(reverse("tracks:initiative_export", args=["csv"])).content.decode("utf-8-sig")

    assert "Sprogarbejde i alle dagtilbud" in text
    assert "Fælles kompetenceudviklingsforløb" not in text


def test_an_earlier_plan_is_marked_read_only_on_every_page(client, bfu, two_plans):
    first, second = two_plans
    client.force_login(bfu)

    assert NOTICE not in _overview(client)
    _choose(client, second)
    html = client.get(reverse("reports:dashboard")).content.decode()

    assert NOTICE in html
    assert second.title in html
    # Choosing the current plan again ends it.
    _choose(client, first)
    assert NOTICE not in _overview(client)


def test_the_plan_chooser_lists_every_plan_and_marks_the_current(client, bfu, two_plans):
    first, second = two_plans
    client.force_login(bfu)

    response = client.get(reverse("plan_list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert first.title in html and second.title in html
    assert [p for p in response.context["plans"] if p.is_current_plan] == [first]


def test_the_plan_chooser_refuses_a_plan_that_does_not_exist(client, bfu, two_plans):
    client.force_login(bfu)

    response = client.post(reverse("plan_list"), {"plan": 10**6})

    assert response.status_code == 400
    assert NOTICE not in _overview(client)


def test_the_plan_chooser_needs_a_role(client, two_plans, django_user_model):
    user = django_user_model.objects.create_user("uden-rolle", password="pw")
    client.force_login(user)

    assert client.get(reverse("plan_list")).status_code == 403


def test_my_milestones_are_the_current_plans_only(client, chef, two_plans):
    first, second = two_plans
    body = GovernanceBody.objects.get(plan=first, slug="chefgruppen")
    body.members.add(chef)
    old_body = GovernanceBody.objects.get(plan=second, slug="chefgruppen")
    old_body.members.add(chef)
    client.force_login(chef)
    _choose(client, second)

    milestones = client.get(reverse("tracks:my_milestones")).context["milestones"]

    assert milestones
    assert {m.initiative.plan_id for m in milestones} == {first.pk}


def test_a_milestone_of_an_earlier_plan_cannot_be_completed(client, chef, two_plans):
    _first, second = two_plans
    milestone = MilestoneFactory(
        initiative=Initiative.objects.get(plan=second, slug="sprog-i-dagtilbud")
    )
    client.force_login(chef)

    response = client.post(
        reverse("tracks:milestone_complete", args=[milestone.pk]),
        {"completed_on": "2026-11-01"},
    )

    assert response.status_code == 403
    milestone.refresh_from_db()
    assert milestone.completed_on is None
