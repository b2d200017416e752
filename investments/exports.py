"""The investment overview as .xlsx and .csv with Danish column headers, for work in Excel.

Amounts are written exactly: Decimal cells in the workbook, and in the CSV with a decimal comma
and no thousands separator, which Danish Excel reads as a number. The CSV starts with a BOM and
uses ";" as Danish Excel expects, so æ, ø and å survive a double-click.
"""

from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _

from investments import selectors
from investments.models import Investment, state_label
from omstilling.exports import Sheet, sheets_response
from omstilling.models import Plan, PlanNames

CENT = Decimal("0.01")
_AMOUNT_COLUMNS = [3, 4, 5]
_WIDTHS = {0: 26, 1: 44, 2: 30, 11: 50, 12: 60}


def headers(names: PlanNames) -> list[str]:
    """The overview's column headers, the committee named as the plan names it."""
    committee = {"committee": names.committee_short}
    return [
        _("Udviklingsskole"),
        _("Investering"),
        _("Status"),
        _("Beløb (kr.)"),
        _("Forbrugt (kr.)"),
        _("Rest (kr.)"),
        _("Godkendt"),
        _("Behandlet i %(committee)s dato") % committee,
        _("Behandlet i %(committee)s reference") % committee,
        _("Godkendt dato"),
        _("Godkendt reference"),
        _("Tiltag"),
        _("Formål"),
    ]


def _row(investment: Investment, names: PlanNames) -> list:
    return [
        str(investment.development_school),
        investment.title,
        state_label(investment.state, names),
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
    """One row per investment, in the order of `headers` (amounts Decimal, dates date or
    None)."""
    names = plan.names
    return [_row(investment, names) for investment in selectors.investment_overview(plan=plan)]


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
        headers=headers(plan.names),
        rows=overview_rows(plan=plan),
        money_columns=_AMOUNT_COLUMNS,
        widths=_WIDTHS,
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
