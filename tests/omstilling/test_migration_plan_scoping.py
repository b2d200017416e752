"""The data migration that gives every existing area and governance body its plan (0008)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("omstilling", "0007_area_governancebody_plan"), ("tracks", "0003_protect_history")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _plan(apps, slug: str, **kwargs):
    return apps.get_model("omstilling", "Plan").objects.create(
        slug=slug,
        title=slug,
        municipality="Testkommune",
        department="Forvaltningen",
        committee="Udvalget",
        start_quarter=dt.date(2025, 1, 1),
        end_quarter=dt.date(2026, 10, 1),
        **kwargs,
    )


def _initiative(apps, plan, number: int, area, body=None):
    Spor = apps.get_model("tracks", "Spor")
    spor = Spor.objects.create(plan=plan, number=number, slug=f"spor-{number}", title="Spor")
    spor.lead_areas.add(area)
    return apps.get_model("tracks", "Initiative").objects.create(
        plan=plan,
        spor=spor,
        slug=f"tiltag-{number}",
        title="Tiltag",
        lead_area=area,
        owner_body=body,
        start_quarter=dt.date(2025, 1, 1),
    )


@pytest.mark.django_db(transaction=True)
def test_each_plan_gets_its_own_copy_of_an_area_and_a_body_they_shared():
    old = _migrate(BEFORE)
    first = _plan(old, "foerste")
    second = _plan(old, "anden", is_current=True)
    Area = old.get_model("omstilling", "Area")
    Body = old.get_model("omstilling", "GovernanceBody")
    shared_area = Area.objects.create(slug="dagtilbud", name="Dagtilbud")
    unused_area = Area.objects.create(slug="oekonomi", name="Økonomi")
    shared_body = Body.objects.create(slug="chefgruppen", name="Chefgruppen", kind="styregruppe")
    member = old.get_model("omstilling", "User").objects.create(username="medlem")
    shared_body.members.add(member)
    _initiative(old, first, 1, shared_area, shared_body)
    _initiative(old, second, 2, shared_area, shared_body)
    executor = MigrationExecutor(connection)
    new = _migrate(executor.loader.graph.leaf_nodes())

    Area = new.get_model("omstilling", "Area")
    Body = new.get_model("omstilling", "GovernanceBody")
    Initiative = new.get_model("tracks", "Initiative")
    # The current plan keeps the row; the other plan gets a copy with the same names.
    assert Area.objects.get(pk=shared_area.pk).plan_id == second.pk
    copy = Area.objects.get(plan_id=first.pk, slug="dagtilbud")
    assert copy.name == "Dagtilbud"
    assert Area.objects.get(pk=unused_area.pk).plan_id == second.pk
    assert Body.objects.get(pk=shared_body.pk).plan_id == second.pk
    body_copy = Body.objects.get(plan_id=first.pk, slug="chefgruppen")
    assert list(body_copy.members.values_list("username", flat=True)) == ["medlem"]
    for initiative in Initiative.objects.select_related("lead_area", "owner_body", "spor"):
        assert initiative.lead_area.plan_id == initiative.plan_id
        assert initiative.owner_body.plan_id == initiative.plan_id
        assert [a.plan_id for a in initiative.spor.lead_areas.all()] == [initiative.plan_id]
