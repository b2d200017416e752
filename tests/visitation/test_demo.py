"""The demo data: created through the services, the same every time, no case number stored."""

import datetime as dt

import pytest
from django.core.management import call_command

from omstilling.demo import seed_demo
from tests.visitation.test_views import _text_columns_containing
from visitation.models import KpiTarget, PreReferral, Referral, SpecialOfferCount

# Transactional: the test empties the database between the two runs of the seeder.
pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date(2026, 11, 24)


def _snapshot():
    return (
        sorted(PreReferral.objects.values_list("case_key", "held_on", "outcome")),
        sorted(Referral.objects.values_list("case_key", "received_on", "decision", "decided_on")),
        sorted(
            SpecialOfferCount.objects.values_list(
                "institution__name", "quarter", "level", "children_in_special_offers"
            )
        ),
        sorted(KpiTarget.objects.values_list("indicator", "quarter", "target", "baseline")),
    )


def test_the_demo_data_is_deterministic_and_stores_no_case_number():
    seed_demo(today=TODAY)
    first = _snapshot()

    assert PreReferral.objects.filter(institution__is_demo=False).count() == 0
    assert SpecialOfferCount.objects.values("quarter").distinct().count() == 10
    assert Referral.objects.exclude(decision="").exists()
    assert _text_columns_containing("DEMO-V-") == []

    call_command("flush", interactive=False, verbosity=0)
    seed_demo(today=TODAY)
    assert _snapshot() == first
