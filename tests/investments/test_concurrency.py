"""Two people approving (or spending) at the same moment never over-commit the pool.

Each thread has its own database connection and transaction, as two web requests would. Only
PostgreSQL has the row locks this is about; CI runs the suite on PostgreSQL.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from investments import selectors
from investments.models import Investment, InvestmentDecision, Spending
from investments.services import investment_decide, spending_record
from tests.concurrency import run_at_once
from tests.factories import InvestmentFactory
from tests.investments.conftest import S

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL"
    ),
]


def _race(*calls):
    """Run each call in its own thread and connection, all released at once. Returns, per call,
    "ok" or the messages of the ValidationError it raised."""
    return [
        result.messages
        if isinstance(result, ValidationError)
        else result
        if isinstance(result, Exception)
        else "ok"
        for result in run_at_once(*calls, timeout=30)
    ]


def test_two_concurrent_approvals_that_together_exceed_the_pool_let_exactly_one_through(
    plan, dev_school, other_dev_school, chef
):
    InvestmentFactory(development_school=dev_school, amount=Decimal("30000000"), state=S.GODKENDT)
    first, second = (
        InvestmentFactory(
            development_school=school, amount=Decimal("15000000"), state=S.BEHANDLET_BFU
        )
        for school in (dev_school, other_dev_school)
    )

    def approve(investment):
        return lambda: investment_decide(
            investment=investment,
            by=chef,
            to_state=S.GODKENDT,
            decided_on=dt.date(2025, 3, 1),
            reference="sag 137",
            expected_version=investment.version,
        )

    results = _race(approve(first), approve(second))

    assert results.count("ok") == 1, results
    assert [r for r in results if r != "ok"] == [
        [
            "Godkendelsen ville overskride puljen: 45.000.000 kr. er godkendt, "
            "5.000.000 kr. er fri, investeringen er 15.000.000 kr."
        ]
    ]
    assert selectors.approved_total(plan=plan) == Decimal("45000000.00")
    states = sorted(Investment.objects.filter(pk__in=[first.pk, second.pk]).values_list("state"))
    assert states == [(S.BEHANDLET_BFU,), (S.GODKENDT,)]
    assert InvestmentDecision.objects.count() == 1


def test_two_concurrent_approvals_within_the_pool_both_go_through(
    plan, dev_school, other_dev_school, chef
):
    investments = [
        InvestmentFactory(
            development_school=school, amount=Decimal("25000000"), state=S.BEHANDLET_BFU
        )
        for school in (dev_school, other_dev_school)
    ]

    results = _race(
        *(
            (
                lambda investment=investment: investment_decide(
                    investment=investment,
                    by=chef,
                    to_state=S.GODKENDT,
                    decided_on=dt.date(2025, 3, 1),
                    reference="sag 137",
                    expected_version=0,
                )
            )
            for investment in investments
        )
    )

    assert results == ["ok", "ok"]
    assert selectors.free_amount(plan=plan) == Decimal("0.00")


def test_two_concurrent_spendings_never_exceed_the_investments_amount(dev_school, chef):
    investment = InvestmentFactory(
        development_school=dev_school, amount=Decimal("1000.00"), state=S.I_GANG
    )

    def spend():
        spending_record(
            investment=investment, by=chef, spent_on=dt.date(2025, 6, 1), amount=Decimal("600")
        )

    results = _race(spend, spend)

    assert results.count("ok") == 1, results
    assert [r for r in results if r != "ok"] == [
        [
            "Forbruget ville overstige investeringens beløb: 600 kr. er forbrugt, "
            "400 kr. er tilbage, udgiften er 600 kr."
        ]
    ]
    assert Spending.objects.count() == 1
    assert selectors.spent_total(investment=investment) == Decimal("600.00")
