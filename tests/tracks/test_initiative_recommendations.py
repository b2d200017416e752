"""A tiltag's recommendations are the advisory committee's as the plan names it; a plan with no
advisory committee and no recommendations shows no such section."""

import pytest
from django.urls import reverse

from tests.factories import InitiativeFactory, RecommendationFactory, RecommendationThemeFactory

pytestmark = pytest.mark.django_db


def _page(client, user, initiative) -> str:
    client.force_login(user)
    return client.get(reverse("tracks:initiative_detail", args=[initiative.pk])).content.decode()


def test_it_names_the_plans_advisory_committee(client, bfu, plan, spor):
    plan.advisory_committee = "§17.4-udvalget"
    plan.save(update_fields=["advisory_committee"])
    initiative = InitiativeFactory(spor=spor)
    recommendation = RecommendationFactory(theme=RecommendationThemeFactory(plan=plan))
    recommendation.initiatives.add(initiative)

    html = _page(client, bfu, initiative)

    assert "Anbefalinger fra §17.4-udvalget, som tiltaget udmønter" in html
    assert "Styrke det gode udviklende fællesskab." in html


def test_a_plan_without_an_advisory_committee_shows_no_recommendations(client, bfu, spor):
    initiative = InitiativeFactory(spor=spor)

    html = _page(client, bfu, initiative)

    assert 'id="recs-heading"' not in html
    assert "17.4" not in html
