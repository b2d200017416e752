"""Scale data for visitation (see `omstilling.scale`): the new institutions' quarterly counts,
før-henvisninger with their outcome history, henvisninger with their decisions, and
chefgruppen's count targets grown with the counts.

The cases keep the services' rules: dates in the case window from the demo's first case day
to yesterday (never in a month whose figures are frozen), an outcome dated after the
før-henvisning, a referral linked to the case's før-henvisning (whose outcome becomes "gik
videre til henvisning"), a decision after the referral, and school start directly in a
special offer only for the youngest. Case numbers are made up and stored only as keys.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Sum

from omstilling.models import AccessLog, Institution, Role, User
from omstilling.privacy import case_key_from_number
from omstilling.quarters import Quarter, quarter_range
from omstilling.scale import (
    ScaleContext,
    access_log_rows,
    bulk_insert,
    random_dates,
    register_scale_seeder,
)
from visitation.demo import CASES_FROM, FIRST_COUNT, LAST_COUNT
from visitation.models import (
    SCHOOL_START_AGE_GROUPS,
    AgeGroup,
    CountImport,
    Decision,
    DecisionKind,
    ExternalSupport,
    KpiIndicator,
    KpiTarget,
    Level,
    PreReferral,
    PreReferralOutcome,
    PreReferralOutcomeChange,
    Referral,
    ReferralMonthStats,
    SpecialOfferCount,
    SpecialOfferType,
)

PRE_REFERRALS_PER_UNIT = 300
DIRECT_REFERRALS_PER_UNIT = 40
SHARE_STAYED = 0.45  # of the før-henvisninger whose outcome is known
SHARE_REFERRED = 0.4
SHARE_SPECIAL = 0.65  # of the decisions
SHARE_CORRECTED = 0.05  # decisions corrected by a second one
COUNT_INDICATORS = (
    KpiIndicator.SPECIAL_TOTAL,
    KpiIndicator.SPECIAL_DAGTILBUD,
    KpiIndicator.SPECIAL_SKOLE,
    KpiIndicator.REFERRALS,
)
_AGES = {
    Institution.Kind.SKOLE: [
        AgeGroup.SKOLE_0,
        AgeGroup.SKOLE_1_3,
        AgeGroup.SKOLE_4_6,
        AgeGroup.SKOLE_7_10,
    ],
    Institution.Kind.DAGTILBUD: [AgeGroup.DAGTILBUD_0_2, AgeGroup.DAGTILBUD_3_5],
}
_SPECIAL_TYPES = {
    Institution.Kind.SKOLE: [
        SpecialOfferType.SPECIALKLASSE,
        SpecialOfferType.SPECIALSKOLE,
        SpecialOfferType.DAGBEHANDLING,
    ],
    Institution.Kind.DAGTILBUD: [
        SpecialOfferType.SPECIALBOERNEHAVE,
        SpecialOfferType.SPECIALGRUPPE_DAGTILBUD,
    ],
}
# A child who starts school directly in a special offer goes to a school's special offer.
_SCHOOL_START_TYPES = [SpecialOfferType.SPECIALKLASSE, SpecialOfferType.SPECIALSKOLE]
DECISION_NOTE = "Afgjort på visitationsudvalgets møde (demo)."


@register_scale_seeder
def seed_visitation_scale(context: ScaleContext) -> None:
    before = _totals()
    add_counts(context)
    add_cases(context)
    grow_count_targets(context, before=before, after=_totals())


def _totals() -> dict[str, int]:
    return {
        "special": SpecialOfferCount.objects.aggregate(n=Sum("children_in_special_offers"))["n"]
        or 0,
        "referrals": Referral.objects.count(),
    }


def _visitation_users(context: ScaleContext) -> list[User]:
    return context.users.get(Role.VISITATION) or [context.chef]


def add_counts(context: ScaleContext) -> None:
    """The new daycares' and schools' children in special offers in the quarters the demo
    counted, falling slowly; one import per quarter, as a file per quarter would give."""
    rng = context.random("visitation.counts")
    counted = sorted(set(SpecialOfferCount.objects.values_list("quarter", flat=True)))
    quarters = [Quarter.of(day) for day in counted] or [
        q for q in quarter_range(FIRST_COUNT, LAST_COUNT) if q.first_day <= context.last_day
    ]
    places = [i for i in context.new_institutions if i.kind in _AGES]
    if not quarters or not places:
        return
    start = {
        place.pk: rng.randint(2, 16) if place.kind == Institution.Kind.SKOLE else rng.randint(1, 7)
        for place in places
    }
    pupils = {place.pk: rng.randint(150, 700) for place in places}
    by = _visitation_users(context)[0]
    imports = bulk_insert(
        CountImport,
        [
            CountImport(
                file_name=f"bestand-{q.danish_code}-skala.csv",
                quarters=[q.code],
                rows=len(places),
                imported_by=by,
            )
            for q in quarters
        ],
    )
    counts = []
    for index, (quarter, batch) in enumerate(zip(quarters, imports, strict=True)):
        for place in places:
            school = place.kind == Institution.Kind.SKOLE
            counts.append(
                SpecialOfferCount(
                    institution=place,
                    quarter=quarter.first_day,
                    level=Level.SKOLE if school else Level.DAGTILBUD,
                    children_in_special_offers=max(0, start[place.pk] - index // 3),
                    district_pupils=pupils[place.pk] if school else None,
                    source=batch,
                )
            )
    bulk_insert(SpecialOfferCount, counts)


def _case_window(context: ScaleContext) -> tuple[dt.date, dt.date]:
    """From the demo's first case day, after any month whose figures are frozen."""
    first = CASES_FROM
    frozen = ReferralMonthStats.objects.aggregate(last=Max("month"))["last"]
    if frozen is not None:
        following = (frozen.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        first = max(first, following)
    return first, context.last_day


@dataclass
class _Case:
    """One child's case as it is built, before its rows are inserted."""

    by: User
    pre: PreReferral | None = None
    changes: list[PreReferralOutcomeChange] = field(default_factory=list)
    referral: Referral | None = None
    decisions: list[Decision] = field(default_factory=list)


def add_cases(context: ScaleContext) -> None:
    """Før-henvisninger and henvisninger over the general institutions, demo's and new."""
    rng = context.random("visitation.cases")
    first, last = _case_window(context)
    places = context.general_institutions()
    if first > last or not places:
        return
    users = _visitation_users(context)
    pre_days = random_dates(rng, first, last, PRE_REFERRALS_PER_UNIT * context.units)
    direct_days = random_dates(rng, first, last, DIRECT_REFERRALS_PER_UNIT * context.units)
    cases = []
    for index, day in enumerate(pre_days):
        case = _Case(by=rng.choice(users))
        _pre_referral(context, rng, case, places[index % len(places)], index, day)
        cases.append(case)
    for index, day in enumerate(direct_days, start=len(pre_days)):
        case = _Case(by=rng.choice(users))
        _direct_referral(context, rng, case, places[index % len(places)], index, day)
        cases.append(case)
    _insert(cases)


def _case_key(index: int) -> str:
    return case_key_from_number(f"SKALA-V-{index + 1:06d}")


def _pre_referral(
    context: ScaleContext,
    rng: random.Random,
    case: _Case,
    place: Institution,
    index: int,
    day: dt.date,
) -> None:
    """A før-henvisning; its outcome known some weeks later: the child stayed, or was
    referred (referral_record links the two and the outcome follows), or it is pending."""
    case.pre = PreReferral(
        institution=place,
        age_group=rng.choice(_AGES[place.kind]),
        case_key=_case_key(index),
        held_on=day,
        led_by=rng.choice(ExternalSupport.values),
        recorded_by=case.by,
    )
    case.changes.append(
        PreReferralOutcomeChange(outcome=PreReferralOutcome.PENDING, recorded_by=case.by)
    )
    draw = rng.random()
    known = day + dt.timedelta(days=rng.randint(14, 45))
    if known > context.last_day or draw >= SHARE_STAYED + SHARE_REFERRED:
        return
    if draw < SHARE_STAYED:
        case.pre.outcome = PreReferralOutcome.STAYED
    else:
        case.pre.outcome = PreReferralOutcome.REFERRED
        case.referral = Referral(
            institution=place,
            age_group=case.pre.age_group,
            case_key=case.pre.case_key,
            received_on=known,
            preceded_by_pre_referral=True,
            recorded_by=case.by,
        )
        _decide(context, rng, case, place)
    case.pre.outcome_on = known
    case.changes.append(
        PreReferralOutcomeChange(outcome=case.pre.outcome, outcome_on=known, recorded_by=case.by)
    )


def _direct_referral(
    context: ScaleContext,
    rng: random.Random,
    case: _Case,
    place: Institution,
    index: int,
    day: dt.date,
) -> None:
    """A referral without a før-henvisning here (now and then one was held elsewhere)."""
    case.referral = Referral(
        institution=place,
        age_group=rng.choice(_AGES[place.kind]),
        case_key=_case_key(index),
        received_on=day,
        preceded_by_pre_referral=rng.random() < 0.3,
        recorded_by=case.by,
    )
    _decide(context, rng, case, place)


def _decide(context: ScaleContext, rng: random.Random, case: _Case, place: Institution) -> None:
    """The committee's decision some weeks after the referral (if by yesterday), now and then
    corrected by a second; the referral shows the newest, as referral_decide leaves it."""
    referral = case.referral
    day = referral.received_on + dt.timedelta(days=rng.randint(20, 50))
    special = rng.random() < SHARE_SPECIAL
    for _round in range(2 if rng.random() < SHARE_CORRECTED else 1):
        if day > context.last_day:
            break
        kind = DecisionKind.SPECIAL_OFFER if special else DecisionKind.GENERAL_WITH_SUPPORT
        offer, school_start = "", False
        if special:
            school_start = referral.age_group in SCHOOL_START_AGE_GROUPS and rng.random() < 0.3
            offer = rng.choice(_SCHOOL_START_TYPES if school_start else _SPECIAL_TYPES[place.kind])
        case.decisions.append(
            Decision(
                decided_on=day,
                decision=kind,
                special_offer_type=offer,
                school_start_direct=school_start,
                note=DECISION_NOTE if special else "",
                recorded_by=case.by,
            )
        )
        referral.decided_on, referral.decision = day, kind
        referral.special_offer_type, referral.school_start_direct = offer, school_start
        day += dt.timedelta(days=rng.randint(7, 30))
        special = not special


def _insert(cases: list[_Case]) -> None:
    """Insert the cases table by table (parents first), then their access-log rows."""
    bulk_insert(PreReferral, [case.pre for case in cases if case.pre])
    for case in cases:
        for change in case.changes:
            change.pre_referral = case.pre
        if case.referral is not None:
            case.referral.pre_referral = case.pre
    bulk_insert(PreReferralOutcomeChange, [c for case in cases for c in case.changes])
    bulk_insert(Referral, [case.referral for case in cases if case.referral])
    for case in cases:
        for decision in case.decisions:
            decision.referral = case.referral
    bulk_insert(Decision, [d for case in cases for d in case.decisions])
    logs = []
    for case in cases:
        created = [obj for obj in (case.pre, case.referral) if obj is not None]
        updated = [case.pre] * (len(case.changes) - 1) + [case.referral] * len(case.decisions)
        logs += access_log_rows(user=case.by, action=AccessLog.Action.CREATE, objects=created)
        logs += access_log_rows(user=case.by, action=AccessLog.Action.UPDATE, objects=updated)
    bulk_insert(AccessLog, logs)


def grow_count_targets(context: ScaleContext, *, before: dict, after: dict) -> None:
    """Chefgruppen's targets in numbers of children grow with the counts (the percentages
    stay): each changed target keeps its history row, as kpi_targets_set leaves it."""
    ratios = {
        KpiIndicator.REFERRALS: _ratio(before["referrals"], after["referrals"]),
    }
    special = _ratio(before["special"], after["special"])
    targets = list(
        KpiTarget.objects.filter(indicator__in=COUNT_INDICATORS).order_by("indicator", "quarter")
    )
    for target in targets:
        ratio = ratios.get(target.indicator, special)
        target.target = _grown(target.target, ratio)
        target.baseline = _grown(target.baseline, ratio)
        target.set_by = context.chef
        target._history_date = context.at(context.last_day, 540)
    KpiTarget.objects.bulk_update(targets, ["target", "baseline", "set_by"])
    KpiTarget.history.bulk_history_create(targets, update=True, default_user=context.chef)


def _ratio(before: int, after: int) -> Decimal:
    return Decimal(after) / Decimal(before) if before else Decimal(1)


def _grown(value: Decimal | None, ratio: Decimal) -> Decimal | None:
    return None if value is None else (value * ratio).quantize(Decimal("1"))
