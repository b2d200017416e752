"""Chefgruppen's switches for what is public (/offentliggoerelse/): chefgruppen only."""

import pytest
from django.urls import reverse

from omstilling.models import Plan
from reports.models import Report, ReportKind, ReportPublication, ReportState
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

OTHER_ROLES = ["bfu", "owner", "leader", "support", "visitation", "admin"]


@pytest.fixture
def current(db):
    return PlanFactory(slug="aktuel", is_current=True)


@pytest.fixture
def report(db):
    return Report.objects.create(
        kind=ReportKind.KVARTALSRAPPORT,
        period="2026-K3",
        period_label="3. kvartal 2026",
        period_start="2026-07-01",
        state=ReportState.FAERDIG,
        snapshot={},
        sha256="0" * 64,
        pdf="rapporter/2026/x.pdf",
    )


def test_chefgruppen_sees_the_page(client, chef, current, report):
    client.force_login(chef)

    response = client.get(reverse("publishing:settings"))

    assert response.status_code == 200
    assert "Offentliggør fremdriften" in response.content.decode()


def test_chefgruppen_makes_the_plan_public_and_private_again(client, chef, current):
    client.force_login(chef)

    client.post(reverse("publishing:plan"), {"public": "1"})
    assert Plan.objects.get(pk=current.pk).is_public
    client.post(reverse("publishing:plan"), {"public": "0"})

    assert not Plan.objects.get(pk=current.pk).is_public
    # both changes kept in the plan's history, with who made them
    history = list(current.history.order_by("history_date"))
    assert [h.is_public for h in history][-2:] == [True, False]
    assert history[-1].history_user == chef


def test_chefgruppen_publishes_and_withdraws_a_report(client, chef, current, report):
    client.force_login(chef)

    client.post(reverse("publishing:report"), {"report": report.pk, "public": "1"})
    client.post(reverse("publishing:report"), {"report": report.pk, "public": "1"})  # no-op
    client.post(reverse("publishing:report"), {"report": report.pk, "public": "0"})

    assert list(ReportPublication.objects.order_by("pk").values_list("published", "by")) == [
        (True, chef.pk),
        (False, chef.pk),
    ]


def test_chefgruppen_marks_a_public_officeholder(client, chef, owner, current):
    client.force_login(chef)

    client.post(reverse("publishing:officeholder"), {"user": owner.pk, "officeholder": "1"})

    owner.refresh_from_db()
    assert owner.is_public_officeholder


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_refused(client, all_personas, current, report, role):
    person = all_personas[role]
    client.force_login(person)

    answers = [
        client.get(reverse("publishing:settings")).status_code,
        client.post(reverse("publishing:plan"), {"public": "1"}).status_code,
        client.post(reverse("publishing:report"), {"report": report.pk, "public": "1"}).status_code,
        client.post(
            reverse("publishing:officeholder"), {"user": person.pk, "officeholder": "1"}
        ).status_code,
    ]

    assert answers == [403, 403, 403, 403]
    assert not Plan.objects.get(pk=current.pk).is_public
    assert not ReportPublication.objects.exists()
    person.refresh_from_db()
    assert not person.is_public_officeholder


def test_a_switch_is_a_post(client, chef, current):
    client.force_login(chef)

    assert client.get(reverse("publishing:plan")).status_code == 405


def test_anonymous_visitors_are_sent_to_log_in(client, current):
    response = client.post(reverse("publishing:plan"), {"public": "1"})

    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/")
    assert not Plan.objects.get(pk=current.pk).is_public
