"""Writes to the pool. Decisions and spending are appended; the pool is never over-committed.

The invariant "approved ≤ pool" spans many rows, so no CHECK constraint can hold it. Every
approval therefore locks the plan's row first (SELECT … FOR UPDATE) and sums the approved
total after it holds the lock: two approvals of the same plan run one after the other, and the
second sees the first. Spending works the same way on the investment's row.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from investments.models import (
    SPENDABLE_STATES,
    DevelopmentSchool,
    Investment,
    InvestmentDecision,
    InvestmentState,
    Spending,
    state_label,
)
from investments.selectors import approved_total, spent_total
from omstilling.bounds import check_date, plan_date_window
from omstilling.models import Institution, Plan, PlanNames, User
from omstilling.templatetags.portal import kr
from tracks.models import Initiative

S = InvestmentState

# The decision path of the plan's governance: the committee treats, the approving body approves
# (in Vejle: BFU, then ØKU and the group chairs; the names are the plan's, PlanNames).
NEXT_STATES: dict[str, tuple[str, ...]] = {
    S.KLADDE: (S.BEHANDLET_BFU, S.AFVIST),
    S.BEHANDLET_BFU: (S.GODKENDT, S.AFVIST),
    S.GODKENDT: (S.I_GANG,),
    S.I_GANG: (S.AFSLUTTET,),
    S.AFSLUTTET: (),
    S.AFVIST: (),
}
# Steps that are political decisions and so always carry a case reference.
REFERENCE_REQUIRED = (S.BEHANDLET_BFU, S.GODKENDT)
NO_POOL = _lazy("Planen har ingen investeringspulje.")
_CENT = Decimal("0.01")


class InvestmentConflict(Exception):
    """Someone else changed the investment after the form was opened."""

    def __init__(self, investment: Investment):
        self.investment = investment
        super().__init__(f"investment {investment.pk} is at version {investment.version}")


def allowed_next_states(state: str) -> tuple[str, ...]:
    return NEXT_STATES[state]


def _path_error(current: str, to_state: str, names: PlanNames) -> str:
    """Why `to_state` cannot follow `current`, in the words of the decision path (the bodies
    named as the plan names them)."""
    if current == to_state:
        return _("Investeringen har allerede status “%(state)s”.") % {
            "state": state_label(current, names)
        }
    if current in (S.AFSLUTTET, S.AFVIST):
        return _("Investeringen er %(state)s; der kan ikke registreres flere beslutninger.") % {
            "state": state_label(current, names).lower()
        }
    bodies = {"committee": names.committee_short, "body": names.approving_body_short}
    return {
        S.BEHANDLET_BFU: _("Kun en kladde kan behandles i %(committee)s.") % bodies,
        S.GODKENDT: _(
            "En investering skal være behandlet i %(committee)s, før den kan godkendes af %(body)s."
        )
        % bodies,
        S.I_GANG: _("En investering skal være godkendt af %(body)s, før den kan sættes i gang.")
        % bodies,
        S.AFSLUTTET: _("En investering skal være i gang, før den kan afsluttes."),
        S.AFVIST: _("En investering kan kun afvises, før den er godkendt af %(body)s.") % bodies,
        S.KLADDE: _("En investering kan ikke sendes tilbage til kladde."),
    }.get(to_state, _("Ukendt trin i beslutningsforløbet."))


def _clean_amount(amount: Decimal | int, field: str = "amount") -> Decimal:
    if isinstance(amount, float) or not isinstance(amount, Decimal | int):
        # Floats cannot hold kroner and øre exactly; callers pass Decimal (forms do).
        raise TypeError("amounts are Decimal or int, never float")
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({field: _("Beløbet skal være større end 0 kr.")})
    if amount != amount.quantize(_CENT):
        raise ValidationError({field: _("Beløbet kan højst have to decimaler (øre).")})
    return amount.quantize(_CENT)


def _check_plan_date(plan: Plan, day: dt.date, field: str, errors: dict | None = None) -> None:
    """A decision or a spending happened: not in the future, and within the plan's window."""
    check_date(day, plan_date_window(plan, past_only=True), field=field, errors=errors)


# --- udviklingsskoler ------------------------------------------------------------------------


def _check_daycares(daycares: Iterable[Institution]) -> list[Institution]:
    daycares = list(daycares)
    if any(d.kind != Institution.Kind.DAGTILBUD for d in daycares):
        raise ValidationError({"daycares": _("Kun dagtilbud kan knyttes til en udviklingsskole.")})
    return daycares


@transaction.atomic
def development_school_create(
    *,
    plan: Plan,
    school: Institution,
    by: User,
    daycares: Iterable[Institution] = (),
    order: int | None = None,
) -> DevelopmentSchool:
    """Make a school an udviklingsskole of the plan, within the number the pool funds."""
    Plan.objects.check_writable(plan.pk)
    locked_plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not locked_plan.has_pool:
        raise ValidationError(NO_POOL)
    if school.kind != Institution.Kind.SKOLE:
        raise ValidationError({"school": _("Kun en skole kan være udviklingsskole.")})
    daycares = _check_daycares(daycares)
    existing = DevelopmentSchool.objects.filter(plan=locked_plan)
    if existing.filter(school=school).exists():
        raise ValidationError(
            {"school": _("%(school)s er allerede udviklingsskole.") % {"school": school}}
        )
    limit = locked_plan.funding_development_schools
    count = existing.count()
    if limit is not None and count >= limit:
        raise ValidationError(
            _("Puljen finansierer højst %(limit)s udviklingsskoler, og der er allerede %(count)s.")
            % {"limit": limit, "count": count}
        )
    development_school = DevelopmentSchool(
        plan=locked_plan, school=school, order=count + 1 if order is None else order
    )
    development_school._history_user = by
    development_school.save()
    development_school.daycares.set(daycares)
    return development_school


@transaction.atomic
def development_school_update(
    *,
    development_school: DevelopmentSchool,
    by: User,
    daycares: Iterable[Institution],
    order: int,
) -> DevelopmentSchool:
    """Change which daycares are linked to an udviklingsskole and where it is listed."""
    Plan.objects.check_writable(development_school.plan_id)
    daycares = _check_daycares(daycares)
    development_school.order = order
    development_school._history_user = by
    development_school.save(update_fields=["order"])
    development_school.daycares.set(daycares)
    return development_school


# --- investments -----------------------------------------------------------------------------


def _check_investment_fields(
    *,
    plan: Plan,
    development_school: DevelopmentSchool,
    title: str,
    amount: Decimal | int,
    initiatives: list[Initiative],
) -> Decimal:
    if not plan.has_pool:
        # A later load of a plan file without `funding` leaves its udviklingsskoler behind.
        raise ValidationError(NO_POOL)
    errors = {}
    if not title.strip():
        errors["title"] = _("Skriv en titel.")
    if development_school.plan_id != plan.pk:
        errors["development_school"] = _("Udviklingsskolen hører ikke til planen.")
    if any(i.plan_id != plan.pk for i in initiatives):
        errors["initiatives"] = _("Tiltagene skal høre til planen.")
    try:
        amount = _clean_amount(amount)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        if plan.funding_amount is not None and amount > plan.funding_amount:
            errors["amount"] = _("Beløbet er større end hele puljen (%(pool)s).") % {
                "pool": kr(plan.funding_amount)
            }
    if errors:
        raise ValidationError(errors)
    return amount


@transaction.atomic
def investment_create(
    *,
    plan: Plan,
    development_school: DevelopmentSchool,
    by: User,
    title: str,
    amount: Decimal | int,
    purpose: str = "",
    initiatives: Iterable[Initiative] = (),
) -> Investment:
    """Create an investment as a kladde. It counts against the pool only once approved."""
    Plan.objects.check_writable(plan.pk)
    initiatives = list(initiatives)
    amount = _check_investment_fields(
        plan=plan,
        development_school=development_school,
        title=title,
        amount=amount,
        initiatives=initiatives,
    )
    investment = Investment(
        plan=plan,
        development_school=development_school,
        title=title.strip(),
        purpose=purpose.strip(),
        amount=amount,
        created_by=by,
    )
    investment._history_user = by
    investment.save()
    investment.initiatives.set(initiatives)
    return investment


@transaction.atomic
def investment_update(
    *,
    investment: Investment,
    by: User,
    title: str,
    purpose: str,
    amount: Decimal | int,
    development_school: DevelopmentSchool,
    initiatives: Iterable[Initiative],
    expected_version: int,
) -> Investment:
    """Edit an investment's description. Amount and school change only while it is a kladde:
    after that, they are what the committee treated and the approving body approved."""
    Plan.objects.check_writable(investment.plan_id)
    locked = Investment.objects.select_for_update().get(pk=investment.pk)
    if locked.version != expected_version:
        raise InvestmentConflict(locked)
    initiatives = list(initiatives)
    amount = _check_investment_fields(
        plan=locked.plan,
        development_school=development_school,
        title=title,
        amount=amount,
        initiatives=initiatives,
    )
    if locked.state != S.KLADDE and (
        amount != locked.amount or development_school.pk != locked.development_school_id
    ):
        raise ValidationError(
            _(
                "Beløb og udviklingsskole kan kun ændres, mens investeringen er en kladde. "
                "Den er nu “%(state)s”."
            )
            % {"state": state_label(locked.state, locked.plan.names)}
        )
    locked.title = title.strip()
    locked.purpose = purpose.strip()
    locked.amount = amount
    locked.development_school = development_school
    locked.version += 1
    locked._history_user = by
    locked.save(update_fields=["title", "purpose", "amount", "development_school", "version"])
    locked.initiatives.set(initiatives)
    for name in ("title", "purpose", "amount", "development_school", "version"):
        setattr(investment, name, getattr(locked, name))
    return locked


def _check_pool(*, plan: Plan, investment: Investment) -> None:
    """Refuse an approval that would take the approved total above the pool.

    Call with the plan's row locked, so the total cannot change until the transaction ends.
    """
    if plan.funding_amount is None:
        raise ValidationError(_("Planen har ingen pulje, så investeringen kan ikke godkendes."))
    approved = approved_total(plan=plan)
    free = plan.funding_amount - approved
    if investment.amount > free:
        # No full stop after the last amount: its "kr." ends the sentence.
        raise ValidationError(
            _(
                "Godkendelsen ville overskride puljen: %(approved)s er godkendt, %(free)s er fri, "
                "investeringen er %(amount)s"
            )
            % {"approved": kr(approved), "free": kr(free), "amount": kr(investment.amount)}
        )


@transaction.atomic
def investment_decide(
    *,
    investment: Investment,
    by: User,
    to_state: str,
    decided_on: dt.date,
    reference: str = "",
    note: str = "",
    expected_version: int,
    at: dt.datetime | None = None,
) -> InvestmentDecision:
    """Record the next step on an investment's decision path and move it to `to_state`.

    The path is kladde → behandlet i udvalget → godkendt (by the plan's approving body, or the
    committee) → i gang → afsluttet; afvist only before approval. Approving locks the plan's
    row and refuses to over-commit the pool. `expected_version` is the version the user's form
    was opened at; InvestmentConflict is raised (and nothing written) if someone else saved in
    between.
    `at` (when it was registered) is now, except for demo data laid out in the past.
    """
    Plan.objects.check_writable(investment.plan_id)
    if to_state == S.GODKENDT:
        # The plan's row first, always in this order (plan, then investment): no deadlocks.
        plan = Plan.objects.select_for_update().get(pk=investment.plan_id)
    locked = (
        Investment.objects.select_for_update(of=("self",))
        .select_related("plan")
        .get(pk=investment.pk)
    )
    if locked.version != expected_version:
        raise InvestmentConflict(locked)
    if to_state not in NEXT_STATES.get(locked.state, ()):
        raise ValidationError({"to_state": _path_error(locked.state, to_state, locked.plan.names)})
    errors = {}
    previous = locked.decisions.order_by("-decided_on").values_list("decided_on", flat=True).first()
    _check_plan_date(locked.plan, decided_on, "decided_on", errors)
    if "decided_on" not in errors and previous and decided_on < previous:
        errors["decided_on"] = _("Datoen kan ikke ligge før det forrige trin (%(date)s).") % {
            "date": date_format(previous, "DATE_FORMAT")
        }
    if to_state in REFERENCE_REQUIRED and not reference.strip():
        errors["reference"] = _("Angiv sagens reference, fx “sag 137”.")
    if errors:
        raise ValidationError(errors)
    if to_state == S.GODKENDT:
        _check_pool(plan=plan, investment=locked)
    decision = InvestmentDecision.objects.create(
        investment=locked,
        from_state=locked.state,
        to_state=to_state,
        decided_on=decided_on,
        reference=reference.strip(),
        note=note.strip(),
        by=by,
        at=at or timezone.now(),
    )
    locked.state = to_state
    locked.version += 1
    locked._history_user = by
    locked.save(update_fields=["state", "version"])
    investment.state, investment.version = locked.state, locked.version
    return decision


# --- spending --------------------------------------------------------------------------------


@transaction.atomic
def spending_record(
    *,
    investment: Investment,
    by: User,
    spent_on: dt.date,
    amount: Decimal | int,
    note: str = "",
    at: dt.datetime | None = None,
) -> Spending:
    """Record money spent on an approved investment, never more than its amount in total.
    `at` (when it was registered) is now, except for demo data laid out in the past."""
    Plan.objects.check_writable(investment.plan_id)
    locked = (
        Investment.objects.select_for_update(of=("self",))
        .select_related("plan")
        .get(pk=investment.pk)
    )
    if locked.state not in SPENDABLE_STATES:
        raise ValidationError(
            _(
                "Der kan kun registreres forbrug på en investering, der er godkendt eller i gang. "
                "Denne er “%(state)s”."
            )
            % {"state": state_label(locked.state, locked.plan.names)}
        )
    amount = _clean_amount(amount)
    _check_plan_date(locked.plan, spent_on, "spent_on")
    spent = spent_total(investment=locked)
    if spent + amount > locked.amount:
        raise ValidationError(
            {
                "amount": _(
                    "Forbruget ville overstige investeringens beløb: %(spent)s er forbrugt, "
                    "%(left)s er tilbage, udgiften er %(amount)s"
                )
                % {
                    "spent": kr(spent),
                    "left": kr(locked.amount - spent),
                    "amount": kr(amount),
                }
            }
        )
    return Spending.objects.create(
        investment=locked,
        spent_on=spent_on,
        amount=amount,
        note=note.strip(),
        by=by,
        at=at or timezone.now(),
    )
