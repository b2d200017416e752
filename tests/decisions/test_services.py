"""decision_record: a decision of the committee or of the approving body, screened and bounded,
linked within its plan; a correction is a new row and the old one is kept."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from decisions.models import Decision
from decisions.services import DecisionAlreadyCorrected
from tests.factories import (
    InitiativeFactory,
    InvestmentFactory,
    PlanFactory,
    RecommendationFactory,
    RecommendationThemeFactory,
)

pytestmark = pytest.mark.django_db


def test_it_records_a_decision_with_its_links(record, plan, initiative):
    investment = InvestmentFactory(development_school__plan=plan)
    recommendation = RecommendationFactory(theme=RecommendationThemeFactory(plan=plan))

    decision = record(
        initiatives=[initiative], investments=[investment], recommendations=[recommendation]
    )

    assert list(decision.initiatives.all()) == [initiative]
    assert list(decision.investments.all()) == [investment]
    assert list(decision.recommendations.all()) == [recommendation]
    assert list(Decision.objects.current()) == [decision]


def test_it_names_the_bodies_as_the_plan_does(record, plan):
    plan.approving_body = "Økonomiudvalget"
    plan.save()

    committee = record()
    approving = record(body="godkendende")

    assert committee.body_name(plan.names) == plan.committee
    assert approving.body_name(plan.names) == "Økonomiudvalget"


def test_it_refuses_the_approving_body_when_the_plan_has_none(record):
    with pytest.raises(ValidationError) as exc:
        record(body="godkendende")
    assert "body" in exc.value.error_dict


@pytest.mark.parametrize(
    "case_number",
    ["010190-1234", "0101901234", "010190 1234", "01.01.90-1234", "0101 90 1234"],
)
def test_it_refuses_a_cpr_number_as_case_number(record, case_number):
    with pytest.raises(ValidationError) as exc:
        record(case_number=case_number)
    assert "case_number" in exc.value.error_dict
    assert not Decision.objects.exists()


def test_it_refuses_a_cpr_number_in_the_text_and_text_too_long(record):
    with pytest.raises(ValidationError) as exc:
        record(text="Barnet 010190-1234 blev drøftet.", title="x" * 251)
    assert {"text", "title"} <= set(exc.value.error_dict)


def test_it_refuses_a_meeting_in_the_future_or_long_before_the_plan(record):
    for day in (dt.date(2026, 11, 25), dt.date(2000, 1, 1)):
        with pytest.raises(ValidationError) as exc:
            record(meeting_date=day)
        assert "meeting_date" in exc.value.error_dict


def test_it_refuses_links_to_another_plans_content(record):
    other = PlanFactory()
    with pytest.raises(ValidationError) as exc:
        record(
            initiatives=[InitiativeFactory(spor__plan=other)],
            investments=[InvestmentFactory(development_school__plan=other)],
            recommendations=[RecommendationFactory(theme=RecommendationThemeFactory(plan=other))],
        )
    assert {"initiatives", "investments", "recommendations"} <= set(exc.value.error_dict)


def test_a_correction_is_a_new_row_and_keeps_the_old(record, initiative):
    first = record(title="Forkert overskrift")

    corrected = record(title="Rigtig overskrift", corrects=first, initiatives=[initiative])

    first.refresh_from_db()
    assert first.title == "Forkert overskrift"
    assert corrected.corrects == first
    assert list(Decision.objects.current()) == [corrected]
    assert Decision.objects.count() == 2


def test_a_decision_is_corrected_once(record):
    first = record()
    record(corrects=first, title="Første rettelse")

    with pytest.raises(DecisionAlreadyCorrected):
        record(corrects=first, title="Anden rettelse")
    assert Decision.objects.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL")
def test_the_database_refuses_to_change_or_delete_a_decision_or_its_links(record, initiative):
    decision = record(initiatives=[initiative])
    links = Decision.initiatives.through.objects.filter(decision=decision)

    for action in (
        lambda: Decision.objects.filter(pk=decision.pk).update(title="omskrevet"),
        lambda: Decision.objects.filter(pk=decision.pk).delete(),
        lambda: links.delete(),
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            action()
    assert Decision.objects.get(pk=decision.pk).title == "Rammen for omstillingen"
