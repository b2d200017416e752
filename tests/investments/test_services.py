"""The pool's rules: the decision path, no over-commitment, spending limits, exact sums."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from investments import selectors
from investments.models import Investment, InvestmentDecision, Spending
from investments.services import (
    InvestmentConflict,
    development_school_create,
    development_school_update,
    investment_create,
    investment_decide,
    investment_update,
    spending_record,
)
from omstilling.models import Institution
from tests.factories import InitiativeFactory, InstitutionFactory, InvestmentFactory
from tests.investments.conftest import STEPS, S, walk

pytestmark = pytest.mark.django_db

CPH_NOW = dt.datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Europe/Copenhagen"))


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(CPH_NOW, tick=False):
        yield


def _decide(investment, by, to_state, **overrides):
    decided_on, reference = STEPS.get(to_state, (dt.date(2025, 6, 1), "sag 1"))
    kwargs = {
        "investment": investment,
        "by": by,
        "to_state": to_state,
        "decided_on": decided_on,
        "reference": reference,
        "expected_version": investment.version,
        **overrides,
    }
    return investment_decide(**kwargs)


def _messages(exc_info) -> list[str]:
    return exc_info.value.messages


# --- creating --------------------------------------------------------------------------------


def test_it_creates_an_investment_as_a_kladde(plan, dev_school, chef, spor):
    initiative = InitiativeFactory(spor=spor)

    investment = investment_create(
        plan=plan,
        development_school=dev_school,
        by=chef,
        title="  Fleksible læringsmiljøer ",
        purpose="Et bredere repertoire.",
        amount=Decimal("1250000.50"),
        initiatives=[initiative],
    )

    investment.refresh_from_db()
    assert investment.state == S.KLADDE
    assert investment.title == "Fleksible læringsmiljøer"
    assert investment.amount == Decimal("1250000.50")
    assert investment.created_by == chef
    assert list(investment.initiatives.all()) == [initiative]
    assert investment.history.first().history_user == chef
    assert selectors.approved_total(plan=plan) == Decimal("0.00")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("0"), "Beløbet skal være større end 0 kr."),
        (Decimal("-5"), "Beløbet skal være større end 0 kr."),
        (Decimal("10.005"), "Beløbet kan højst have to decimaler (øre)."),
        (Decimal("50000000.01"), "Beløbet er større end hele puljen (50.000.000 kr.)."),
    ],
)
def test_it_refuses_an_amount_that_cannot_be(plan, dev_school, chef, amount, message):
    with pytest.raises(ValidationError) as exc_info:
        investment_create(
            plan=plan, development_school=dev_school, by=chef, title="X", amount=amount
        )

    assert exc_info.value.message_dict["amount"] == [message]
    assert not Investment.objects.exists()


def test_it_never_takes_a_float(plan, dev_school, chef):
    with pytest.raises(TypeError):
        investment_create(plan=plan, development_school=dev_school, by=chef, title="X", amount=0.1)


def test_it_refuses_a_school_or_initiative_of_another_plan(plan, dev_school, chef):
    other = InitiativeFactory()  # its own plan

    with pytest.raises(ValidationError) as exc_info:
        investment_create(
            plan=plan,
            development_school=dev_school,
            by=chef,
            title="X",
            amount=Decimal(1),
            initiatives=[other],
        )

    assert "initiatives" in exc_info.value.message_dict


def test_the_database_refuses_a_non_positive_amount(dev_school, chef):
    with pytest.raises(IntegrityError), transaction.atomic():
        InvestmentFactory(development_school=dev_school, amount=Decimal("0"))


# --- the decision path -----------------------------------------------------------------------


def test_it_walks_the_decision_path_and_keeps_each_step(make_investment, chef):
    investment = make_investment("1000000")

    walk(investment, chef, S.BEHANDLET_BFU, S.GODKENDT, S.I_GANG, S.AFSLUTTET)

    investment.refresh_from_db()
    assert investment.state == S.AFSLUTTET
    assert investment.version == 4
    steps = list(
        InvestmentDecision.objects.filter(investment=investment)
        .order_by("pk")
        .values_list("from_state", "to_state", "decided_on", "reference", "by")
    )
    assert steps == [
        (S.KLADDE, S.BEHANDLET_BFU, dt.date(2025, 2, 5), "sag 12", chef.pk),
        (S.BEHANDLET_BFU, S.GODKENDT, dt.date(2025, 2, 19), "sag 137", chef.pk),
        (S.GODKENDT, S.I_GANG, dt.date(2025, 3, 1), "", chef.pk),
        (S.I_GANG, S.AFSLUTTET, dt.date(2025, 12, 1), "", chef.pk),
    ]
    assert [h.state for h in investment.history.order_by("history_id")] == [
        S.KLADDE,
        S.BEHANDLET_BFU,
        S.GODKENDT,
        S.I_GANG,
        S.AFSLUTTET,
    ]


def test_it_refuses_godkendt_before_behandlet_i_bfu(make_investment, chef):
    investment = make_investment("1000000")

    with pytest.raises(ValidationError) as exc_info:
        _decide(investment, chef, S.GODKENDT)

    assert exc_info.value.message_dict["to_state"] == [
        "En investering skal være behandlet i BFU, før den kan godkendes af ØKU og gruppeformænd."
    ]
    investment.refresh_from_db()
    assert (investment.state, investment.version) == (S.KLADDE, 0)
    assert not InvestmentDecision.objects.exists()


@pytest.mark.parametrize(
    ("start", "to_state", "message"),
    [
        (S.KLADDE, S.I_GANG, "skal være godkendt af ØKU og gruppeformænd, før den kan sættes"),
        (S.KLADDE, S.AFSLUTTET, "skal være i gang, før den kan afsluttes"),
        (S.BEHANDLET_BFU, S.I_GANG, "skal være godkendt af ØKU"),
        (S.BEHANDLET_BFU, S.BEHANDLET_BFU, "har allerede status “Behandlet i BFU”"),
        (S.GODKENDT, S.BEHANDLET_BFU, "Kun en kladde kan behandles i BFU"),
        (S.GODKENDT, S.AFVIST, "kan kun afvises, før den er godkendt"),
        (S.I_GANG, S.AFVIST, "kan kun afvises, før den er godkendt"),
        (S.I_GANG, S.KLADDE, "kan ikke sendes tilbage til kladde"),
        (S.AFSLUTTET, S.I_GANG, "er afsluttet; der kan ikke registreres flere beslutninger"),
        (S.AFVIST, S.GODKENDT, "er afvist; der kan ikke registreres flere beslutninger"),
    ],
)
def test_it_enforces_the_order_of_the_decision_path(
    make_investment, chef, start, to_state, message
):
    investment = make_investment("1000000", start)
    decisions = InvestmentDecision.objects.count()

    with pytest.raises(ValidationError) as exc_info:
        _decide(investment, chef, to_state, decided_on=dt.date(2026, 1, 1), reference="sag 9")

    assert message in exc_info.value.message_dict["to_state"][0]
    investment.refresh_from_db()
    assert investment.state == start
    assert InvestmentDecision.objects.count() == decisions


@pytest.mark.parametrize("start", [S.KLADDE, S.BEHANDLET_BFU])
def test_it_lets_an_investment_be_rejected_before_approval(make_investment, chef, start):
    investment = make_investment("1000000", start)

    _decide(investment, chef, S.AFVIST)

    investment.refresh_from_db()
    assert investment.state == S.AFVIST


@pytest.mark.parametrize("to_state", [S.BEHANDLET_BFU, S.GODKENDT])
def test_it_requires_a_case_reference_for_the_political_steps(make_investment, chef, to_state):
    investment = make_investment(
        "1000000", S.KLADDE if to_state == S.BEHANDLET_BFU else S.BEHANDLET_BFU
    )

    with pytest.raises(ValidationError) as exc_info:
        _decide(investment, chef, to_state, reference="  ")

    assert exc_info.value.message_dict["reference"] == ["Angiv sagens reference, fx “sag 137”."]


def test_it_refuses_a_decision_dated_in_the_future(make_investment, chef):
    investment = make_investment("1000000")

    with pytest.raises(ValidationError) as exc_info:
        _decide(investment, chef, S.BEHANDLET_BFU, decided_on=dt.date(2026, 11, 25))

    assert exc_info.value.message_dict["decided_on"] == ["Datoen kan ikke ligge i fremtiden."]


def test_it_refuses_a_step_dated_before_the_previous_one(make_investment, chef):
    investment = make_investment("1000000", S.BEHANDLET_BFU)

    with pytest.raises(ValidationError) as exc_info:
        _decide(investment, chef, S.GODKENDT, decided_on=dt.date(2025, 2, 4))

    assert exc_info.value.message_dict["decided_on"] == [
        "Datoen kan ikke ligge før det forrige trin (5. februar 2025)."
    ]


def test_it_refuses_a_decision_made_on_a_stale_version(make_investment, chef, bfu):
    investment = make_investment("1000000")
    stale = Investment.objects.get(pk=investment.pk)
    _decide(investment, chef, S.BEHANDLET_BFU)

    with pytest.raises(InvestmentConflict) as exc_info:
        _decide(stale, chef, S.AFVIST)

    assert exc_info.value.investment.state == S.BEHANDLET_BFU
    assert InvestmentDecision.objects.count() == 1


# --- the pool is never over-committed --------------------------------------------------------


def test_it_refuses_an_approval_that_would_over_commit_the_pool(
    make_investment, chef, other_dev_school
):
    make_investment("30000000", S.GODKENDT)
    make_investment("15000000", S.I_GANG, school=other_dev_school)
    investment = make_investment("6000000", S.BEHANDLET_BFU)

    with pytest.raises(ValidationError) as exc_info:
        _decide(investment, chef, S.GODKENDT)

    assert _messages(exc_info) == [
        "Godkendelsen ville overskride puljen: 45.000.000 kr. er godkendt, 5.000.000 kr. er fri, "
        "investeringen er 6.000.000 kr."
    ]
    investment.refresh_from_db()
    assert investment.state == S.BEHANDLET_BFU
    assert not investment.decisions.filter(to_state=S.GODKENDT).exists()
    assert selectors.approved_total(plan=investment.plan) == Decimal("45000000.00")


def test_it_approves_up_to_the_last_krone_of_the_pool(make_investment, chef):
    make_investment("45000000", S.GODKENDT)
    investment = make_investment("5000000", S.BEHANDLET_BFU)

    _decide(investment, chef, S.GODKENDT)

    assert selectors.free_amount(plan=investment.plan) == Decimal("0.00")
    one_more = make_investment("0.01", S.BEHANDLET_BFU)
    with pytest.raises(ValidationError, match="0 kr. er fri, investeringen er 0,01 kr."):
        _decide(one_more, chef, S.GODKENDT)


def test_it_counts_only_approved_running_and_closed_investments(make_investment, plan):
    make_investment("1000000", S.KLADDE)
    make_investment("2000000", S.BEHANDLET_BFU)
    make_investment("4000000", S.AFVIST)
    make_investment("8000000", S.GODKENDT)
    make_investment("16000000", S.I_GANG)
    make_investment("10000000", S.AFSLUTTET)

    assert selectors.approved_total(plan=plan) == Decimal("34000000.00")


def test_it_refuses_approval_when_the_plan_has_no_pool(make_investment, chef, plan):
    investment = make_investment("1000", S.BEHANDLET_BFU)
    plan.funding_amount = None
    plan.save()

    with pytest.raises(ValidationError, match="Planen har ingen pulje"):
        _decide(investment, chef, S.GODKENDT)


def test_decimal_sums_are_exact(make_investment, chef, plan):
    a = make_investment("0.10", S.GODKENDT)
    b = make_investment("0.20", S.I_GANG)
    spending_record(investment=a, by=chef, spent_on=dt.date(2025, 6, 1), amount=Decimal("0.10"))
    spending_record(investment=b, by=chef, spent_on=dt.date(2025, 6, 1), amount=Decimal("0.20"))

    summary = selectors.pool_summary(plan=plan)

    assert summary["approved"] == Decimal("0.30")
    assert summary["spent"] == Decimal("0.30")
    assert summary["free"] == Decimal("49999999.70")
    assert str(summary["approved"]) == "0.30"
    row = summary["schools"][0]
    assert (row["approved"], row["spent"]) == (Decimal("0.30"), Decimal("0.30"))
    # Many small amounts: floats would drift, decimals do not.
    c = make_investment("1.00", S.GODKENDT)
    for _ in range(10):
        spending_record(investment=c, by=chef, spent_on=dt.date(2025, 6, 2), amount=Decimal("0.1"))
    assert selectors.spent_total(investment=c) == Decimal("1.00")
    assert selectors.pool_summary(plan=plan)["spent"] == Decimal("1.30")


# --- spending --------------------------------------------------------------------------------


def test_it_records_spending_up_to_the_investments_amount(make_investment, chef):
    investment = make_investment("1000.00", S.GODKENDT)

    spending_record(
        investment=investment, by=chef, spent_on=dt.date(2025, 6, 1), amount=Decimal("999.99")
    )
    spending_record(
        investment=investment, by=chef, spent_on=dt.date(2025, 6, 2), amount=Decimal("0.01")
    )

    assert selectors.spent_total(investment=investment) == Decimal("1000.00")
    assert Spending.objects.filter(investment=investment).count() == 2


def test_it_refuses_spending_above_the_investments_amount(make_investment, chef):
    investment = make_investment("1000000", S.I_GANG)
    spending_record(
        investment=investment, by=chef, spent_on=dt.date(2025, 6, 1), amount=Decimal("750000")
    )

    with pytest.raises(ValidationError) as exc_info:
        spending_record(
            investment=investment,
            by=chef,
            spent_on=dt.date(2025, 6, 2),
            amount=Decimal("250000.01"),
        )

    assert exc_info.value.message_dict["amount"] == [
        "Forbruget ville overstige investeringens beløb: 750.000 kr. er forbrugt, "
        "250.000 kr. er tilbage, udgiften er 250.000,01 kr."
    ]
    assert selectors.spent_total(investment=investment) == Decimal("750000.00")


@pytest.mark.parametrize("state", [S.KLADDE, S.BEHANDLET_BFU, S.AFSLUTTET, S.AFVIST])
def test_it_refuses_spending_unless_approved_and_not_closed(make_investment, chef, state):
    investment = make_investment("1000", state)

    with pytest.raises(ValidationError, match="kun registreres forbrug på en investering, der er"):
        spending_record(
            investment=investment, by=chef, spent_on=dt.date(2025, 6, 1), amount=Decimal(1)
        )

    assert not Spending.objects.exists()


def test_it_refuses_spending_dated_in_the_future(make_investment, chef):
    investment = make_investment("1000", S.GODKENDT)

    with pytest.raises(ValidationError) as exc_info:
        spending_record(
            investment=investment, by=chef, spent_on=dt.date(2026, 12, 1), amount=Decimal(1)
        )

    assert exc_info.value.message_dict["spent_on"] == ["Datoen kan ikke ligge i fremtiden."]


# --- editing ---------------------------------------------------------------------------------


def test_it_edits_a_kladde_and_keeps_the_history(make_investment, chef, other_dev_school):
    investment = make_investment("1000")

    investment_update(
        investment=investment,
        by=chef,
        title="Nyt navn",
        purpose="Nyt formål",
        amount=Decimal("2000"),
        development_school=other_dev_school,
        initiatives=[],
        expected_version=0,
    )

    investment.refresh_from_db()
    assert (investment.title, investment.amount, investment.version) == (
        "Nyt navn",
        Decimal("2000.00"),
        1,
    )
    assert investment.development_school == other_dev_school
    assert [h.title for h in investment.history.order_by("history_id")] == [
        "Udviklende fællesskaber",
        "Nyt navn",
    ]


def test_it_keeps_amount_and_school_once_treated_in_bfu(make_investment, chef, dev_school):
    investment = make_investment("1000", S.GODKENDT)

    with pytest.raises(ValidationError, match="kun ændres, mens investeringen er en kladde"):
        investment_update(
            investment=investment,
            by=chef,
            title="X",
            purpose="",
            amount=Decimal("900000"),
            development_school=dev_school,
            initiatives=[],
            expected_version=investment.version,
        )
    investment_update(
        investment=investment,
        by=chef,
        title="Bedre titel",
        purpose="",
        amount=Decimal("1000"),
        development_school=dev_school,
        initiatives=[],
        expected_version=investment.version,
    )

    investment.refresh_from_db()
    assert (investment.title, investment.amount) == ("Bedre titel", Decimal("1000.00"))


def test_it_refuses_an_edit_on_a_stale_version(make_investment, chef, dev_school):
    investment = make_investment("1000")

    with pytest.raises(InvestmentConflict):
        investment_update(
            investment=investment,
            by=chef,
            title="X",
            purpose="",
            amount=Decimal("1000"),
            development_school=dev_school,
            initiatives=[],
            expected_version=3,
        )


# --- udviklingsskoler ------------------------------------------------------------------------


def test_it_creates_an_udviklingsskole_with_its_daycares(plan, school, daycare, chef):
    development_school = development_school_create(
        plan=plan, school=school, by=chef, daycares=[daycare]
    )

    assert list(development_school.daycares.all()) == [daycare]
    assert development_school.order == 1
    assert development_school.history.first().history_user == chef


def test_it_funds_no_more_udviklingsskoler_than_the_plan_says(plan, chef):
    plan.funding_development_schools = 2
    plan.save()
    for _ in range(2):
        development_school_create(plan=plan, school=InstitutionFactory(), by=chef)

    with pytest.raises(ValidationError) as exc_info:
        development_school_create(plan=plan, school=InstitutionFactory(), by=chef)

    assert exc_info.value.messages == [
        "Puljen finansierer højst 2 udviklingsskoler, og der er allerede 2."
    ]


def test_it_refuses_a_daycare_as_school_and_a_school_as_daycare(plan, school, daycare, chef):
    with pytest.raises(ValidationError) as exc_info:
        development_school_create(plan=plan, school=daycare, by=chef)
    assert "school" in exc_info.value.message_dict

    with pytest.raises(ValidationError) as exc_info:
        development_school_create(plan=plan, school=school, by=chef, daycares=[school])
    assert "daycares" in exc_info.value.message_dict


def test_it_refuses_the_same_school_twice(plan, dev_school, chef):
    with pytest.raises(ValidationError, match="er allerede udviklingsskole"):
        development_school_create(plan=plan, school=dev_school.school, by=chef)


def test_it_changes_the_linked_daycares(dev_school, chef):
    other = InstitutionFactory(name="Børnehave B (demo)", kind=Institution.Kind.DAGTILBUD)

    development_school_update(development_school=dev_school, by=chef, daycares=[other], order=5)

    dev_school.refresh_from_db()
    assert list(dev_school.daycares.all()) == [other]
    assert dev_school.order == 5


def test_it_refuses_a_state_that_does_not_exist(make_investment, chef):
    investment = make_investment("1000")

    with pytest.raises(ValidationError) as exc_info:
        _decide(investment, chef, "vedtaget", decided_on=dt.date(2026, 1, 1), reference="sag 1")

    assert exc_info.value.message_dict["to_state"] == ["Ukendt trin i beslutningsforløbet."]


def test_a_plan_without_a_pool_gets_no_udviklingsskole_and_no_investment(plan, chef, dev_school):
    plan.funding_amount = None
    plan.save(update_fields=["funding_amount"])

    with pytest.raises(ValidationError, match="Planen har ingen investeringspulje"):
        development_school_create(plan=plan, school=InstitutionFactory(), by=chef)
    with pytest.raises(ValidationError, match="Planen har ingen investeringspulje"):
        investment_create(
            plan=plan, development_school=dev_school, by=chef, title="Kursus", amount=1000
        )
