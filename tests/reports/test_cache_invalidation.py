"""A write through the portal's own services is visible on the very next request, for each
family of cached aggregates (omstilling/cache.py): the dashboard's sections and verdict, and the
KPI page with its suppression."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from investments.services import investment_create
from omstilling.quarters import Quarter
from tests.factories import InstitutionFactory, SpecialOfferCountFactory
from tests.reports.conftest import TODAY, complete, set_status
from visitation.models import Level
from visitation.services import CountRow, special_offer_counts_replace

pytestmark = pytest.mark.django_db


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
