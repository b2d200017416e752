"""Danish numbers, percentages and amounts: the one home of how the portal writes a figure.

`1.234`, `20,5`, `47 %`, `12,5 %`, `50.000.000 kr.`, `1.250.000,50 kr.`: a dot groups thousands,
a comma marks decimals, a no-break space comes before the per cent sign, and rounding is half
up (as people round, not as Python's `round` does). Templates use the filters of the same names
in `omstilling.templatetags.portal`.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

Number = int | float | Decimal


def _decimal(value: Number) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def count_text(value: Number) -> str:
    """`1234` → `1.234`."""
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


def number_text(value: Number) -> str:
    """`1234` → `1.234`, `20.5` → `20,5`: a whole number without decimals, else one."""
    amount = _decimal(value)
    decimals = 0 if amount == amount.to_integral_value() else 1
    amount = amount.quantize(Decimal(1) if decimals == 0 else Decimal("0.1"), ROUND_HALF_UP)
    return number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def percent_text(value: Number | None, *, decimals: int = 0, missing: str | None = None) -> str:
    """`47.14` → `47 %`; with `decimals=1` (shares of children in the KPIs) `12.45` → `12,5 %`.
    None is written as `missing` (default "ingen data")."""
    if value is None:
        return _("ingen data") if missing is None else missing
    step = Decimal(1).scaleb(-decimals)
    rounded = _decimal(value).quantize(step, rounding=ROUND_HALF_UP)
    text = number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0%"


def kr_text(value: Number | None) -> str:
    """`50000000` → `50.000.000 kr.`; øre are shown only when there are any."""
    if value is None:
        return ""
    amount = _decimal(value)
    decimals = 0 if amount == amount.to_integral_value() else 2
    text = number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return f"{text} kr."
