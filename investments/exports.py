"""The investment overview as .xlsx and .csv with Danish column headers, for work in Excel.

Amounts are written exactly: Decimal cells in the workbook, and in the CSV with a decimal comma
and no thousands separator, which Danish Excel reads as a number. The CSV starts with a BOM and
uses ";" as Danish Excel expects, so æ, ø and å survive a double-click.
"""

from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from investments import selectors
from investments.models import Investment
from omstilling.exports import Sheet, sheets_response
from omstilling.models import Plan

CENT = Decimal("0.01")
HEADERS = [
    gettext_lazy("Udviklingsskole"),
    gettext_lazy("Investering"),
    gettext_lazy("Status"),
    gettext_lazy("Beløb (kr.)"),
    gettext_lazy("Forbrugt (kr.)"),
    gettext_lazy("Rest (kr.)"),
    gettext_lazy("Godkendt"),
    gettext_lazy("Behandlet i BFU dato"),
    gettext_lazy("Behandlet i BFU reference"),
    gettext_lazy("Godkendt dato"),
    gettext_lazy("Godkendt reference"),
    gettext_lazy("Tiltag"),
    gettext_lazy("Formål"),
]
_AMOUNT_COLUMNS = {HEADERS[3], HEADERS[4], HEADERS[5]}
_WIDTHS = {HEADERS[0]: 26, HEADERS[1]: 44, HEADERS[2]: 30, HEADERS[11]: 50, HEADERS[12]: 60}


def _row(investment: Investment) -> list:
    return [
        str(investment.development_school),
        investment.title,
        investment.get_state_display(),
        investment.amount,
        investment.spent.quantize(CENT),
        (investment.amount - investment.spent).quantize(CENT),
        _("Ja") if investment.approved else _("Nej"),
        investment.treated_on,
        investment.treated_reference or "",
        investment.approved_on,
        investment.approved_reference or "",
        "; ".join(i.title for i in investment.initiatives.all()),
        investment.purpose,
    ]


def overview_rows(*, plan: Plan) -> list[list]:
    """One row per investment, in the order of HEADERS (amounts Decimal, dates date or None)."""
    return [_row(investment) for investment in selectors.investment_overview(plan=plan)]


def _pool_rows(*, plan: Plan) -> list[list]:
    """The pool in total and per udviklingsskole, as on the pool page."""
    summary = selectors.pool_summary(plan=plan)
    rows = [
        [str(row["school"]), row["investments"], row["approved"], row["spent"]]
        for row in summary["schools"]
    ]
    rows.append([])
    for label, key in (
        (_("Bevilget (kr.)"), "granted"),
        (_("Godkendt (kr.)"), "approved"),
        (_("Forbrugt (kr.)"), "spent"),
        (_("Fri (kr.)"), "free"),
    ):
        rows.append([label, None, summary[key]])
    return rows


def overview_response(*, plan: Plan, fmt: str) -> HttpResponse:
    """The overview as .xlsx (with a second sheet for the pool) or .csv (the overview only)."""
    overview = Sheet(
        title=_("Investeringer"),
        headers=HEADERS,
        rows=overview_rows(plan=plan),
        money_columns=[HEADERS.index(h) for h in _AMOUNT_COLUMNS],
        widths={HEADERS.index(h): width for h, width in _WIDTHS.items()},
    )
    pool = Sheet(
        title=_("Puljen"),
        headers=[
            _("Udviklingsskole"),
            _("Investeringer"),
            _("Godkendt (kr.)"),
            _("Forbrugt (kr.)"),
        ],
        rows=_pool_rows(plan=plan),
        money_columns=[2, 3],
        widths={0: 26},
    )
    return sheets_response(fmt=fmt, basename="investeringer", sheets=[overview, pool])
