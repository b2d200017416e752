"""The KPIs' raw numbers against values computed by hand on a small data set."""

import datetime as dt
from decimal import Decimal

import pytest

from omstilling.quarters import Quarter
from tests.factories import KpiTargetFactory, SpecialOfferCountFactory
from visitation import selectors
from visitation.models import KpiIndicator, Level, ReferralMonthStats, school_year_label
from visitation.services import (
    pre_referral_record,
    pre_referral_set_outcome,
    referral_decide,
    referral_record,
)

pytestmark = pytest.mark.django_db

Q2, Q3, Q4 = Quarter(2026, 2), Quarter(2026, 3), Quarter(2026, 4)


@pytest.fixture
def counts(school, other_school, daycare):
    SpecialOfferCountFactory(
        institution=school, quarter=Q2.first_day, children_in_special_offers=14, district_pupils=600
    )
    SpecialOfferCountFactory(
        institution=other_school, quarter=Q2.first_day, children_in_special_offers=3
    )
    SpecialOfferCountFactory(
        institution=daycare,
        quarter=Q2.first_day,
        level=Level.DAGTILBUD,
        children_in_special_offers=5,
    )
    SpecialOfferCountFactory(
        institution=school, quarter=Q3.first_day, children_in_special_offers=12, district_pupils=600
    )
    SpecialOfferCountFactory(
        institution=other_school,
        quarter=Q3.first_day,
        children_in_special_offers=4,
        district_pupils=200,
    )
    SpecialOfferCountFactory(
        institution=daycare,
        quarter=Q3.first_day,
        level=Level.DAGTILBUD,
        children_in_special_offers=2,
    )


def test_children_in_special_offers_per_quarter_and_level(counts):
    result = [
        (c.quarter, c.dagtilbud, c.skole, c.total) for c in selectors.special_offers_by_quarter()
    ]

    assert result == [(Q2, 5, 17, 22), (Q3, 2, 16, 18)]


def test_children_in_special_offers_per_district_school(counts):
    result = [
        (c.name, c.quarter, c.children_in_special_offers, c.district_pupils)
        for c in selectors.special_offers_by_institution()
    ]

    assert result == [
        ("Skole A (demo)", Q2, 14, 600),
        ("Skole A (demo)", Q3, 12, 600),
        ("Skole B (demo)", Q2, 3, None),
        ("Skole B (demo)", Q3, 4, 200),
    ]


@pytest.fixture
def cases(visitation, school, daycare):
    """By hand:
    K2 2026: før-henvisninger held 15 and 20 June → one went on to a referral, one stayed.
    K3 2026: referrals received 6 July (after the 15 June før-henvisning), 3 August (none),
             7 September (held elsewhere) → 3 referrals, 2 preceded;
             før-henvisninger held 10 July (stayed) and 1 August (still open) → 1 stayed, 0 on.
    K4 2026: referral received 5 October (none) → 1 referral, 0 preceded.
    School start directly in a special offer: decided 20 July 2026 (school year 2025/26) and
    10 August 2026 (2026/27); a special offer without school start on 14 September doesn't count.
    """

    def pre(number, held_on, age="skole_1_3", institution=school):
        return pre_referral_record(
            by=visitation,
            case_number=number,
            institution=institution,
            age_group=age,
            held_on=held_on,
            led_by="ppr",
        )

    def ref(number, received_on, age="skole_1_3", institution=school, **kwargs):
        return referral_record(
            by=visitation,
            case_number=number,
            institution=institution,
            age_group=age,
            received_on=received_on,
            **kwargs,
        )

    pre("K-1", dt.date(2026, 6, 15), age="dagtilbud_3_5", institution=daycare)
    stayed = pre("K-2", dt.date(2026, 6, 20))
    pre_referral_set_outcome(
        pre_referral=stayed, by=visitation, outcome="almentilbud", outcome_on=dt.date(2026, 6, 30)
    )
    stayed_later = pre("K-5", dt.date(2026, 7, 10))
    pre_referral_set_outcome(
        pre_referral=stayed_later,
        by=visitation,
        outcome="almentilbud",
        outcome_on=dt.date(2026, 7, 24),
    )
    pre("K-6", dt.date(2026, 8, 1))

    first = ref("K-1", dt.date(2026, 7, 6), age="dagtilbud_3_5", institution=daycare)
    second = ref("K-3", dt.date(2026, 8, 3), age="skole_0")
    third = ref("K-4", dt.date(2026, 9, 7), pre_referral_held_elsewhere=True)
    ref("K-7", dt.date(2026, 10, 5))
    referral_decide(
        referral=first,
        by=visitation,
        decided_on=dt.date(2026, 7, 20),
        decision="specialtilbud",
        special_offer_type="specialskole",
        school_start_direct=True,
    )
    referral_decide(
        referral=second,
        by=visitation,
        decided_on=dt.date(2026, 8, 10),
        decision="specialtilbud",
        special_offer_type="specialklasse",
        school_start_direct=True,
    )
    referral_decide(
        referral=third,
        by=visitation,
        decided_on=dt.date(2026, 9, 14),
        decision="specialtilbud",
        special_offer_type="specialklasse",
    )


def test_referrals_per_quarter_and_their_before_referrals(cases):
    result = [
        (
            r.quarter,
            r.referrals,
            r.referrals_preceded,
            r.pre_referrals_stayed,
            r.pre_referrals_referred,
        )
        for r in selectors.referrals_by_quarter()
    ]

    assert result == [(Q2, 0, 0, 1, 1), (Q3, 3, 2, 1, 0), (Q4, 1, 0, 0, 0)]


def test_school_starts_directly_in_a_special_offer_per_school_year(cases):
    assert selectors.school_start_direct_by_school_year() == {2025: 1, 2026: 1}
    assert school_year_label(2025) == "2025/26"


def test_frozen_months_replace_the_live_rows_of_their_month(cases):
    ReferralMonthStats.objects.create(month=dt.date(2026, 7, 1), referrals=9, referrals_preceded=4)

    q3 = next(r for r in selectors.referrals_by_quarter() if r.quarter == Q3)

    # July from the frozen figures (9, 4, none stayed), August and September live (2, 1).
    assert (q3.referrals, q3.referrals_preceded, q3.pre_referrals_stayed) == (11, 5, 0)


def test_targets_and_a_baseline_carried_forward():
    KpiTargetFactory(quarter=Q2.first_day, target=None, baseline=Decimal(60))
    KpiTargetFactory(quarter=Q3.first_day, target=Decimal(55))
    KpiTargetFactory(quarter=Q4.first_day, target=Decimal("52.5"))
    KpiTargetFactory(indicator=KpiIndicator.REFERRALS, quarter=Q3.first_day, target=Decimal(6))

    points = selectors.kpi_targets()[KpiIndicator.SPECIAL_TOTAL]

    assert [points[q].target for q in (Q2, Q3, Q4)] == [None, 55.0, 52.5]
    assert [selectors.baseline_for(points, q) for q in (Quarter(2026, 1), Q2, Q3, Q4)] == [
        None,
        60.0,
        60.0,
        60.0,
    ]
    assert selectors.kpi_targets()[KpiIndicator.REFERRALS][Q3].target == 6.0
