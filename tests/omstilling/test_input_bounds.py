"""Every input bounded and screened: the defects of the security review (issue 10, parts 1–2),
each reproduced through the page a user would use, and the mechanism that holds them."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from investments.models import DevelopmentSchool, Investment, Spending
from omstilling.bounds import STATUS_LENGTH
from omstilling.checks import form_field_error, model_field_error
from omstilling.fields import FreeTextField
from omstilling.plan_file import PlanFileError, parse_plan_file
from tests.factories import DevelopmentSchoolFactory, MilestoneFactory
from tracks.models import Milestone, StatusUpdate
from tracks.services import initiative_update_status
from visitation.models import PreReferral

NOW = dt.datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Europe/Copenhagen"))

# The spellings that got through before (issue 10, part 1), and the plain one.
CPR_SPELLINGS = ["010203-1234", "010190 1234", "010190–1234", "01.01.90-1234", "0101 90 1234"]


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def _status(version=0, **overrides):
    return {
        "state": "i_gang",
        "health": "gul",
        "progress": "40",
        "narrative": "Forløbet er forsinket.",
        "next_steps": "",
        "expected_version": str(version),
        **overrides,
    }


def _error_on(page: str, field: str) -> bool:
    return f'id="id_{field}-error"' in page and 'aria-describedby="' in page


# --- part 1: a CPR number in free text --------------------------------------------------------


@pytest.mark.parametrize("number", CPR_SPELLINGS)
def test_a_status_note_with_a_cpr_number_is_refused_on_its_field(client, chef, initiative, number):
    client.force_login(chef)
    url = reverse("tracks:initiative_status", args=[initiative.pk])

    response = client.post(url, _status(narrative=f"Uro omkring barn {number} i 3.b."))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_narrative-error"' in page
    assert "CPR-nummer" in page
    # the rest of what was typed is kept; the number is not sent back
    assert "Uro omkring barn ••••••-•••• i 3.b." in page
    assert number not in page
    assert not StatusUpdate.objects.exists()


def test_next_steps_are_screened_too(client, chef, initiative):
    client.force_login(chef)
    url = reverse("tracks:initiative_status", args=[initiative.pk])

    response = client.post(url, _status(next_steps="Ring om 0101 90 1234"))

    assert 'id="id_next_steps-error"' in response.content.decode()
    assert not StatusUpdate.objects.exists()


def test_a_milestone_note_with_a_cpr_number_is_refused(client, leader, local_milestone):
    client.force_login(leader)
    url = reverse("tracks:milestone_complete", args=[local_milestone.pk])

    response = client.post(url, {"completed_on": "2026-11-20", "note": "Barn 01.01.90-1234"})

    assert response.status_code == 200
    assert 'id="id_note-error"' in response.content.decode()
    local_milestone.refresh_from_db()
    assert local_milestone.completed_on is None
    assert not local_milestone.events.exists()


@pytest.fixture
def dev_school(plan, school):
    plan.funding_amount = Decimal("50000000")
    plan.funding_development_schools = 10
    plan.save()
    return DevelopmentSchoolFactory(plan=plan, school=school, order=1)


@pytest.mark.parametrize("field", ["title", "purpose"])
def test_an_investment_with_a_cpr_number_is_refused(client, chef, dev_school, field):
    client.force_login(chef)
    data = {
        "development_school": dev_school.pk,
        "title": "Ny investering",
        "purpose": "",
        "amount": "1.250.000",
        field: "For barnet 010190–1234",
    }

    response = client.post(reverse("investments:investment_create"), data)

    assert response.status_code == 200
    assert f'id="id_{field}-error"' in response.content.decode()
    assert not Investment.objects.exists()


def test_the_guard_refuses_a_row_a_service_would_store_with_a_cpr_number(chef, initiative):
    with pytest.raises(ValidationError) as caught:
        initiative_update_status(
            initiative=initiative,
            by=chef,
            state="i_gang",
            health="gul",
            progress=40,
            narrative="Barn 0101 90 1234",
            expected_version=0,
        )

    assert "narrative" in caught.value.message_dict
    assert not StatusUpdate.objects.exists()


def test_the_guard_refuses_a_row_saved_directly(chef, initiative):
    with pytest.raises(ValidationError):
        StatusUpdate.objects.create(
            initiative=initiative,
            version=1,
            state="i_gang",
            health="groen",
            progress=10,
            next_steps="010203-1234",
            author=chef,
        )
    with pytest.raises(ValidationError):
        Milestone.objects.create(
            initiative=initiative,
            slug="m",
            title="Nul\x00byte",
            planned_quarter=dt.date(2026, 1, 1),
        )


def test_a_plan_file_with_a_cpr_number_is_refused_with_its_line(tmp_path):
    source = (pytest.importorskip("pathlib").Path("tests/data/mini-plan.yaml")).read_text()
    assert "  title: " in source
    lines = source.splitlines()
    line_no = next(i for i, line in enumerate(lines) if line.startswith("  title: "))
    lines[line_no] = "  title: Plan for barn 010203-1234"
    path = tmp_path / "plan.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(PlanFileError) as caught:
        parse_plan_file(path)

    problem = " ".join(caught.value.problems)
    assert f"linje {line_no + 1}, plan.title" in problem
    assert "CPR-nummer" in problem


# --- part 2: bounds ---------------------------------------------------------------------------


def test_a_one_megabyte_status_note_is_refused_and_nothing_stored(client, chef, initiative):
    client.force_login(chef)
    url = reverse("tracks:initiative_status", args=[initiative.pk])

    response = client.post(url, _status(narrative="x" * 1_000_000))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_narrative-error"' in page
    assert "Teksten må højst være 2000 tegn lang (den er 1000000)." in page
    assert not StatusUpdate.objects.exists()


def test_a_long_text_field_shows_its_limit_and_a_live_count(client, chef, initiative):
    client.force_login(chef)

    page = client.get(reverse("tracks:initiative_status", args=[initiative.pk])).content.decode()

    assert f'data-maxlength="{STATUS_LENGTH}"' in page
    assert 'maxlength="2000"' in page
    assert 'id="id_narrative-limit"' in page
    assert "Højst 2.000 tegn." in page
    assert 'aria-describedby="id_narrative-hint id_narrative-limit"' in page


def test_an_order_out_of_range_is_an_error_on_its_field_not_a_server_error(
    client, chef, dev_school
):
    client.force_login(chef)

    response = client.post(
        reverse("investments:school_edit", args=[dev_school.pk]), {"order": "40000"}
    )

    assert response.status_code == 200
    assert 'id="id_order-error"' in response.content.decode()
    assert DevelopmentSchool.objects.get().order == 1


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "1999-12-31", "2026-11-25"])
def test_a_pre_referral_outside_the_case_window_is_refused(client, visitation, school, day):
    client.force_login(visitation)

    response = client.post(
        reverse("visitation:pre_referral_create"),
        {
            "case_number": "SAG-2026-1",
            "institution": school.pk,
            "age_group": "skole_1_3",
            "held_on": day,
            "led_by": "ppr",
            "outcome": "afventer",
        },
    )

    assert response.status_code == 200
    assert 'id="id_held_on-error"' in response.content.decode()
    assert not PreReferral.objects.exists()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2001-05-01", "kan ikke ligge før 1. april 2023"),  # a year before the plan's start
        ("2026-11-25", "kan ikke ligge i fremtiden"),
    ],
)
def test_a_milestone_is_completed_within_the_plan_and_not_in_the_future(
    client, leader, local_milestone, day, message
):
    client.force_login(leader)

    response = client.post(
        reverse("tracks:milestone_complete", args=[local_milestone.pk]), {"completed_on": day}
    )

    assert message in response.content.decode()
    local_milestone.refresh_from_db()
    assert local_milestone.completed_on is None


def test_spending_before_the_plan_window_is_refused_by_the_service(chef, dev_school, plan):
    from investments.services import investment_create, spending_record

    investment = investment_create(
        plan=plan, development_school=dev_school, by=chef, title="T", amount=Decimal("100")
    )
    investment.state = "i_gang"
    investment.save(update_fields=["state"])

    with pytest.raises(ValidationError) as caught:
        spending_record(
            investment=investment, by=chef, spent_on=dt.date(2022, 1, 3), amount=Decimal("10")
        )

    assert "spent_on" in caught.value.message_dict
    assert not Spending.objects.exists()


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity", "1e999999"])
def test_an_amount_that_is_no_number_is_an_error_on_its_field(client, chef, dev_school, value):
    client.force_login(chef)

    response = client.post(
        reverse("investments:investment_create"),
        {"development_school": dev_school.pk, "title": "T", "amount": value},
    )

    assert response.status_code == 200
    assert 'id="id_amount-error"' in response.content.decode()
    assert not Investment.objects.exists()


# --- the mechanism: a new field cannot forget it ----------------------------------------------


def test_the_portal_passes_its_own_system_check():
    call_command("check", fail_level="ERROR")


def test_the_check_names_an_unbounded_or_unscreened_form_field():
    class NoteForm(forms.Form):
        note = forms.CharField()
        title = forms.CharField(max_length=10)
        screened = FreeTextField(max_length=10)
        number = forms.IntegerField(min_value=0)
        day = forms.DateField()

    fields = NoteForm.base_fields
    assert form_field_error(NoteForm, fields["note"]) == "a text field without max_length"
    assert "not a FreeTextField" in form_field_error(NoteForm, fields["title"])
    assert form_field_error(NoteForm, fields["screened"]) is None
    assert "without min_value and max_value" in form_field_error(NoteForm, fields["number"])
    assert "not a BoundedDateField" in form_field_error(NoteForm, fields["day"])


def test_the_check_names_a_model_text_field_that_is_not_screened():
    field = models.TextField()
    field.set_attributes_from_name("new_note")

    assert "not a ScreenedCharField" in model_field_error(StatusUpdate, field)
    assert model_field_error(StatusUpdate, StatusUpdate._meta.get_field("narrative")) is None


def test_every_stored_text_field_is_bounded_and_screened():
    """What the check enforces, stated for the fields the review named."""
    for model, name in [
        (StatusUpdate, "narrative"),
        (StatusUpdate, "next_steps"),
        (Milestone, "completion_note"),
        (Investment, "title"),
        (Investment, "purpose"),
    ]:
        field = model._meta.get_field(name)
        assert field.max_length
        with pytest.raises(ValidationError):
            field.run_validators("010190 1234")
        with pytest.raises(ValidationError):
            field.run_validators("x" * (field.max_length + 1))


@pytest.mark.django_db
def test_an_existing_long_row_can_still_be_read_and_saved_on_its_other_fields(initiative):
    """Rows stored before the limits (e.g. a 1 MB note) keep loading; only a change of the
    long field itself is refused."""
    milestone = MilestoneFactory(initiative=initiative)
    Milestone.objects.filter(pk=milestone.pk).update(description="x" * 10_000)
    milestone.refresh_from_db()

    milestone.order = 3
    milestone.save(update_fields=["order"])

    assert Milestone.objects.get(pk=milestone.pk).order == 3


# --- what the form fuzz (tests/security/test_fuzz_forms.py) found after the above ------------


def test_a_broken_hidden_version_says_the_page_is_stale_above_the_form(client, chef, initiative):
    client.force_login(chef)
    url = reverse("tracks:initiative_status", args=[initiative.pk])

    response = client.post(url, _status(version="NaN"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "siden er forældet eller ændret" in page
    assert not StatusUpdate.objects.exists()


@pytest.mark.parametrize("target", ["-1", "NaN", "1\x00", "tracks:overview"])
def test_a_next_that_is_no_path_on_this_site_goes_to_the_default(
    client, leader, local_milestone, target
):
    client.force_login(leader)

    response = client.post(
        reverse("tracks:milestone_complete", args=[local_milestone.pk]),
        {"completed_on": "2026-11-20", "next": target},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("tracks:my_milestones")


def test_a_row_id_no_database_can_hold_is_an_invalid_choice(client, chef, dev_school):
    client.force_login(chef)

    response = client.post(
        reverse("investments:investment_create"),
        {
            "development_school": str(2**63),
            "title": "T",
            "amount": "1000",
            "initiatives": [str(2**64)],
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_development_school-error"' in page
    assert 'id="id_initiatives-error"' in page
    assert not Investment.objects.exists()
