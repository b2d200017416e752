"""Scale data for the pool (see `omstilling.scale`): more udviklingsskoler where the plan funds
more, and investments along the decision path with their decisions, history and spending.

The pool is never over-committed: the new approved investments share a part of what is free
after the demo, and when that share is too small to be an investment they stay "behandlet i
BFU". Decision dates follow the path in order and lie in the plan's window, not after
yesterday; spending lies between the approval and the closing, never over the amount.
"""

import copy
import datetime as dt
import random
from decimal import ROUND_DOWN, Decimal

from investments.models import (
    APPROVED_STATES,
    DevelopmentSchool,
    Investment,
    InvestmentDecision,
    InvestmentState,
    Spending,
)
from investments.selectors import approved_total
from omstilling.bounds import TITLE_LENGTH
from omstilling.models import Institution, Plan
from omstilling.scale import ScaleContext, bulk_insert, random_dates, register_scale_seeder
from tracks.models import Initiative

S = InvestmentState

INVESTMENTS_PER_UNIT = 14
# The final state of each of a unit's investments: six of fourteen approved, as in the demo.
FINAL_STATES = [
    S.KLADDE,
    S.KLADDE,
    S.BEHANDLET_BFU,
    S.BEHANDLET_BFU,
    S.BEHANDLET_BFU,
    S.AFVIST,
    S.AFVIST,
    S.GODKENDT,
    S.GODKENDT,
    S.I_GANG,
    S.I_GANG,
    S.I_GANG,
    S.AFSLUTTET,
    S.BEHANDLET_BFU,
]
# Of what is free in the pool after the demo, the share the new approved investments take.
SHARE_OF_FREE_POOL = Decimal("0.8")
SMALLEST_INVESTMENT = Decimal("10000")
_PATH = [S.BEHANDLET_BFU, S.GODKENDT, S.I_GANG, S.AFSLUTTET]
# Days from the BFU meeting to each step: ØKU and the group chairs approve two weeks after
# BFU, the work starts six weeks later, and it closes after a school year or so.
_DAYS_AFTER_BFU = {S.BEHANDLET_BFU: 0, S.AFVIST: 14, S.GODKENDT: 14, S.I_GANG: 59}
_YEAR_OF_WORK = (200, 420)

TITLES = [
    "Udviklende fællesskaber i indskolingen",
    "Fagprofessionelle læringsfællesskaber",
    "Fleksible læringsmiljøer",
    "Læse- og skrivestrategier på tværs af fag",
    "Fælles overgangsforløb med børnehaven",
    "Inkluderende læringsmiljøer på mellemtrinnet",
    "Specialpædagogiske kompetencer i almenundervisningen",
    "Tættere samarbejde med det eksterne støttesystem",
    "Forældresamarbejde om fællesskaber",
    "Kompetenceudvikling for pædagoger i SFO",
]
PURPOSES = [
    "Læringsmiljøer, hvor flere børn kan deltage i fællesskabet.",
    "Tid og vejledning til teams, der arbejder systematisk med elevernes læring.",
    "Et bredere repertoire af måder at organisere undervisningen på.",
    "Praksisnær sparring i skolen, før en bekymring bliver til en henvisning.",
]
SPENDING_NOTES = ["Kompetenceudvikling", "Vejledning", "Materialer og indretning", "Vikardækning"]
NOTES = {
    S.AFVIST: "Ligger uden for puljens formål; henvist til anlægsbudgettet.",
    S.I_GANG: "Arbejdet er gået i gang.",
    S.AFSLUTTET: "Forløbet er gennemført og evalueret.",
}


@register_scale_seeder
def seed_investments_scale(context: ScaleContext) -> None:
    plan = Plan.objects.current()
    if plan is None or plan.funding_amount is None:
        return
    schools = add_development_schools(context, plan=plan)
    if not schools:
        return
    investments = add_investments(context, plan=plan, schools=schools)
    link_initiatives(context, plan=plan, investments=investments)


def add_development_schools(context: ScaleContext, *, plan: Plan) -> list[DevelopmentSchool]:
    """New schools become udviklingsskoler only as far as the pool funds more (Vejle's funds
    ten, which the demo has): the plan's udviklingsskoler, old and new."""
    existing = list(DevelopmentSchool.objects.filter(plan=plan).order_by("order", "pk"))
    limit = plan.funding_development_schools
    room = len(context.new_institutions) if limit is None else max(0, limit - len(existing))
    schools = [i for i in context.new_institutions if i.kind == Institution.Kind.SKOLE][:room]
    daycares = [i for i in context.new_institutions if i.kind == Institution.Kind.DAGTILBUD]
    new = [
        DevelopmentSchool(plan=plan, school=school, order=min(999, len(existing) + index + 1))
        for index, school in enumerate(schools)
    ]
    for school in new:
        school._history_date = context.at(context.last_day)
    bulk_insert(DevelopmentSchool, new, history=True, history_user=context.chef)
    through = DevelopmentSchool.daycares.through
    bulk_insert(
        through,
        [
            through(developmentschool_id=school.pk, institution_id=daycare.pk)
            for school, daycare in zip(new, daycares, strict=False)
        ],
    )
    return existing + new


def _approved_amount(plan: Plan, approvals: int) -> Decimal:
    """Each new approved investment's amount: an equal part of the free pool's share, in
    whole thousands, so their sum stays inside the pool."""
    if approvals == 0:
        return Decimal(0)
    free = plan.funding_amount - approved_total(plan=plan)
    share = free * SHARE_OF_FREE_POOL / approvals
    return share.quantize(Decimal("1000"), rounding=ROUND_DOWN) if share > 0 else Decimal(0)


def add_investments(
    context: ScaleContext, *, plan: Plan, schools: list[DevelopmentSchool]
) -> list[Investment]:
    """INVESTMENTS_PER_UNIT per unit, round the udviklingsskoler, each with its decisions,
    history rows (one per step, as the service leaves them) and spending."""
    rng = context.random("investments")
    finals = [
        FINAL_STATES[index % len(FINAL_STATES)]
        for index in range(INVESTMENTS_PER_UNIT * context.units)
    ]
    amount = _approved_amount(plan, sum(1 for s in finals if s in APPROVED_STATES))
    if amount < SMALLEST_INVESTMENT:
        finals = [S.BEHANDLET_BFU if s in APPROVED_STATES else s for s in finals]
    first_day = plan.start_quarter
    plans = []
    for index, final in enumerate(finals):
        steps = _dated_path(rng, final, first=first_day, last=context.last_day)
        final = steps[-1][0] if steps else S.KLADDE
        created_on = (
            steps[0][1] - dt.timedelta(days=21)
            if steps
            else context.last_day - dt.timedelta(days=rng.randint(0, 120))
        )
        number = index // len(TITLES) + 1
        investment = Investment(
            plan=plan,
            development_school=schools[index % len(schools)],
            title=f"{TITLES[index % len(TITLES)]} (kopi {number})"[:TITLE_LENGTH],
            purpose=rng.choice(PURPOSES),
            amount=amount
            if final in APPROVED_STATES
            else min(plan.funding_amount, Decimal(rng.randint(5, 45) * 100_000)),
            state=final,
            version=len(steps),
            created_by=context.chef,
            created_at=context.at(max(created_on, first_day)),
        )
        plans.append((investment, steps))
    investments = bulk_insert(Investment, [i for i, _ in plans])
    add_history(context, plans)
    add_decisions(context, plans)
    add_spending(context, rng, plans)
    return investments


def _dated_path(
    rng: random.Random, final: str, *, first: dt.date, last: dt.date
) -> list[tuple[str, dt.date]]:
    """The steps to `final` with their dates, from a BFU meeting between `first` and `last`.
    A path that cannot end by `last` ends at the last step that can."""
    if final == S.KLADDE or first > last:
        return []
    path = [S.BEHANDLET_BFU, S.AFVIST] if final == S.AFVIST else _PATH[: _PATH.index(final) + 1]
    closing = rng.randint(*_YEAR_OF_WORK)
    span = _DAYS_AFTER_BFU.get(final, closing)
    latest_meeting = last - dt.timedelta(days=span)
    if latest_meeting < first:
        latest_meeting = last
    [meeting] = random_dates(rng, first, max(first, latest_meeting), 1)
    steps = []
    for step in path:
        on = meeting + dt.timedelta(days=_DAYS_AFTER_BFU.get(step, closing))
        if on > last:
            break
        steps.append((step, on))
    return steps


def add_history(context: ScaleContext, plans: list) -> None:
    """A "+" row when the investment was created as a kladde, a "~" row per decision."""
    rows = []
    for investment, steps in plans:
        created = copy.copy(investment)
        created.state, created._history_date = S.KLADDE, investment.created_at
        rows.append((created, False))
        for step, on in steps:
            changed = copy.copy(investment)
            changed.state, changed._history_date = step, context.at(on, 30)
            rows.append((changed, True))
    for update in (False, True):
        Investment.history.bulk_history_create(
            [row for row, is_update in rows if is_update == update],
            update=update,
            default_user=context.chef,
        )


def add_decisions(context: ScaleContext, plans: list) -> None:
    decisions = []
    for investment, steps in plans:
        state = S.KLADDE
        for step, on in steps:
            decisions.append(
                InvestmentDecision(
                    investment=investment,
                    from_state=state,
                    to_state=step,
                    decided_on=on,
                    reference=f"sag {on.month + 40} (demo)" if step in _PATH[:2] else "",
                    note=NOTES.get(step, ""),
                    by=context.chef,
                    at=context.at(on, 30),
                )
            )
            state = step
    bulk_insert(InvestmentDecision, decisions)


def add_spending(context: ScaleContext, rng: random.Random, plans: list) -> None:
    """Up to three spendings between the approval and the closing (or yesterday); a closed
    investment has spent between half and all of its amount."""
    spendings = []
    for investment, steps in plans:
        dates = dict(steps)
        if S.GODKENDT not in dates:
            continue
        closed = investment.state == S.AFSLUTTET
        until = dates[S.AFSLUTTET] - dt.timedelta(days=1) if closed else context.last_day
        count = rng.randint(1, 3) if closed else rng.randint(0, 3)
        days = random_dates(rng, dates[S.GODKENDT], until, count)
        share = Decimal(rng.randint(50 if closed else 10, 100)) / 100
        total = (investment.amount * share).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        for index, day in enumerate(days):
            part = (total / len(days)).quantize(Decimal("0.50"), rounding=ROUND_DOWN)
            if part <= 0:
                continue
            spendings.append(
                Spending(
                    investment=investment,
                    spent_on=day,
                    amount=part,
                    note=SPENDING_NOTES[index % len(SPENDING_NOTES)],
                    by=context.chef,
                    at=context.at(day, 60),
                )
            )
    bulk_insert(Spending, spendings)


def link_initiatives(context: ScaleContext, *, plan: Plan, investments: list[Investment]) -> None:
    """Each investment carries one or two of the plan's tiltag forward."""
    rng = context.random("investments.initiatives")
    initiative_ids = list(
        Initiative.objects.filter(plan=plan).order_by("pk").values_list("pk", flat=True)
    )
    through = Investment.initiatives.through
    links = []
    for investment in investments:
        count = min(rng.randint(1, 2), len(initiative_ids))
        for initiative_id in sorted(rng.sample(initiative_ids, count)):
            links.append(through(investment_id=investment.pk, initiative_id=initiative_id))
    bulk_insert(through, links)
