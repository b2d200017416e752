"""The cached aggregates (omstilling/cache.py): built once, and stale as soon as a write changes
what they are built from. For each family of data, a write through the portal's own services
is visible on the very next request."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from investments.services import investment_create
from omstilling.cache import Family, bump, cached, generations
from omstilling.quarters import Quarter
from reports.models import Report, ReportKind
from tests.factories import InstitutionFactory, SpecialOfferCountFactory
from tests.reports.conftest import TODAY, complete, set_status
from visitation.models import Level
from visitation.services import CountRow, special_offer_counts_replace

pytestmark = pytest.mark.django_db


def _counter():
    calls = []

    def build():
        calls.append(1)
        return len(calls)

    return build


# --- the module ----------------------------------------------------------------------------


def test_it_builds_a_value_once_until_a_family_it_depends_on_is_written():
    build = _counter()

    def value():
        return cached(name="t", families=[Family.PLAN, Family.CORE], build=build)

    assert (value(), value()) == (1, 1)
    bump(Family.INVESTMENTS)  # not one it depends on
    assert value() == 1
    bump(Family.PLAN)
    assert value() == 2
    bump(Family.CORE)
    assert value() == 3


def test_the_parts_and_the_language_are_part_of_the_key():
    build = _counter()

    assert cached(name="t", families=[Family.PLAN], build=build, plan=1) == 1
    assert cached(name="t", families=[Family.PLAN], build=build, plan=2) == 2
    with translation.override("en"):
        assert cached(name="t", families=[Family.PLAN], build=build, plan=1) == 3
    assert cached(name="t", families=[Family.PLAN], build=build, plan=1) == 1


def test_a_lost_generation_starts_afresh_and_never_meets_an_old_entry():
    build = _counter()
    cached(name="t", families=[Family.PLAN], build=build)
    before = generations([Family.PLAN])[Family.PLAN]

    cache.delete(f"generation:{Family.PLAN}")

    assert generations([Family.PLAN])[Family.PLAN] > before
    assert cached(name="t", families=[Family.PLAN], build=build) == 2


def test_a_write_in_a_transaction_bumps_at_once_and_again_on_commit(
    django_capture_on_commit_callbacks,
):
    before = generations([Family.PLAN])[Family.PLAN]

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        bump(Family.PLAN)
        assert generations([Family.PLAN])[Family.PLAN] == before + 1

    assert generations([Family.PLAN])[Family.PLAN] == before + 2


def test_an_issued_report_bumps_the_reports_family(plan):
    before = generations([Family.REPORTS])[Family.REPORTS]

    Report.objects.create(
        kind=ReportKind.MAANEDSRAPPORT,
        period="2026-11",
        period_label="november 2026",
        period_start=dt.date(2026, 11, 1),
    )

    assert generations([Family.REPORTS])[Family.REPORTS] > before


def test_a_log_in_does_not_make_the_aggregates_stale(client, bfu):
    before = generations([Family.CORE])[Family.CORE]

    client.force_login(bfu)

    assert generations([Family.CORE])[Family.CORE] == before


# --- visible on the very next request, per family --------------------------------------------


@pytest.fixture
def dashboard(client, bfu, dashboard_data):
    client.force_login(bfu)

    def get() -> str:
        return client.get("/dashboard/").content.decode()

    return get


def test_a_status_update_is_on_the_dashboard_at_once(dashboard, dashboard_data, chef):
    assert "1 rødt tiltag" in dashboard()

    set_status(dashboard_data["initiatives"]["A4"], chef, TODAY.date(), "i_gang", "roed", 5)

    assert "2 røde tiltag" in dashboard()


def test_a_milestone_reached_is_on_the_dashboard_at_once(dashboard, dashboard_data, chef):
    assert "4 forsinkede milepæle" in dashboard()

    complete(dashboard_data["milestones"]["M2"], chef, TODAY.date())

    assert "3 forsinkede milepæle" in dashboard()


def test_a_new_investment_is_on_the_dashboard_at_once(dashboard, dashboard_data, chef):
    assert "ingen investeringer venter på behandling" in dashboard()

    investment_create(
        plan=dashboard_data["plan"],
        development_school=dashboard_data["schools"]["Skole C"],
        by=chef,
        title="Ny læringsstrategi",
        amount=Decimal("750000"),
    )

    assert "1 investering venter på behandling" in dashboard()


@pytest.fixture
def kpis(client, bfu, plan):
    client.force_login(bfu)

    def get() -> str:
        with time_machine.travel(TODAY, tick=False):
            return client.get("/noegletal/").content.decode()

    return get


def test_a_counts_import_is_on_the_kpi_page_at_once(kpis, visitation):
    school = InstitutionFactory(name="Distriktsskolen Øst")
    assert "Distriktsskolen Øst" not in kpis()

    special_offer_counts_replace(
        by=visitation,
        rows=[
            CountRow(
                institution=school,
                quarter=Quarter.of(dt.date(2026, 7, 1)),
                level=Level.SKOLE,
                children_in_special_offers=12,
                district_pupils=400,
            )
        ],
        file_name="tal.csv",
    )

    assert "Distriktsskolen Øst" in kpis()


def test_a_renamed_institution_is_on_the_kpi_page_at_once(kpis):
    school = InstitutionFactory(name="Distriktsskolen Vest")
    SpecialOfferCountFactory(institution=school, level=Level.SKOLE, children_in_special_offers=12)
    assert "Distriktsskolen Vest" in kpis()

    school.name = "Vestskolen"
    school.save()

    page = kpis()
    assert "Vestskolen" in page and "Distriktsskolen Vest" not in page
