"""Demo udviklingsskoler, investments, decisions and spending, written through the services.

The seeds name no real schools, so the ten udviklingsskoler and their daycares are plainly
marked "(demo)", and so are the case references. The numbers are fixed: 38.500.000 kr. approved
and 12.300.000 kr. spent of the pool, whatever day the demo is seeded (dates after `today` are
moved back to `today`).
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from investments.models import APPROVED_STATES, Investment, InvestmentState
from investments.services import (
    development_school_create,
    investment_create,
    investment_decide,
    spending_record,
)
from omstilling.bounds import plan_date_window
from omstilling.demo import register_demo_seeder
from omstilling.models import Institution, Plan, User
from tracks.models import Initiative

S = InvestmentState
LETTERS = "ABCDEFGHIJ"

# BFU meetings and the approvals by ØKU and the group chairs that followed, one pair per round.
ROUNDS = [
    (dt.date(2024, 9, 4), dt.date(2024, 9, 18)),
    (dt.date(2024, 11, 6), dt.date(2024, 11, 20)),
    (dt.date(2025, 2, 5), dt.date(2025, 2, 19)),
    (dt.date(2025, 4, 2), dt.date(2025, 4, 23)),
    (dt.date(2025, 9, 3), dt.date(2025, 9, 17)),
    (dt.date(2026, 2, 4), dt.date(2026, 2, 18)),
    (dt.date(2026, 9, 2), dt.date(2026, 9, 16)),
]
_PATH = [S.BEHANDLET_BFU, S.GODKENDT, S.I_GANG, S.AFSLUTTET]


# school letter, title, purpose, amount, final state, round, spor of the linked initiatives,
# spendings (date, amount, note)
INVESTMENTS = [
    (
        "A",
        "Udviklende fællesskaber i indskolingen",
        "Læringsmiljøer i 0.–3. klasse, hvor flere børn kan deltage i fællesskabet.",
        Decimal("5000000"),
        S.I_GANG,
        0,
        (2,),
        [
            (dt.date(2024, 11, 15), Decimal("1187512.50"), "Kompetenceudvikling, første hold"),
            (dt.date(2025, 6, 10), Decimal("1212487.50"), "Indretning af læringsmiljøer"),
        ],
    ),
    (
        "A",
        "Fagprofessionelle læringsfællesskaber",
        "Tid og vejledning til teams, der arbejder systematisk med elevernes læring.",
        Decimal("1500000"),
        S.AFSLUTTET,
        0,
        (2,),
        [
            (dt.date(2025, 1, 20), Decimal("750000"), "Vejledning, forår"),
            (dt.date(2025, 8, 15), Decimal("750000"), "Vejledning, efterår"),
        ],
    ),
    (
        "B",
        "Fleksible læringsmiljøer",
        "Et bredere repertoire af måder at organisere undervisningen på.",
        Decimal("4200000"),
        S.I_GANG,
        1,
        (2,),
        [
            (dt.date(2025, 2, 3), Decimal("1000000"), "Pædagogisk udviklingsforløb"),
            (dt.date(2025, 10, 1), Decimal("800000"), "Materialer og indretning"),
        ],
    ),
    (
        "C",
        "Læse- og skrivestrategier på tværs af fag",
        "Fælles strategier for læsning og skrivning i alle fag.",
        Decimal("3800000"),
        S.GODKENDT,
        3,
        (2,),
        [(dt.date(2025, 5, 12), Decimal("400000"), "Opstart og planlægning")],
    ),
    (
        "D",
        "Fælles overgangsforløb med børnehaven",
        "Børnehave og skole planlægger overgangen sammen, med særligt fokus på sprog.",
        Decimal("4000000"),
        S.I_GANG,
        1,
        (3,),
        [
            (dt.date(2025, 1, 10), Decimal("1300000"), "Fælles pædagogiske dage"),
            (dt.date(2025, 9, 22), Decimal("800000"), "Netværk for medarbejdere i overgangen"),
        ],
    ),
    (
        "E",
        "Inkluderende læringsmiljøer på mellemtrinnet",
        "Flere elever med særlige behov undervises i deres almene klasse.",
        Decimal("3500000"),
        S.I_GANG,
        2,
        (2,),
        [(dt.date(2025, 4, 1), Decimal("1200000"), "Kompetenceudvikling")],
    ),
    (
        "F",
        "Specialpædagogiske kompetencer i almenundervisningen",
        "Diplommoduler i neuropædagogik for lærere og pædagoger.",
        Decimal("3000000"),
        S.GODKENDT,
        4,
        (2,),
        [],
    ),
    (
        "G",
        "Tættere samarbejde med det eksterne støttesystem",
        "Praksisnær sparring i skolen, før en bekymring bliver til en henvisning.",
        Decimal("4500000"),
        S.I_GANG,
        2,
        (4,),
        [
            (dt.date(2025, 3, 17), Decimal("900000"), "Sparring fra PPR, forår"),
            (dt.date(2025, 11, 3), Decimal("700000"), "Sparring fra PPR, efterår"),
        ],
    ),
    (
        "H",
        "Udvidet repertoire af læringsmiljøer",
        "Nye måder at organisere læringsmiljøer på i udskolingen.",
        Decimal("3000000"),
        S.I_GANG,
        3,
        (2,),
        [(dt.date(2025, 6, 2), Decimal("900000"), "Udviklingsforløb")],
    ),
    (
        "H",
        "Ombygning af faglokaler",
        "Ombygning af to faglokaler til fleksible læringsrum.",
        Decimal("1200000"),
        S.AFVIST,
        3,
        (),
        [],
    ),
    (
        "I",
        "Forældresamarbejde om fællesskaber",
        "Dialog med skolebestyrelse og forældre om pejlemærker for fællesskaberne.",
        Decimal("2500000"),
        S.I_GANG,
        4,
        (2,),
        [(dt.date(2025, 11, 20), Decimal("400000"), "Forældremøder og materiale")],
    ),
    (
        "I",
        "Sprogarbejde i overgangen for flersprogede børn",
        "En fælles ramme for sprogarbejdet fra børnehave til skole.",
        Decimal("2500000"),
        S.BEHANDLET_BFU,
        6,
        (3,),
        [],
    ),
    (
        "J",
        "Lokalt design for skoleudvikling",
        "Skolens egen plan på to ben: læringsfællesskaber og udviklende fællesskaber.",
        Decimal("3500000"),
        S.GODKENDT,
        5,
        (2,),
        [],
    ),
    (
        "J",
        "Kompetenceudvikling for pædagoger i SFO",
        "Fælles forløb for SFO'ens pædagoger om deltagelse i fællesskaber.",
        Decimal("2000000"),
        S.KLADDE,
        6,
        (2,),
        [],
    ),
]


def _institution(name: str, kind: str, known: dict[str, Institution]) -> Institution:
    if name in known:
        return known[name]
    return Institution.objects.get_or_create(name=name, defaults={"kind": kind, "is_demo": True})[0]


def _path_to(final: str) -> list[str]:
    if final == S.AFVIST:
        return [S.BEHANDLET_BFU, S.AFVIST]
    return _PATH[: _PATH.index(final) + 1] if final != S.KLADDE else []


@register_demo_seeder
def seed_investments_demo(
    *, users: dict[str, User], institutions: dict[str, Institution], today: dt.date
) -> None:
    plan = Plan.objects.current()
    if plan is None or plan.funding_amount is None:
        return  # a plan without a pool has no udviklingsskoler
    chef = users["chefgruppe"]
    # As many udviklingsskoler as the plan's pool funds (any plan file seeds).
    limit = plan.funding_development_schools
    letters = LETTERS if limit is None else LETTERS[:limit]
    first, last = plan_date_window(plan, past_only=True, today=today)
    schools = {}
    for index, letter in enumerate(letters, start=1):
        school = _institution(f"Skole {letter} (demo)", Institution.Kind.SKOLE, institutions)
        daycare = _institution(
            f"Børnehave {letter} (demo)", Institution.Kind.DAGTILBUD, institutions
        )
        schools[letter] = development_school_create(
            plan=plan, school=school, by=chef, daycares=[daycare], order=index
        )

    first_of_spor = {}
    for initiative in Initiative.objects.filter(plan=plan).order_by("spor__number", "order", "pk"):
        first_of_spor.setdefault(initiative.spor.number, initiative)

    free = plan.funding_amount
    for letter, title, purpose, amount, final, round_, spor, spendings in INVESTMENTS:
        if letter not in schools or amount > plan.funding_amount:
            continue  # fewer schools or a smaller pool than Vejle's: fewer investments
        if first > last:
            final, spendings = S.KLADDE, []  # the plan begins after today: nothing decided yet
        approved = final in APPROVED_STATES
        if approved and amount > free:
            continue
        free -= amount if approved else 0
        investment = investment_create(
            plan=plan,
            development_school=schools[letter],
            by=chef,
            title=title,
            purpose=purpose,
            amount=amount,
            initiatives=[first_of_spor[n] for n in spor if n in first_of_spor],
        )
        bfu_on, approved_on = ROUNDS[round_]
        dates = {
            S.BEHANDLET_BFU: (bfu_on, f"sag {40 + round_} (demo)", ""),
            S.GODKENDT: (approved_on, f"sag {130 + round_} (demo)", ""),
            S.I_GANG: (approved_on + dt.timedelta(days=45), "", "Arbejdet er gået i gang."),
            S.AFSLUTTET: (dt.date(2025, 12, 15), "", "Forløbet er gennemført og evalueret."),
            S.AFVIST: (
                approved_on,
                f"sag {130 + round_} (demo)",
                "Ligger uden for puljens formål; henvist til anlægsbudgettet.",
            ),
        }
        for step in _path_to(final):
            if step == S.AFSLUTTET:
                _record_spendings(investment, chef, spendings, (first, last))
            decided_on = _within(dates[step][0], (first, last))
            investment_decide(
                investment=investment,
                by=chef,
                to_state=step,
                decided_on=decided_on,
                reference=dates[step][1],
                note=dates[step][2],
                expected_version=investment.version,
                at=_noon(decided_on),
            )
        if final != S.AFSLUTTET:
            _record_spendings(investment, chef, spendings, (first, last))
        _backdate(investment, created_on=_within(bfu_on - dt.timedelta(days=21), (first, today)))


def _within(day: dt.date, window: tuple[dt.date, dt.date]) -> dt.date:
    """The demo's fixed dates moved into the plan's window (Vejle's dates suit Vejle's plan;
    another plan's pool is decided within its own period, and nothing after today)."""
    first, last = window
    return min(max(day, first), last)


def _noon(day: dt.date) -> dt.datetime:
    """The demo's history lies in the past: its rows are stamped at noon of the day they are
    dated (which also keeps them fixed from run to run)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _backdate(investment, *, created_on: dt.date) -> None:
    # The investment itself is no history row; its creation time is moved to the demo's past.
    Investment.objects.filter(pk=investment.pk).update(created_at=_noon(created_on))


def _record_spendings(
    investment, by: User, spendings: list, window: tuple[dt.date, dt.date]
) -> None:
    for spent_on, amount, note in spendings:
        spent_on = _within(spent_on, window)
        spending_record(
            investment=investment,
            by=by,
            spent_on=spent_on,
            amount=amount,
            note=note,
            at=_noon(spent_on),
        )
