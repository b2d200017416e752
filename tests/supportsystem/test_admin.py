"""Administrators keep the directory up to date in the admin; forløb are never in the admin."""

from django.contrib import admin
from django.urls import reverse

from supportsystem.models import Forloeb, SupportActor, Transition
from tests.factories import SupportActorFactory


def test_administrators_edit_the_directory(client, admin_user):
    actor = SupportActorFactory(name="PPR")
    client.force_login(admin_user)

    assert client.get(reverse("admin:supportsystem_supportactor_changelist")).status_code == 200
    response = client.post(
        reverse("admin:supportsystem_supportactor_change", args=[actor.pk]),
        {
            "name": "PPR – Pædagogisk Psykologisk Rådgivning",
            "slug": "ppr",
            "kind": "eksternt",
            "competences": "PPV",
            "contact": "ppr@kommune.invalid",
            "order": 0,
        },
    )

    assert response.status_code == 302
    actor.refresh_from_db()
    assert actor.contact == "ppr@kommune.invalid"
    # The edit is kept in the actor's history, with who made it.
    assert actor.history.first().history_user == admin_user


def test_other_staff_cannot_edit_the_directory(client, chef):
    client.force_login(chef)

    response = client.get(reverse("admin:supportsystem_supportactor_changelist"))

    assert response.status_code == 403


def test_stages_are_read_only_and_forloeb_not_in_the_admin(client, admin_user, circle):
    client.force_login(admin_user)

    assert client.get(reverse("admin:supportsystem_stage_changelist")).status_code == 200
    assert client.get(reverse("admin:supportsystem_stage_add")).status_code == 403
    assert not admin.site.is_registered(Forloeb)
    assert not admin.site.is_registered(Transition)
    assert SupportActor in admin.site._registry
