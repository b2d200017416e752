"""Data about children: pseudonymous case keys and the screening of every free text.

The portal stores no name, CPR number or address of a child. A child's forløb or referral is
identified by `case_key(case number)`: an HMAC-SHA256 of the case number from the
municipality's own case system, keyed with CASE_KEY_SECRET from the environment. The same case
number always gives the same key; without the secret the key cannot be turned back into the
case number (nor recomputed from a guessed one).

Every free text the portal stores goes through `screen_free_text` (the one home of this rule):
the screened model and form fields of `omstilling.fields` run it as a validator, and a
`pre_save` guard (`omstilling.apps`) runs it again before any row is written. It refuses CPR
numbers in the spellings people use (`010190-1234`, `010190 1234`, `010190–1234`,
`01.01.90-1234`, `0101 90 1234` …) and control characters.
"""

import hashlib
import hmac
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CASE_KEY_LENGTH = 64  # hex digits of SHA-256

# --- CPR numbers ------------------------------------------------------------------------------
# A CPR number is DDMMYY-SSSS. The six date digits are matched only as a plausible day (01–31)
# and month (01–12), which keeps amounts ("50.000.000 kr."), dates ("24.11.2026", "2026-11-24"),
# phone numbers ("12 34 56 78") and case numbers ("SAG-2026-0042", "27.24.00-G01-1-25") out.
_DAY = r"(?:0[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0[1-9]|1[0-2])"
_YEAR = r"\d\d"
_SPACE = r"[ \u00a0\u202f]"
# Between the date parts: nothing, or the same separator twice (01.01.90, 01-01-90, 01 01 90,
# 01/01/90), or DDMM and the year apart (0101 90).
_DATE = (
    rf"(?:{_DAY}{_MONTH}{_YEAR}"
    rf"|{_DAY}(?P<sep>[.\-/]|{_SPACE}){_MONTH}(?P=sep){_YEAR}"
    rf"|{_DAY}{_MONTH}{_SPACE}{_YEAR})"
)
# Between date and serial: nothing, a space, a hyphen, a dash of any kind or a dot, perhaps
# with spaces around it ("010190 - 1234").
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_BETWEEN = rf"(?:{_SPACE}?[{_DASHES}.]{_SPACE}?|{_SPACE})?"
CPR_PATTERN = re.compile(
    # not part of a longer number, nor the decimals of an amount ("1.010190-1234")
    rf"(?<!\d)(?<!\d[.,]){_DATE}{_BETWEEN}\d{{4}}(?!\d)(?![.,]\d)"
)
CPR_MASK = "••••••-••••"


def find_cpr(text: str) -> list[str]:
    """The CPR-like numbers in `text`, as written."""
    return [match.group(0) for match in CPR_PATTERN.finditer(text or "")]


def contains_cpr(text: str) -> bool:
    return bool(CPR_PATTERN.search(text or ""))


def mask_cpr(text: str) -> str:
    """`text` with every CPR-like number replaced by a mask: what a form shows back to the user
    who typed it, so the rest of the text is kept and the number is not sent back."""
    return CPR_PATTERN.sub(CPR_MASK, text or "")


def validate_no_cpr(text: str) -> None:
    """Refuse a text with a CPR-like number in it (a case number field, a note …)."""
    if contains_cpr(text):
        raise ValidationError(
            _(
                "Teksten ser ud til at indeholde et CPR-nummer. Skriv aldrig CPR-numre, navne "
                "eller adresser på børn i portalen; brug sagsnummeret i kommunens sagssystem."
            ),
            code="cpr",
        )


# --- control characters -----------------------------------------------------------------------
# Line breaks and tabs are text; other control characters (NUL, ESC …, which PostgreSQL may
# refuse or a terminal may act on) and the bidirectional overrides that make text read
# differently from what it holds are not.
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def has_control_characters(text: str) -> bool:
    return any(
        (unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS) or ch in _BIDI_CONTROLS
        for ch in text or ""
    )


def validate_no_control_characters(text: str) -> None:
    if has_control_characters(text):
        raise ValidationError(
            _("Teksten indeholder usynlige kontroltegn. Skriv den igen uden dem."),
            code="control",
        )


def screen_free_text(text: str) -> None:
    """The screening every free text the portal stores goes through (see the module doc)."""
    if not isinstance(text, str):
        return
    validate_no_control_characters(text)
    validate_no_cpr(text)


# --- case keys ---------------------------------------------------------------------------------


def normalise_case_number(case_number: str) -> str:
    """Case numbers are compared without surrounding spaces and case ("SAG-12" == "sag-12 ")."""
    return " ".join(str(case_number).split()).upper()


def case_key(case_number: str) -> str:
    """The pseudonymous key of a case number (hex HMAC-SHA256)."""
    normalised = normalise_case_number(case_number)
    if not normalised:
        raise ValidationError(_("Angiv sagsnummeret fra kommunens sagssystem."))
    secret = settings.CASE_KEY_SECRET.encode("utf-8")
    return hmac.new(secret, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


def validate_case_number(case_number: str) -> None:
    """A case number is never a CPR number (its key could be found by trying every CPR number)."""
    validate_no_control_characters(case_number)
    if contains_cpr(case_number):
        raise ValidationError(
            _(
                "Det ligner et CPR-nummer. Brug sagsnummeret fra kommunens sagssystem, "
                "aldrig barnets CPR-nummer."
            ),
            code="cpr",
        )


def case_key_from_number(case_number: str, *, field: str = "case_number") -> str:
    """The key of a case number typed by a user; a CPR number is refused, never hashed."""
    try:
        validate_case_number(case_number)
        return case_key(case_number)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
