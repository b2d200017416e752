import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from omstilling.models import AccessLog
from omstilling.privacy import (
    CPR_MASK,
    case_key,
    case_key_from_number,
    contains_cpr,
    find_cpr,
    has_control_characters,
    mask_cpr,
    screen_free_text,
    validate_no_cpr,
)
from omstilling.services import access_log_record

# --- case keys ----------------------------------------------------------------------------------


def test_it_maps_a_case_number_to_the_same_key_every_time():
    assert case_key("SAG-2026-0042") == case_key("  sag-2026-0042 ")
    assert case_key("SAG-2026-0042") != case_key("SAG-2026-0043")
    assert len(case_key("SAG-2026-0042")) == 64


def test_the_key_depends_on_the_secret(settings):
    before = case_key("SAG-2026-0042")
    settings.CASE_KEY_SECRET = "another-secret"

    assert case_key("SAG-2026-0042") != before
    assert "0042" not in case_key("SAG-2026-0042")


def test_it_refuses_an_empty_case_number():
    with pytest.raises(ValidationError, match="sagsnummeret"):
        case_key("   ")


@pytest.mark.parametrize("number", ["010203-1234", "0102 03 1234", "01.02.03-1234"])
def test_a_cpr_number_is_never_turned_into_a_case_key(number):
    with pytest.raises(ValidationError) as caught:
        case_key_from_number(number)

    assert "CPR-nummer" in caught.value.message_dict["case_number"][0]


# --- CPR numbers in free text: the spellings people use ---------------------------------------

# The spellings the security review found getting through, and their relatives.
SPELLINGS = [
    "{d}{m}{y}-{s}",
    "{d}{m}{y}{s}",
    "{d}{m}{y} {s}",
    "{d}{m}{y}\u2013{s}",  # en dash
    "{d}{m}{y}\u2014{s}",  # em dash
    "{d}{m}{y}\u2212{s}",  # minus sign
    "{d}{m}{y} - {s}",
    "{d}{m}{y}.{s}",
    "{d}.{m}.{y}-{s}",
    "{d}.{m}.{y} {s}",
    "{d}-{m}-{y}-{s}",
    "{d} {m} {y} {s}",
    "{d}/{m}/{y}-{s}",
    "{d}{m} {y} {s}",
    "{d}{m}{y}\u00a0{s}",  # no-break space
]


@st.composite
def cpr_numbers(draw):
    day = draw(st.integers(1, 31))
    month = draw(st.integers(1, 12))
    year = draw(st.integers(0, 99))
    serial = draw(st.integers(0, 9999))
    spelling = draw(st.sampled_from(SPELLINGS))
    return spelling.format(d=f"{day:02d}", m=f"{month:02d}", y=f"{year:02d}", s=f"{serial:04d}")


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøå ,.:;()", max_size=40)


@given(before=words, number=cpr_numbers(), after=words)
@example(before="… barn ", number="010203-1234", after=" …")
@example(before="", number="010190 1234", after="")
@example(before="", number="010190\u20131234", after="")
@example(before="", number="01.01.90-1234", after="")
@example(before="", number="0101 90 1234", after="")
def test_a_cpr_number_is_found_in_every_spelling(before, number, after):
    text = f"{before} {number} {after}"

    assert contains_cpr(text)
    assert find_cpr(text) == [number]
    with pytest.raises(ValidationError, match="CPR-nummer"):
        screen_free_text(text)


@given(before=words, number=cpr_numbers(), after=words)
def test_masking_keeps_the_rest_of_the_text_and_no_digit_of_the_number(before, number, after):
    masked = mask_cpr(f"{before} {number} {after}")

    assert masked == f"{before} {CPR_MASK} {after}"
    assert not contains_cpr(masked)


# --- text that must pass ----------------------------------------------------------------------

MONTHS = [
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
]  # fmt: skip


def _danish_amount(kroner: int, oere: int | None) -> str:
    text = f"{kroner:,}".replace(",", ".")
    return f"{text},{oere:02d} kr." if oere is not None else f"{text} kr."


amounts = st.builds(
    _danish_amount, st.integers(0, 10**12), st.one_of(st.none(), st.integers(0, 99))
)
dates = st.dates().flatmap(
    lambda day: st.sampled_from(
        [
            f"{day.day}. {MONTHS[day.month - 1]} {day.year}",
            f"{day:%d.%m.%Y}",
            f"{day:%Y-%m-%d}",
            f"{day:%d/%m/%Y}",
            f"{day.day}/{day.month}",
        ]
    )
)
phone_numbers = st.tuples(st.booleans(), st.lists(st.integers(0, 99), min_size=4, max_size=4)).map(
    lambda t: ("+45 " if t[0] else "") + " ".join(f"{n:02d}" for n in t[1])
)
case_numbers = st.one_of(
    st.integers(2000, 2099).flatmap(
        lambda y: st.integers(0, 99999).map(lambda n: f"SAG-{y}-{n:05d}")
    ),
    st.integers(0, 99).flatmap(lambda y: st.integers(0, 99999).map(lambda n: f"{y:02d}/{n}")),
    st.integers(2020, 2099).flatmap(
        lambda y: st.integers(0, 999999).map(lambda n: f"S{y}-{n:06d}")
    ),
    # KLE journal numbers with a handling facet, e.g. 27.24.00-G01-1-25
    st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99), st.integers(0, 99)).map(
        lambda t: f"{t[0]:02d}.{t[1]:02d}.{t[2]:02d}-G01-1-{t[3]:02d}"
    ),
)
harmless = st.one_of(amounts, dates, phone_numbers, case_numbers)


@given(st.lists(harmless, min_size=1, max_size=4))
@example(["50.000.000 kr."])
@example(["12 34 56 78"])
@example(["27.24.00-G01-1-25"])
@example(["24. november 2026"])
def test_amounts_dates_phone_numbers_and_case_numbers_pass(parts):
    text = "Møde " + " og ".join(parts) + "."

    assert not contains_cpr(text), find_cpr(text)
    screen_free_text(text)


@pytest.mark.parametrize(
    "text", ["Møde 12.03.2026", "Sag 2026-0042", "tlf. 75 82 12 34", "12345678901", "kl. 14.30"]
)
def test_it_accepts_text_without_a_cpr_like_number(text):
    validate_no_cpr(text)
    screen_free_text(text)


@pytest.mark.parametrize("text", ["010203-1234", "CPR 0102031234 står her", "x 311299-9999."])
def test_it_refuses_text_with_a_cpr_like_number(text):
    assert contains_cpr(text)
    with pytest.raises(ValidationError, match="CPR-nummer"):
        validate_no_cpr(text)


# --- control characters -------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x07", "\x7f", "\u202e", "\u2066"])
def test_control_characters_are_refused(char):
    assert has_control_characters(f"ok{char}ok")
    with pytest.raises(ValidationError, match="kontroltegn"):
        screen_free_text(f"ok{char}ok")


def test_line_breaks_and_tabs_are_text():
    screen_free_text("første linje\r\nanden linje\tmed tabulator")


# --- the access log ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_access_log_is_append_only(chef):
    access_log_record(
        user=chef,
        action=AccessLog.Action.READ,
        model="visitation.Referral",
        object_id="7",
        path="/visitation/7/",
    )
    entry = AccessLog.objects.get()

    assert (entry.username, entry.action, entry.model, entry.object_id) == (
        "chef",
        "read",
        "visitation.Referral",
        "7",
    )
    entry.path = "changed"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    assert AccessLog.objects.get().path == "/visitation/7/"
