"""Data about children: pseudonymous case keys and the no-CPR rule for free text.

The portal stores no name, CPR number or address of a child. A child's forløb or referral is
identified by `case_key(case number)`: an HMAC-SHA256 of the case number from the
municipality's own case system, keyed with CASE_KEY_SECRET from the environment. The same case
number always gives the same key; without the secret the key cannot be turned back into the
case number (nor recomputed from a guessed one).
"""

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CPR_PATTERN = re.compile(r"(?<!\d)\d{6}-?\d{4}(?!\d)")
CASE_KEY_LENGTH = 64  # hex digits of SHA-256


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


def contains_cpr(text: str) -> bool:
    return bool(CPR_PATTERN.search(text or ""))


def validate_no_cpr(text: str) -> None:
    """Validator for every free-text field near child-level data."""
    if contains_cpr(text):
        raise ValidationError(
            _(
                "Teksten ser ud til at indeholde et CPR-nummer. Skriv aldrig CPR-numre, navne "
                "eller adresser på børn i portalen; brug sagsnummeret i kommunens sagssystem."
            ),
            code="cpr",
        )
