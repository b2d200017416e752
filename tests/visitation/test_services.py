"""The visitation services: what they record, the rules they keep, the history they append."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from omstilling.models import AccessLog
from omstilling.privacy import case_key
from tests.visitation.conftest import CASE_NUMBER, TODAY
from visitation.models import (
    Decision,
    DecisionKind,
    PreReferral,
    PreReferralOutcome,
    PreReferralOutcomeChange,
    Referral,
    ReferralMonthStats,
)
from visitation.services import (
    pre_referral_record,
    pre_referral_set_outcome,
    referral_decide,
    referral_record,
    retention_cutoff,
)

pytestmark = pytest.mark.django_db


def _record_pre(by, institution, **overrides):
    data = {
        "by": by,
        "case_number": CASE_NUMBER,
        "institution": institution,
        "age_group": "skole_1_3",
        "held_on": dt.date(2026, 9, 1),
        "led_by": "ppr",
        **overrides,
    }
    return pre_referral_record(**data)


def test_it_stores_the_key_of_the_case_number_and_never_the_number(visitation, school):
    pre_referral = _record_pre(visitation, school)

    assert pre_referral.case_key == case_key(CASE_NUMBER)
    assert CASE_NUMBER not in pre_referral.case_key
    assert pre_referral.outcome == PreReferralOutcome.PENDING
    assert pre_referral.outcome_on is None
    assert pre_referral.recorded_by == visitation


def test_it_logs_the_creation_without_content(visitation, school):
    pre_referral = _record_pre(visitation, school, path="/visitation/foer-henvisninger/ny/")

    entry = AccessLog.objects.get()
    assert (entry.username, entry.action, entry.model, entry.object_id) == (
        "visitation",
        "create",
        "visitation.PreReferral",
        str(pre_referral.pk),
    )
    assert entry.path == "/visitation/foer-henvisninger/ny/"


def test_it_records_a_known_outcome_dated_the_day_it_was_held(visitation, school):
    pre_referral = _record_pre(visitation, school, outcome=PreReferralOutcome.STAYED)

    assert pre_referral.outcome_on == dt.date(2026, 9, 1)
    assert list(pre_referral.outcome_changes.values_list("outcome", flat=True)) == ["almentilbud"]


@pytest.mark.parametrize("case_number", ["010203-1234", "0102031234", "cpr 311299-9999"])
def test_it_refuses_a_cpr_number_as_case_number(visitation, school, case_number):
    with pytest.raises(ValidationError) as excinfo:
        _record_pre(visitation, school, case_number=case_number)

    assert "CPR-nummer" in str(excinfo.value.message_dict["case_number"])
    assert not PreReferral.objects.exists()
    assert not AccessLog.objects.exists()


def test_it_refuses_an_empty_case_number(visitation, school):
    with pytest.raises(ValidationError) as excinfo:
        _record_pre(visitation, school, case_number="   ")

    assert "case_number" in excinfo.value.message_dict


def test_it_refuses_a_date_in_the_future(visitation, school):
    with pytest.raises(ValidationError) as excinfo:
        _record_pre(visitation, school, held_on=TODAY + dt.timedelta(days=1))

    assert "fremtiden" in str(excinfo.value.message_dict["held_on"])


def test_it_refuses_a_special_offer_as_the_childs_institution(visitation, special_offer):
    with pytest.raises(ValidationError) as excinfo:
        _record_pre(visitation, special_offer)

    assert "institution" in excinfo.value.message_dict


def test_it_refuses_a_case_dated_in_a_month_whose_figures_are_frozen(visitation, school):
    ReferralMonthStats.objects.create(month=dt.date(2024, 5, 1), referrals=3)

    with pytest.raises(ValidationError) as excinfo:
        _record_pre(visitation, school, held_on=dt.date(2024, 5, 20))

    assert "afsluttet" in str(excinfo.value.message_dict["held_on"])


def test_an_outcome_change_is_appended_to_the_history(visitation, school):
    pre_referral = _record_pre(visitation, school)

    pre_referral_set_outcome(
        pre_referral=pre_referral,
        by=visitation,
        outcome=PreReferralOutcome.STAYED,
        outcome_on=dt.date(2026, 9, 15),
    )
    pre_referral_set_outcome(
        pre_referral=pre_referral,
        by=visitation,
        outcome=PreReferralOutcome.REFERRED,
        outcome_on=dt.date(2026, 9, 20),
    )

    pre_referral.refresh_from_db()
    assert (pre_referral.outcome, pre_referral.outcome_on) == ("henvist", dt.date(2026, 9, 20))
    assert list(
        PreReferralOutcomeChange.objects.order_by("pk").values_list("outcome", flat=True)
    ) == ["afventer", "almentilbud", "henvist"]
    change = PreReferralOutcomeChange.objects.first()
    with pytest.raises(ValueError):
        change.save()


def test_an_outcome_needs_a_date_not_before_the_pre_referral(visitation, school):
    pre_referral = _record_pre(visitation, school)

    with pytest.raises(ValidationError) as excinfo:
        pre_referral_set_outcome(
            pre_referral=pre_referral,
            by=visitation,
            outcome=PreReferralOutcome.STAYED,
            outcome_on=dt.date(2026, 8, 1),
        )
    assert "outcome_on" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        pre_referral_set_outcome(
            pre_referral=pre_referral, by=visitation, outcome="almentilbud", outcome_on=None
        )


def test_a_referral_is_linked_to_the_pre_referral_of_the_same_case(visitation, school):
    pre_referral = _record_pre(visitation, school)

    referral = referral_record(
        by=visitation,
        case_number=" sag-2026-4711 ",
        institution=school,
        age_group="skole_1_3",
        received_on=dt.date(2026, 9, 22),
    )

    assert referral.pre_referral == pre_referral
    assert referral.preceded_by_pre_referral
    pre_referral.refresh_from_db()
    assert (pre_referral.outcome, pre_referral.outcome_on) == ("henvist", dt.date(2026, 9, 22))


def test_a_referral_without_a_pre_referral_is_not_marked_as_preceded(visitation, school):
    _record_pre(visitation, school, case_number="ANDEN-SAG")

    referral = referral_record(
        by=visitation,
        case_number=CASE_NUMBER,
        institution=school,
        age_group="skole_1_3",
        received_on=dt.date(2026, 9, 22),
    )

    assert referral.pre_referral is None
    assert not referral.preceded_by_pre_referral


def test_a_pre_referral_held_after_the_referral_is_not_linked(visitation, school):
    _record_pre(visitation, school, held_on=dt.date(2026, 10, 1))

    referral = referral_record(
        by=visitation,
        case_number=CASE_NUMBER,
        institution=school,
        age_group="skole_1_3",
        received_on=dt.date(2026, 9, 22),
    )

    assert referral.pre_referral is None


def test_a_pre_referral_held_elsewhere_counts_as_preceding(visitation, school):
    referral = referral_record(
        by=visitation,
        case_number=CASE_NUMBER,
        institution=school,
        age_group="skole_1_3",
        received_on=dt.date(2026, 9, 22),
        pre_referral_held_elsewhere=True,
    )

    assert referral.pre_referral is None
    assert referral.preceded_by_pre_referral


def test_a_decision_is_kept_and_a_correction_appended(visitation, referral):
    referral_decide(
        referral=referral,
        by=visitation,
        decided_on=dt.date(2026, 10, 20),
        decision=DecisionKind.SPECIAL_OFFER,
        special_offer_type="specialklasse",
        note="Tages op igen om et år.",
    )
    referral_decide(
        referral=referral,
        by=visitation,
        decided_on=dt.date(2026, 10, 27),
        decision=DecisionKind.GENERAL_WITH_SUPPORT,
        special_offer_type="specialklasse",
    )

    referral.refresh_from_db()
    assert (referral.decision, referral.special_offer_type, referral.decided_on) == (
        "almen_med_stoette",
        "",
        dt.date(2026, 10, 27),
    )
    assert list(Decision.objects.order_by("pk").values_list("decision", flat=True)) == [
        "specialtilbud",
        "almen_med_stoette",
    ]
    with pytest.raises(ValueError):
        Decision.objects.first().save()


def test_a_special_offer_needs_its_type(visitation, referral):
    with pytest.raises(ValidationError) as excinfo:
        referral_decide(
            referral=referral,
            by=visitation,
            decided_on=dt.date(2026, 10, 20),
            decision=DecisionKind.SPECIAL_OFFER,
        )

    assert "special_offer_type" in excinfo.value.message_dict
    assert not Decision.objects.exists()


def test_a_school_start_needs_a_child_of_school_start_age(visitation, referral):
    with pytest.raises(ValidationError) as excinfo:
        referral_decide(
            referral=referral,
            by=visitation,
            decided_on=dt.date(2026, 10, 20),
            decision=DecisionKind.SPECIAL_OFFER,
            special_offer_type="specialskole",
            school_start_direct=True,
        )

    assert "school_start_direct" in excinfo.value.message_dict


def test_a_decision_cannot_precede_the_referral(visitation, referral):
    with pytest.raises(ValidationError) as excinfo:
        referral_decide(
            referral=referral,
            by=visitation,
            decided_on=dt.date(2026, 9, 1),
            decision=DecisionKind.GENERAL_WITH_SUPPORT,
        )

    assert "decided_on" in excinfo.value.message_dict


def test_a_decision_note_rejects_a_cpr_number(visitation, referral):
    with pytest.raises(ValidationError) as excinfo:
        referral_decide(
            referral=referral,
            by=visitation,
            decided_on=dt.date(2026, 10, 20),
            decision=DecisionKind.GENERAL_WITH_SUPPORT,
            note="Barnet 010203-1234 skal have støtte",
        )

    assert "CPR-nummer" in str(excinfo.value.message_dict["note"])
    referral.refresh_from_db()
    assert referral.decision == ""


def test_every_write_of_a_case_is_logged(visitation, referral):
    referral_decide(
        referral=referral,
        by=visitation,
        decided_on=dt.date(2026, 10, 20),
        decision=DecisionKind.GENERAL_WITH_SUPPORT,
    )

    assert list(AccessLog.objects.order_by("pk").values_list("action", "model")) == [
        ("create", "visitation.PreReferral"),
        ("create", "visitation.Referral"),
        ("update", "visitation.PreReferral"),
        ("update", "visitation.Referral"),
    ]
    assert Referral.objects.count() == 1


@pytest.mark.parametrize(
    ("today", "months", "cutoff"),
    [
        (dt.date(2026, 11, 24), 24, dt.date(2024, 11, 24)),
        (dt.date(2026, 3, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 2, 29), 12, dt.date(2023, 2, 28)),
        (dt.date(2026, 1, 15), 13, dt.date(2024, 12, 15)),
    ],
)
def test_the_retention_cutoff_counts_calendar_months(today, months, cutoff):
    assert retention_cutoff(today=today, months=months) == cutoff
