"""The demo data: forløb of each concern type at the demo institutions, through the services."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from omstilling.demo import seed_demo
from omstilling.plan_file import load_plan_file
from supportsystem.models import ConcernType, Forloeb, SupportActor, Transition
from supportsystem.selectors import forloeb_circle, forloeb_history

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)


def test_it_seeds_forloeb_of_each_type_at_various_stages_on_demo_institutions():
    load_plan_file(settings.PLAN_FILE)

    with time_machine.travel(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC), tick=False):
        seed_demo(today=TODAY)

    forloeb = list(Forloeb.objects.select_related("institution", "current_stage"))
    assert {f.concern_type for f in forloeb} == set(ConcernType.values)
    for concern in ConcernType.values:
        assert sum(f.concern_type == concern for f in forloeb) >= 2
    assert all(f.institution.is_demo for f in forloeb)
    assert len({f.current_stage_id for f in forloeb}) >= 5
    assert any(f.closed_on for f in forloeb) and any(not f.closed_on for f in forloeb)
    assert Transition.objects.filter(kind="reopen").exists()
    assert SupportActor.objects.filter(kind="internt", institution__is_demo=True).count() == 3
    # Case numbers like DEMO-0001 are hashed; the number itself is nowhere.
    children = [f for f in forloeb if f.concern_type == ConcernType.BARN]
    assert all(len(f.case_key) == 64 and "DEMO" not in f.case_key for f in children)
    assert not Forloeb.objects.filter(label__icontains="DEMO-").exists()
    # Every forløb's history is consistent with where it stands.
    for f in forloeb:
        history = forloeb_history(forloeb=f)
        assert history[-1].to_stage_id == f.current_stage_id
        assert all(a.on <= b.on for a, b in zip(history, history[1:], strict=False))
        assert max(step.on for step in history) <= TODAY
        assert [item["state"] for item in forloeb_circle(forloeb=f, history=history)].count(
            "current"
        ) == 1
