"""Demo data for visitation, written through the services: quarterly counts from 2024-K2 that
fall gently (with some small ones, so suppression shows), chefgruppen's targets, and
før-henvisninger, henvisninger and decisions on demo institutions with case numbers
"DEMO-V-0001", … (stored only as their keys). Deterministic: the same `today`, the same data.
"""

import datetime as dt
from decimal import Decimal

from omstilling.demo import register_demo_seeder
from omstilling.models import Institution, User
from omstilling.quarters import Quarter, quarter_range
from visitation.models import (
    AgeGroup,
    DecisionKind,
    ExternalSupport,
    KpiIndicator,
    Level,
    PreReferralOutcome,
    SpecialOfferType,
)
from visitation.services import (
    CountRow,
    kpi_targets_set,
    pre_referral_record,
    referral_decide,
    referral_record,
    special_offer_counts_replace,
)

FIRST_COUNT = Quarter(2024, 2)
LAST_COUNT = Quarter(2026, 3)
FIRST_CASES = Quarter(2024, 3)
CASES_FROM = dt.date(2024, 8, 1)  # the school year 2024/25 is the first with cases
EXTRA_SCHOOLS = ["Skole C (demo)", "Skole D (demo)"]

# (institution, level, counts by quarter index from FIRST_COUNT, pupils of the district)
_COUNTS = [
    ("Skole A (demo)", Level.SKOLE, lambda i: 18 - i // 2, lambda i: 620),
    ("Skole B (demo)", Level.SKOLE, lambda i: 11 - i // 3, lambda i: 410),
    (
        "Skole C (demo)",
        Level.SKOLE,
        lambda i: [4, 4, 3, 4, 3, 3, 2, 3, 2, 2][i % 10],
        lambda i: 180,
    ),
    # Skole D's pupils are known only from the sixth quarter on ("where the data allows").
    ("Skole D (demo)", Level.SKOLE, lambda i: 14 - i // 2, lambda i: 390 if i >= 5 else None),
    ("Børnehave A (demo)", Level.DAGTILBUD, lambda i: [6, 6, 5, 5, 5, 4, 4, 4, 3, 3][i % 10], None),
    ("Børnehave B (demo)", Level.DAGTILBUD, lambda i: [5, 5, 5, 4, 4, 4, 4, 3, 3, 3][i % 10], None),
]

_SCHOOL_AGES = [AgeGroup.SKOLE_1_3, AgeGroup.SKOLE_4_6, AgeGroup.SKOLE_7_10, AgeGroup.SKOLE_0]
_DAYCARE_AGES = [AgeGroup.DAGTILBUD_3_5, AgeGroup.DAGTILBUD_0_2]
_LEADERS = list(ExternalSupport.values)
_SPECIAL = [SpecialOfferType.SPECIALKLASSE, SpecialOfferType.SPECIALSKOLE]


def _seed_counts(*, by: User, institutions: dict[str, Institution], today: dt.date) -> None:
    for index, quarter in enumerate(quarter_range(FIRST_COUNT, LAST_COUNT)):
        if quarter.first_day > today:
            break
        rows = []
        for name, level, count, pupils in _COUNTS:
            rows.append(
                CountRow(
                    institution=institutions[name],
                    quarter=quarter,
                    level=level,
                    children_in_special_offers=count(index),
                    district_pupils=pupils(index) if pupils else None,
                )
            )
        special_offer_counts_replace(
            by=by, rows=rows, file_name=f"bestand-{quarter.danish_code}.csv"
        )


def _seed_targets(*, by: User) -> None:
    start = Quarter(2025, 1)
    trajectory = quarter_range(start, Quarter(2027, 4))
    total = {FIRST_COUNT.first_day: (None, Decimal(58))}
    total.update(
        {q.first_day: (Decimal(56 - round(i * 1.4)), None) for i, q in enumerate(trajectory)}
    )
    kpi_targets_set(
        by=by,
        indicator=KpiIndicator.SPECIAL_TOTAL,
        values=total,
        note="Chefgruppens måltal (demo)",
    )
    kpi_targets_set(
        by=by,
        indicator=KpiIndicator.SEGREGATION_RATE,
        values={
            Quarter(2025, 3).first_day: (Decimal("3.0"), Decimal("3.4")),
            **{
                q.first_day: (Decimal("2.5"), None)
                for q in quarter_range(Quarter(2025, 4), Quarter(2027, 4))
            },
        },
    )
    kpi_targets_set(
        by=by,
        indicator=KpiIndicator.REFERRALS,
        values={q.first_day: (Decimal(6), None) for q in trajectory},
    )
    kpi_targets_set(
        by=by,
        indicator=KpiIndicator.PRECEDED_SHARE,
        values={q.first_day: (Decimal(75 if q.year == 2025 else 90), None) for q in trajectory},
    )
    kpi_targets_set(
        by=by,
        indicator=KpiIndicator.STAYED_SHARE,
        values={q.first_day: (Decimal(40 if q.year == 2025 else 50), None) for q in trajectory},
    )


def _seed_cases(*, by: User, institutions: dict[str, Institution], today: dt.date) -> None:
    places = [
        institutions[name]
        for name in (
            "Skole A (demo)",
            "Børnehave A (demo)",
            "Skole B (demo)",
            "Skole C (demo)",
            "Børnehave B (demo)",
            "Skole D (demo)",
        )
    ]
    number = 0
    for k, quarter in enumerate(quarter_range(FIRST_CASES, Quarter.of(today))):
        # More før-henvisninger over time, and more of them end with the child staying.
        pre_count = 10 + (k % 3) + min(k, 6) // 2
        stays = min(pre_count - 5, 2 + k)
        direct = 8 - k if k < 4 else 0  # referrals without a før-henvisning: fewer, then none
        for j in range(pre_count + direct):
            number += 1
            case_number = f"DEMO-V-{number:04d}"
            place = places[(number * 5) % len(places)]
            daycare = place.kind == Institution.Kind.DAGTILBUD
            ages = _DAYCARE_AGES if daycare else _SCHOOL_AGES
            age = ages[number % len(ages)]
            day = quarter.first_day + dt.timedelta(days=(4 * j + number % 5) % 80)
            if day > today or day < CASES_FROM:
                continue
            received = day + dt.timedelta(days=21)
            if j < pre_count:
                stayed = j < stays
                known = day + dt.timedelta(days=14) <= today
                pre_referral_record(
                    by=by,
                    case_number=case_number,
                    institution=place,
                    age_group=age,
                    held_on=day,
                    led_by=_LEADERS[number % len(_LEADERS)],
                    outcome=PreReferralOutcome.STAYED
                    if stayed and known
                    else PreReferralOutcome.PENDING,
                    outcome_on=day + dt.timedelta(days=14) if stayed and known else None,
                )
                if stayed or received > today:
                    continue
            else:
                received = day
            referral = referral_record(
                by=by,
                case_number=case_number,
                institution=place,
                age_group=age,
                received_on=received,
            )
            decided = received + dt.timedelta(days=35)
            if decided > today:
                continue
            special = number % 3 != 0
            school_start = (
                special
                and age in (AgeGroup.DAGTILBUD_3_5, AgeGroup.SKOLE_0)
                and (quarter.number in (1, 2))
            )
            referral_decide(
                referral=referral,
                by=by,
                decided_on=decided,
                decision=DecisionKind.SPECIAL_OFFER
                if special
                else DecisionKind.GENERAL_WITH_SUPPORT,
                special_offer_type=(
                    SpecialOfferType.SPECIALBOERNEHAVE
                    if special and daycare and not school_start
                    else _SPECIAL[number % 2]
                )
                if special
                else "",
                school_start_direct=school_start,
                note="Afgjort på visitationsudvalgets møde (demo)." if special else "",
            )


@register_demo_seeder
def seed_visitation_demo(
    *, users: dict[str, User], institutions: dict[str, Institution], today: dt.date
) -> None:
    for name in EXTRA_SCHOOLS:
        institutions.setdefault(
            name,
            Institution.objects.get_or_create(
                name=name, defaults={"kind": Institution.Kind.SKOLE, "is_demo": True}
            )[0],
        )
    by = users["visitation"]
    _seed_counts(by=by, institutions=institutions, today=today)
    _seed_targets(by=users["chefgruppe"])
    _seed_cases(by=by, institutions=institutions, today=today)
