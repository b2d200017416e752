import pytest

from tests.factories import (
    InitiativeFactory,
    MilestoneFactory,
    PlanFactory,
    RecommendationFactory,
    RecommendationThemeFactory,
    SporFactory,
)


@pytest.fixture
def public_plan(db):
    plan = PlanFactory(slug="aaben-plan", is_public=True, is_current=True)
    spor = SporFactory(plan=plan, number=1, slug="spor-1", title="Det gode dagtilbud")
    initiative = InitiativeFactory(plan=plan, spor=spor, title="Fælles kompetenceforløb")
    MilestoneFactory(initiative=initiative, title="Forløbet er i gang")
    theme = RecommendationThemeFactory(plan=plan, title="Almenområdet")
    recommendation = RecommendationFactory(theme=theme, text="Styrk fællesskabet i dagtilbud")
    recommendation.initiatives.add(initiative)
    return plan
