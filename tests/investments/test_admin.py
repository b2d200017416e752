"""The pool in the Django admin: read-only for chefgruppen, closed to administrators."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def investment(make_investment):
    return make_investment("1000", "behandlet_bfu")


def test_it_lets_chefgruppen_look_up_an_investment_and_its_history(client, chef, investment):
    client.force_login(chef)

    change = client.get(reverse("admin:investments_investment_change", args=[investment.pk]))
    history = client.get(reverse("admin:investments_investment_history", args=[investment.pk]))

    assert client.get(reverse("admin:investments_investment_changelist")).status_code == 200
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert history.status_code == 200


def test_it_writes_nothing_through_the_admin(client, chef, investment):
    client.force_login(chef)

    response = client.post(
        reverse("admin:investments_investment_change", args=[investment.pk]),
        {"title": "Ændret", "amount": "1"},
    )

    assert response.status_code == 403
    investment.refresh_from_db()
    assert investment.title == "Udviklende fællesskaber"
    assert client.get(reverse("admin:investments_investment_add")).status_code == 403


def test_it_keeps_administrators_out_of_the_investments(client, admin_user, investment):
    client.force_login(admin_user)

    url = reverse("admin:investments_investment_change", args=[investment.pk])
    assert client.get(url).status_code == 403
    assert "investments" not in client.get(reverse("admin:index")).content.decode()
