"""History is never deleted through the admin, not even by a superuser.

Neither history rows nor objects whose deletion would take history with it: no bulk "delete
selected", and a forged POST to a delete page is refused. A user who leaves is deactivated.
"""

import datetime as dt

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from omstilling.history_admin import HISTORY_MODELS, deletion_touches_history
from omstilling.models import AccessLog, Institution, Plan, User
from omstilling.services import access_log_record
from tests.factories import AreaFactory, InstitutionFactory, MilestoneFactory, UserFactory
from tracks.models import Initiative, Milestone, StatusUpdate
from tracks.services import initiative_update_status, milestone_complete

pytestmark = pytest.mark.django_db

OUR_APPS = {"omstilling", "tracks", "investments", "supportsystem", "visitation", "reports"}


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@kommune.example", "root-pw")


@pytest.fixture
def status_update(initiative, chef):
    return initiative_update_status(
        initiative=initiative,
        by=chef,
        state="i_gang",
        health="groen",
        progress=20,
        narrative="Godt i gang.",
        expected_version=initiative.version,
    )


def _delete_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk])


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_the_history_list_names_installed_models():
    for label in HISTORY_MODELS:
        assert apps.get_model(label)


def test_no_admin_of_ours_offers_bulk_deletion(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser

    offering = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in OUR_APPS
        and "delete_selected" in model_admin.get_actions(request)
    ]

    assert offering == []


@pytest.mark.parametrize("kind", ["initiative", "plan", "institution", "milestone"])
def test_a_superuser_cannot_delete_plan_content_or_institutions(
    client, superuser, status_update, local_milestone, kind
):
    obj = {
        "initiative": status_update.initiative,
        "plan": status_update.initiative.plan,
        "institution": local_milestone.institution,
        "milestone": local_milestone,
    }[kind]
    client.force_login(superuser)

    assert client.get(_delete_url(obj)).status_code == 403
    response = client.post(_delete_url(obj), {"post": "yes"})

    assert response.status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert StatusUpdate.objects.filter(pk=status_update.pk).exists()


def test_the_bulk_action_cannot_be_forged(client, superuser, status_update):
    initiative = status_update.initiative
    client.force_login(superuser)

    client.post(
        _changelist(Initiative),
        {"action": "delete_selected", "_selected_action": [initiative.pk], "post": "yes"},
    )

    assert Initiative.objects.filter(pk=initiative.pk).exists()
    assert StatusUpdate.objects.filter(pk=status_update.pk).exists()


def test_a_milestone_is_not_deleted_through_its_initiative(client, superuser, initiative):
    milestone = MilestoneFactory(initiative=initiative)
    client.force_login(superuser)

    client.post(
        reverse("admin:tracks_initiative_change", args=[initiative.pk]),
        {
            "plan": initiative.plan_id,
            "spor": initiative.spor_id,
            "slug": initiative.slug,
            "title": initiative.title,
            "lead_area": initiative.lead_area_id,
            "start_quarter": "2025-01-01",
            "order": 0,
            "milestones-TOTAL_FORMS": 1,
            "milestones-INITIAL_FORMS": 1,
            "milestones-0-id": milestone.pk,
            "milestones-0-initiative": initiative.pk,
            "milestones-0-slug": milestone.slug,
            "milestones-0-title": milestone.title,
            "milestones-0-planned_quarter": milestone.planned_quarter.isoformat(),
            "milestones-0-DELETE": "on",
        },
    )

    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_the_access_log_is_never_deleted(client, superuser, admin_user):
    access_log_record(user=admin_user, action=AccessLog.Action.READ, model="x.Y", object_id="1")
    entry = AccessLog.objects.get()
    client.force_login(superuser)

    assert client.post(_delete_url(entry), {"post": "yes"}).status_code == 403
    assert AccessLog.objects.filter(pk=entry.pk).exists()


# --- Users: deactivated, deleted only without history -----------------------------------------


@pytest.mark.parametrize("history", ["status update", "milestone event", "access log"])
def test_a_user_with_history_is_not_deleted(client, superuser, chef, initiative, history):
    if history == "status update":
        initiative_update_status(
            initiative=initiative,
            by=chef,
            state="i_gang",
            health="groen",
            progress=5,
            expected_version=initiative.version,
        )
    elif history == "milestone event":
        milestone_complete(
            milestone=MilestoneFactory(initiative=initiative), by=chef, completed_on=dt.date.today()
        )
    else:
        access_log_record(user=chef, action=AccessLog.Action.READ, model="x.Y", object_id="1")
    client.force_login(superuser)

    response = client.post(_delete_url(chef), {"post": "yes"})

    assert response.status_code == 403
    assert User.objects.filter(pk=chef.pk).exists()


@pytest.mark.parametrize("by", ["superuser", "admin_user"])
def test_a_user_without_history_can_be_deleted(client, request, by):
    mistake = UserFactory(username="fejl", role="bfu")
    client.force_login(request.getfixturevalue(by))

    response = client.post(_delete_url(mistake), {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=mistake.pk).exists()


def test_an_administrator_does_not_delete_itself(client, admin_user):
    client.force_login(admin_user)

    assert client.post(_delete_url(admin_user), {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=admin_user.pk).exists()


# --- The rule, on master data ------------------------------------------------------------------


def test_master_data_that_nothing_depends_on_can_be_deleted(client, admin_user):
    area = AreaFactory()
    client.force_login(admin_user)

    response = client.post(_delete_url(area), {"post": "yes"})

    assert response.status_code == 302
    assert not type(area).objects.filter(pk=area.pk).exists()


def test_master_data_that_plan_content_protects_is_not_deleted(client, admin_user, initiative):
    area = initiative.lead_area
    client.force_login(admin_user)

    assert client.post(_delete_url(area), {"post": "yes"}).status_code == 403
    assert type(area).objects.filter(pk=area.pk).exists()


def test_deletion_touches_history_sees_cascades_and_blanked_authors(chef, status_update):
    assert deletion_touches_history(status_update.initiative)  # cascades the status update
    assert deletion_touches_history(chef)  # the update's author (PROTECT)
    assert not deletion_touches_history(InstitutionFactory())
    assert not deletion_touches_history(Plan.objects.create(slug="tom", **_plan_fields()))
    assert Institution.objects.exists()


def _plan_fields() -> dict:
    return {
        "title": "Tom plan",
        "municipality": "Testkommune",
        "department": "B&U",
        "committee": "BFU",
        "start_quarter": dt.date(2025, 1, 1),
        "end_quarter": dt.date(2025, 10, 1),
    }
