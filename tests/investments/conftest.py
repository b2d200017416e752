"""A plan with the 50 mio. kr. pool, two udviklingsskoler, and helpers to walk the decision path."""

import datetime as dt
from decimal import Decimal

import pytest

from investments.models import InvestmentState
from investments.services import investment_create, investment_decide
from omstilling.models import Institution
from tests.factories import DevelopmentSchoolFactory, InstitutionFactory, PlanFactory

POOL = Decimal("50000000.00")
S = InvestmentState

# The dates and references each step is recorded with by `walk`.
STEPS = {
    S.BEHANDLET_BFU: (dt.date(2025, 2, 5), "sag 12"),
    S.GODKENDT: (dt.date(2025, 2, 19), "sag 137"),
    S.I_GANG: (dt.date(2025, 3, 1), ""),
    S.AFSLUTTET: (dt.date(2025, 12, 1), ""),
    S.AFVIST: (dt.date(2025, 2, 19), "sag 138"),
}


@pytest.fixture
def plan(db):
    """Overrides the suite's plan: this one carries the pool and names the bodies of its
    decision path, as the Vejle plan file does."""
    return PlanFactory(
        committee_short="BFU",
        approving_body="Økonomiudvalget og gruppeformændene",
        approving_body_short="ØKU og gruppeformænd",
        funding_title="Folkeskolens fremtid",
        funding_amount=POOL,
        funding_granted_by="Byrådet",
        funding_date=dt.date(2024, 6, 19),
        funding_reference="sag 137",
        funding_development_schools=10,
    )


@pytest.fixture
def daycare(db):
    return InstitutionFactory(name="Børnehave A (demo)", kind=Institution.Kind.DAGTILBUD)


@pytest.fixture
def dev_school(plan, school, daycare):
    development_school = DevelopmentSchoolFactory(plan=plan, school=school, order=1)
    development_school.daycares.add(daycare)
    return development_school


@pytest.fixture
def other_dev_school(plan, other_school):
    return DevelopmentSchoolFactory(plan=plan, school=other_school, order=2)


def walk(investment, by, *states):
    """Record `states` in order through the service, with the dates and references of STEPS."""
    for state in states:
        decided_on, reference = STEPS[state]
        investment_decide(
            investment=investment,
            by=by,
            to_state=state,
            decided_on=decided_on,
            reference=reference,
            expected_version=investment.version,
        )
    return investment


@pytest.fixture
def make_investment(plan, dev_school, chef):
    """Create an investment through the service and walk it to `state`."""

    def make(amount, state=S.KLADDE, *, school=None, title="Udviklende fællesskaber"):
        investment = investment_create(
            plan=plan,
            development_school=school or dev_school,
            by=chef,
            title=title,
            amount=Decimal(amount),
        )
        path = {
            S.KLADDE: [],
            S.BEHANDLET_BFU: [S.BEHANDLET_BFU],
            S.GODKENDT: [S.BEHANDLET_BFU, S.GODKENDT],
            S.I_GANG: [S.BEHANDLET_BFU, S.GODKENDT, S.I_GANG],
            S.AFSLUTTET: [S.BEHANDLET_BFU, S.GODKENDT, S.I_GANG, S.AFSLUTTET],
            S.AFVIST: [S.BEHANDLET_BFU, S.AFVIST],
        }[state]
        return walk(investment, chef, *path)

    return make
