"""A small plan whose dashboard numbers are worked out by hand below, on a frozen day.

Today is 24 November 2026 (4th quarter 2026); status changes count from 26 August 2026 (90 days).

Initiatives (area D = Dagtilbud, S = Skole) and their status history:
  Spor 1  A1 D  i gang/grøn 40 (1 May)      → afsluttet/grøn 100 (1 Oct)   changed
          A2 D  i gang/gul 20 (1 Mar)                                        unchanged
          A3 S  sat på pause/rød 10 (15 Sep, first status)                   changed
          A4 D  no status
          A5 D  i gang/grøn 30 (1 Jun)      → i gang/grøn 50 (10 Oct)      progress only
  Spor 2  B1 S  ikke startet/grøn 0 (1 Sep, first status)                    changed
          B2 S  opgivet/gul 0 (1 Apr)                                        unchanged
          B3 D  i gang/grøn 60 (1 Jul) → pause/gul (1 Sep) → i gang/grøn 70 (1 Nov)  back again
          B4 S  i gang/grøn 80 (1 May)      → i gang/gul 80 (20 Nov)       health changed

Spor 1: 2 i gang, 1 afsluttet, 1 pause, 1 ingen status (5); progress (100+20+10+50)/4 = 45 %.
Spor 2: 1 ikke startet, 2 i gang, 1 opgivet (4); progress (0+70+80)/3 = 50 % (opgivet not counted).
Whole plan 330/7 = 47 %.

Milestones (quarter, planned date, completed):
  M1 A1 2025-Q1 done 20 Mar 2025        M7  B1 2026-Q3 done 5 Oct 2026 (late)
  M2 A1 2025-Q1 open → overdue          M8  B2 2027-Q2 open → planned
  M3 A2 2026-Q4 1 Nov 2026 → overdue    M9  B4 2026-Q2 done 1 Jun 2026
  M4 A2 2026-Q4 15 Dec 2026 → planned   M10 A4 2024-Q2 done 1 Jun 2024
  M5 A3 2026-Q4 open → planned          M11 B3 2026-Q1 open, Skole A's own → overdue
  M6 B1 2026-Q3 open → overdue          M12 A5 2028-Q1 (after the plan) → planned
Per quarter: 2024-Q2 1 done · 2025-Q1 1 done 1 overdue · 2026-Q1 1 overdue · 2026-Q2 1 done ·
2026-Q3 1 done 1 overdue · 2026-Q4 2 planned 1 overdue · 2027-Q2 1 planned · 2028-Q1 1 planned.
Totals: 4 done, 4 planned, 4 overdue. Overdue by due date: M2, M11, M6, M3.

Recommendations: R1 ← A1, B1 · R2 ← none · R3 ← B4 · R4 ← none.

The pool (50.000.000 kr.), through the investments services:
  Skole A: I1 2.000.000 godkendt, spent 500.000,50 + 250.000,25; I2 1.500.000 i gang, spent
           1.000.000 → approved 3.500.000, spent 1.750.000,75, 2 investments
  Skole B: I3 3.000.000 godkendt; I4 800.000 behandlet i BFU; I5 400.000 afvist
           → approved 3.000.000, spent 0, 2 investments (afvist is not counted)
  Skole C: nothing.
Approved 6.500.000, spent 1.750.000,75, free 43.500.000.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from investments.models import InvestmentState
from investments.services import (
    development_school_create,
    investment_create,
    investment_decide,
    spending_record,
)
from tests.factories import (
    AreaFactory,
    GovernanceBodyFactory,
    InitiativeFactory,
    InstitutionFactory,
    MilestoneFactory,
    RecommendationFactory,
    RecommendationThemeFactory,
    SporFactory,
    UserFactory,
)
from tracks.services import initiative_update_status, milestone_complete

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
TODAY = dt.datetime(2026, 11, 24, 10, tzinfo=COPENHAGEN)
POOL = Decimal("50000000.00")
S = InvestmentState


@pytest.fixture
def frozen():
    """Freeze the clock at TODAY for the duration of a test."""
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def set_status(initiative, by, day, state, health, progress):
    """A status update recorded on `day` (10 o'clock Danish time), through the service."""
    with time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 10, tzinfo=COPENHAGEN), tick=False
    ):
        initiative_update_status(
            initiative=initiative,
            by=by,
            state=state,
            health=health,
            progress=progress,
            narrative="" if health == "groen" else "Der er en udfordring.",
            expected_version=initiative.version,
        )


def complete(milestone, by, day):
    with time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 12, tzinfo=COPENHAGEN), tick=False
    ):
        milestone_complete(milestone=milestone, by=by, completed_on=day)


def decide(investment, by, *steps):
    for to_state, day, reference in steps:
        investment_decide(
            investment=investment,
            by=by,
            to_state=to_state,
            decided_on=day,
            reference=reference,
            expected_version=investment.version,
        )


@pytest.fixture
def dashboard_data(plan, spor, chef, owner, other_owner, frozen):
    """The data set described in the module docstring."""
    d = dt.date
    # The suite's plan runs 2024-Q2 to 2027-Q4; give it the pool the Vejle plan file carries.
    plan.funding_title = "Folkeskolens fremtid"
    plan.funding_amount = POOL
    plan.funding_granted_by = "Byrådet"
    plan.funding_date = d(2024, 6, 19)
    plan.funding_reference = "sag 137"
    plan.funding_development_schools = 10
    plan.save()
    spor_1 = spor
    spor_2 = SporFactory(plan=plan, number=2, slug="spor-2", title="Det gode skoletilbud")
    dagtilbud = AreaFactory(slug="dagtilbud", name="Dagtilbud")
    skole = AreaFactory(slug="skole", name="Uddannelse & Læring")
    spor_1.lead_areas.add(dagtilbud)
    spor_2.lead_areas.add(skole)
    body = GovernanceBodyFactory(name="Arbejdsgruppe for overgange")

    def initiative(spor, area, title, **kwargs):
        return InitiativeFactory(plan=plan, spor=spor, lead_area=area, title=title, **kwargs)

    i = {
        "A1": initiative(spor_1, dagtilbud, "Fælles kompetenceforløb", owner=owner),
        "A2": initiative(spor_1, dagtilbud, "Særskilt forløb for dagplejen", owner=other_owner),
        "A3": initiative(spor_1, skole, "Diplommoduler i neuropædagogik"),
        "A4": initiative(spor_1, dagtilbud, "Forældresamarbejde"),
        "A5": initiative(spor_1, dagtilbud, "Fælles redskaber og metoder"),
        "B1": initiative(spor_2, skole, "Lederudvikling", owner_body=body),
        "B2": initiative(spor_2, skole, "Kvalitetsprogrammet"),
        "B3": initiative(spor_2, dagtilbud, "Læringsmiljøer"),
        "B4": initiative(spor_2, skole, "Læse- og skrivestrategier"),
    }
    set_status(i["A1"], chef, d(2026, 5, 1), "i_gang", "groen", 40)
    set_status(i["A1"], chef, d(2026, 10, 1), "afsluttet", "groen", 100)
    set_status(i["A2"], chef, d(2026, 3, 1), "i_gang", "gul", 20)
    set_status(i["A3"], chef, d(2026, 9, 15), "pause", "roed", 10)
    set_status(i["A5"], chef, d(2026, 6, 1), "i_gang", "groen", 30)
    set_status(i["A5"], chef, d(2026, 10, 10), "i_gang", "groen", 50)
    set_status(i["B1"], chef, d(2026, 9, 1), "ikke_startet", "groen", 0)
    set_status(i["B2"], chef, d(2026, 4, 1), "opgivet", "gul", 0)
    set_status(i["B3"], chef, d(2026, 7, 1), "i_gang", "groen", 60)
    set_status(i["B3"], chef, d(2026, 9, 1), "pause", "gul", 60)
    set_status(i["B3"], chef, d(2026, 11, 1), "i_gang", "groen", 70)
    set_status(i["B4"], chef, d(2026, 5, 1), "i_gang", "groen", 80)
    set_status(i["B4"], chef, d(2026, 11, 20), "i_gang", "gul", 80)

    school_a = InstitutionFactory(name="Skole A (demo)")
    m = {}

    def milestone(key, initiative, quarter, **kwargs):
        m[key] = MilestoneFactory(
            initiative=i[initiative], title=f"Milepæl {key}", planned_quarter=quarter, **kwargs
        )

    milestone("M1", "A1", d(2025, 1, 1))
    milestone("M2", "A1", d(2025, 1, 1))
    milestone("M3", "A2", d(2026, 10, 1), planned_date=d(2026, 11, 1))
    milestone("M4", "A2", d(2026, 10, 1), planned_date=d(2026, 12, 15))
    milestone("M5", "A3", d(2026, 10, 1))
    milestone("M6", "B1", d(2026, 7, 1))
    milestone("M7", "B1", d(2026, 7, 1))
    milestone("M8", "B2", d(2027, 4, 1))
    milestone("M9", "B4", d(2026, 4, 1))
    milestone("M10", "A4", d(2024, 4, 1))
    milestone("M11", "B3", d(2026, 1, 1), institution=school_a)
    milestone("M12", "A5", d(2028, 1, 1))
    complete(m["M1"], chef, d(2025, 3, 20))
    complete(m["M7"], chef, d(2026, 10, 5))
    complete(m["M9"], chef, d(2026, 6, 1))
    complete(m["M10"], chef, d(2024, 6, 1))

    theme_1 = RecommendationThemeFactory(plan=plan, number=1, title="Styrkelse af almenområdet")
    theme_2 = RecommendationThemeFactory(plan=plan, number=2, title="Ledelsesopgaven")
    r = {
        "R1": RecommendationFactory(theme=theme_1, number=1, text="Styrke fællesskabet."),
        "R2": RecommendationFactory(theme=theme_1, number=2, text="Prioritere kompetencer."),
        "R3": RecommendationFactory(theme=theme_2, number=3, text="Ledelsen går forrest."),
        "R4": RecommendationFactory(theme=theme_2, number=4, text="Lære af hinanden."),
    }
    r["R1"].initiatives.add(i["A1"], i["B1"])
    r["R3"].initiatives.add(i["B4"])

    schools = {
        name: development_school_create(
            plan=plan, school=InstitutionFactory(name=f"{name} (udvikling)"), by=chef
        )
        for name in ("Skole A", "Skole B", "Skole C")
    }
    bfu_step = (S.BEHANDLET_BFU, d(2025, 2, 5), "sag 12")
    approve = (S.GODKENDT, d(2025, 2, 19), "sag 137")

    def invest(school, amount, title):
        return investment_create(
            plan=plan, development_school=schools[school], by=chef, title=title, amount=amount
        )

    i1 = invest("Skole A", Decimal("2000000"), "Udviklende fællesskaber")
    decide(i1, chef, bfu_step, approve)
    spending_record(investment=i1, by=chef, spent_on=d(2025, 5, 1), amount=Decimal("500000.50"))
    spending_record(investment=i1, by=chef, spent_on=d(2025, 6, 1), amount=Decimal("250000.25"))
    i2 = invest("Skole A", Decimal("1500000"), "Læringsmiljøer")
    decide(i2, chef, bfu_step, approve, (S.I_GANG, d(2025, 3, 1), ""))
    spending_record(investment=i2, by=chef, spent_on=d(2025, 9, 1), amount=Decimal("1000000"))
    i3 = invest("Skole B", Decimal("3000000"), "Overgange")
    decide(i3, chef, bfu_step, approve)
    i4 = invest("Skole B", Decimal("800000"), "Forældresamarbejde")
    decide(i4, chef, bfu_step)
    i5 = invest("Skole B", Decimal("400000"), "Afvist forslag")
    decide(i5, chef, (S.AFVIST, d(2025, 2, 5), "sag 12"))

    return {
        "plan": plan,
        "spor_1": spor_1,
        "spor_2": spor_2,
        "dagtilbud": dagtilbud,
        "skole": skole,
        "initiatives": i,
        "milestones": m,
        "recommendations": r,
        "schools": schools,
        "body": body,
        "school_a": school_a,
    }


@pytest.fixture
def no_role(db):
    return UserFactory(username="uden-rolle", role="")
