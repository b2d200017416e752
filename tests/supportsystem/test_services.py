"""The rules of forløbscirklen, enforced by the services."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from omstilling.privacy import case_key
from supportsystem.models import ConcernType, Forloeb, Transition
from supportsystem.services import (
    forloeb_close,
    forloeb_move,
    forloeb_open,
    forloeb_reopen,
)

DAY = dt.date(2025, 9, 1)


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


def test_it_opens_a_forloeb_at_the_first_stage_with_a_history_entry(circle, school, support):
    forloeb = forloeb_open(
        institution=school,
        by=support,
        concern_type=ConcernType.FAELLESSKAB,
        opened_on=DAY,
        label="3.b",
        note="Uro i klassen i overgangene.",
    )

    assert forloeb.current_stage == circle.bekymring
    assert (forloeb.closed_on, forloeb.outcome, forloeb.case_key) == (None, None, "")
    step = forloeb.transitions.get()
    assert (step.kind, step.from_stage, step.to_stage, step.on, step.by) == (
        Transition.Kind.OPEN,
        None,
        circle.bekymring,
        DAY,
        support,
    )


def test_it_keys_a_childs_forloeb_by_the_hmac_of_the_case_number(circle, school, support):
    forloeb = forloeb_open(
        institution=school,
        by=support,
        concern_type=ConcernType.BARN,
        opened_on=DAY,
        case_number=" sag-2025-0042 ",
    )

    assert forloeb.case_key == case_key("SAG-2025-0042")
    assert len(forloeb.case_key) == 64


@pytest.mark.parametrize(
    ("concern_type", "case_number", "label", "field"),
    [
        (ConcernType.BARN, "", "", "case_number"),
        (ConcernType.BARN, "SAG-1", "Peter", "label"),
        (ConcernType.FAELLESSKAB, "SAG-1", "", "case_number"),
        ("ukendt", "", "", "concern_type"),
    ],
)
def test_it_keeps_case_numbers_for_children_and_labels_for_communities(
    circle, school, support, concern_type, case_number, label, field
):
    with pytest.raises(ValidationError) as excinfo:
        forloeb_open(
            institution=school,
            by=support,
            concern_type=concern_type,
            opened_on=DAY,
            case_number=case_number,
            label=label,
        )

    assert field in _errors(excinfo)
    assert not Forloeb.objects.exists()


def test_it_allows_one_open_forloeb_per_child_and_institution(make_forloeb, other_school):
    make_forloeb(concern_type=ConcernType.BARN, case_number="SAG-7")

    with pytest.raises(ValidationError) as excinfo:
        make_forloeb(concern_type=ConcernType.BARN, case_number="sag-7")
    assert "allerede et åbent forløb" in _errors(excinfo)["case_number"][0]

    # Another institution may have its own forløb with the same child.
    make_forloeb(concern_type=ConcernType.BARN, case_number="SAG-7", institution=other_school)
    assert Forloeb.objects.count() == 2


def test_it_moves_forward_and_may_skip_stages(make_forloeb, circle, support):
    forloeb = make_forloeb()

    forloeb_move(forloeb=forloeb, by=support, to_stage=circle.opfoelgning, on=DAY)

    forloeb.refresh_from_db()
    assert forloeb.current_stage == circle.opfoelgning
    assert list(forloeb.transitions.values_list("kind", flat=True)) == ["open", "move"]


@pytest.mark.parametrize("target", ["bekymring", "afdaekning-og-indsats-i-praksis"])
def test_it_never_moves_backwards_or_stays(make_forloeb, circle, support, target):
    forloeb = make_forloeb(stage="afdaekning-og-indsats-i-praksis")

    with pytest.raises(ValidationError) as excinfo:
        forloeb_move(forloeb=forloeb, by=support, to_stage=circle[target], on=DAY.replace(day=20))

    assert "kun flyttes frem" in _errors(excinfo)["to_stage"][0]
    forloeb.refresh_from_db()
    assert forloeb.current_stage == circle["afdaekning-og-indsats-i-praksis"]
    assert forloeb.transitions.count() == 2


def test_it_does_not_move_into_a_closing_stage(make_forloeb, circle, support):
    forloeb = make_forloeb()

    with pytest.raises(ValidationError) as excinfo:
        forloeb_move(forloeb=forloeb, by=support, to_stage=circle.henvist, on=DAY)

    assert "Afslut forløbet" in _errors(excinfo)["to_stage"][0]


def test_it_closes_only_in_a_closing_stage(make_forloeb, circle, support):
    forloeb = make_forloeb(stage="opfoelgning")

    with pytest.raises(ValidationError) as excinfo:
        forloeb_close(
            forloeb=forloeb, by=support, to_stage=circle.visitation, on=DAY.replace(day=20)
        )
    assert "afsluttende trin" in _errors(excinfo)["to_stage"][0]

    forloeb_close(
        forloeb=forloeb, by=support, to_stage=circle.afsluttet_i_almentilbud, on=DAY.replace(day=20)
    )
    forloeb.refresh_from_db()
    assert forloeb.closed_on == DAY.replace(day=20)
    assert forloeb.outcome == forloeb.current_stage == circle.afsluttet_i_almentilbud


def test_a_closed_forloeb_neither_moves_nor_closes_again(make_forloeb, circle, support):
    forloeb = make_forloeb()
    forloeb_close(forloeb=forloeb, by=support, to_stage=circle.henvist, on=DAY)

    with pytest.raises(ValidationError, match="afsluttet"):
        forloeb_move(forloeb=forloeb, by=support, to_stage=circle.visitation, on=DAY)
    with pytest.raises(ValidationError, match="allerede afsluttet"):
        forloeb_close(forloeb=forloeb, by=support, to_stage=circle.henvist, on=DAY)


def test_reopening_is_explicit_and_needs_a_reason(make_forloeb, circle, support):
    forloeb = make_forloeb()
    forloeb_close(forloeb=forloeb, by=support, to_stage=circle.afsluttet_i_almentilbud, on=DAY)

    with pytest.raises(ValidationError) as excinfo:
        forloeb_reopen(forloeb=forloeb, by=support, to_stage=circle.bekymring, on=DAY, reason="   ")
    assert "reason" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        forloeb_reopen(forloeb=forloeb, by=support, to_stage=circle.henvist, on=DAY, reason="Ny")
    assert "to_stage" in _errors(excinfo)

    forloeb_reopen(
        forloeb=forloeb,
        by=support,
        to_stage=circle.afdaekning_og_indsats_i_praksis,
        on=DAY.replace(day=15),
        reason="Bekymringen er vendt tilbage.",
    )
    forloeb.refresh_from_db()
    assert (forloeb.closed_on, forloeb.outcome) == (None, None)
    assert forloeb.current_stage == circle.afdaekning_og_indsats_i_praksis
    step = forloeb.transitions.last()
    assert (step.kind, step.from_stage, step.note) == (
        "reopen",
        circle.afsluttet_i_almentilbud,
        "Bekymringen er vendt tilbage.",
    )


def test_an_open_forloeb_goes_back_only_by_reopening_at_an_earlier_stage(
    make_forloeb, circle, support
):
    forloeb = make_forloeb(stage="opfoelgning")
    later = DAY.replace(day=20)

    with pytest.raises(ValidationError) as excinfo:
        forloeb_reopen(
            forloeb=forloeb, by=support, to_stage=circle.visitation, on=later, reason="Videre"
        )
    assert "tidligere trin" in _errors(excinfo)["to_stage"][0]

    forloeb_reopen(
        forloeb=forloeb,
        by=support,
        to_stage=circle.afdaekning_og_indsats_i_praksis,
        on=later,
        reason="En runde mere i cirklen med nye indsatser.",
    )
    forloeb.refresh_from_db()
    assert forloeb.current_stage == circle.afdaekning_og_indsats_i_praksis


@pytest.mark.parametrize(
    ("on", "message"),
    [(dt.date(2025, 8, 31), "seneste skridt"), (dt.date(2999, 1, 1), "fremtiden")],
)
def test_a_step_is_dated_between_the_last_step_and_today(
    make_forloeb, circle, support, on, message
):
    forloeb = make_forloeb()

    with pytest.raises(ValidationError) as excinfo:
        forloeb_move(forloeb=forloeb, by=support, to_stage=circle.opfoelgning, on=on)

    assert message in _errors(excinfo)["on"][0]


CPR_TEXT = "Drøftet med forældrene, cpr 010203-1234."


@pytest.mark.parametrize("where", ["open-note", "label", "move", "close", "reopen"])
def test_it_rejects_a_cpr_number_in_every_free_text(make_forloeb, circle, school, support, where):
    if where in ("open-note", "label"):
        with pytest.raises(ValidationError) as excinfo:
            forloeb_open(
                institution=school,
                by=support,
                concern_type=ConcernType.FAELLESSKAB,
                opened_on=DAY,
                note=CPR_TEXT if where == "open-note" else "",
                label="0102031234" if where == "label" else "",
            )
        assert "CPR-nummer" in _errors(excinfo)["note" if where == "open-note" else "label"][0]
        assert not Forloeb.objects.exists()
        return
    forloeb = make_forloeb()
    if where == "reopen":
        forloeb_close(forloeb=forloeb, by=support, to_stage=circle.henvist, on=DAY)
    with pytest.raises(ValidationError) as excinfo:
        if where == "move":
            forloeb_move(
                forloeb=forloeb, by=support, to_stage=circle.opfoelgning, on=DAY, note=CPR_TEXT
            )
        elif where == "close":
            forloeb_close(
                forloeb=forloeb, by=support, to_stage=circle.henvist, on=DAY, note=CPR_TEXT
            )
        else:
            forloeb_reopen(
                forloeb=forloeb, by=support, to_stage=circle.bekymring, on=DAY, reason=CPR_TEXT
            )
    field = "reason" if where == "reopen" else "note"
    assert "CPR-nummer" in _errors(excinfo)[field][0]
    assert not Transition.objects.filter(note__contains="010203").exists()


def test_the_history_is_append_only(make_forloeb):
    step = make_forloeb().transitions.get()
    step.note = "ændret"

    with pytest.raises(ValueError, match="append-only"):
        step.save()


def test_it_cannot_open_a_forloeb_without_a_loaded_circle(school, support):
    with pytest.raises(ValidationError, match="ikke indlæst"):
        forloeb_open(
            institution=school, by=support, concern_type=ConcernType.FAELLESSKAB, opened_on=DAY
        )
