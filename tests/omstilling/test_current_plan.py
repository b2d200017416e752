"""Which plan the portal runs: one home (`Plan.objects.current()`)."""

import pytest
from django.db import IntegrityError

from omstilling.models import Plan
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def test_the_plan_marked_current_is_the_current_one():
    PlanFactory(slug="foerste")
    successor = PlanFactory(slug="naeste", is_current=True)

    assert Plan.objects.current() == successor


def test_without_a_mark_the_first_plan_loaded_is_current():
    first = PlanFactory(slug="foerste")
    PlanFactory(slug="naeste")

    assert Plan.objects.current() == first


def test_there_is_no_current_plan_before_one_is_loaded():
    assert Plan.objects.current() is None


def test_only_one_plan_can_be_current():
    PlanFactory(slug="foerste", is_current=True)

    with pytest.raises(IntegrityError):
        PlanFactory(slug="naeste", is_current=True)
