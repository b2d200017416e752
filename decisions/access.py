"""Who may read and record decisions. Views fetch decisions only through these.

Every role reads the register (the committee's decisions are public acts); the links to
investments are shown only to the roles that read the pool. Chefgruppen alone records and
corrects decisions, and only in the current plan.
"""

from django.utils.translation import gettext as _

from decisions.models import Decision
from investments.access import can_read_investments
from omstilling.access import RefusedForbidden, RefusedNotFound
from omstilling.models import Role, User
from tracks.access import current_plan_pk


def can_read_decisions(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role)


def can_record_decisions(user: User, *, plan_id: int | None = None) -> bool:
    """Chefgruppen records decisions; with `plan_id`, in that plan (only the current one)."""
    if not (user.is_authenticated and user.is_active and user.role == Role.CHEFGRUPPE):
        return False
    return plan_id is None or plan_id == current_plan_pk(user)


def sees_investment_links(user: User) -> bool:
    return can_read_investments(user)


def get_decision_for_user(user: User, pk: int, *, write: bool = False) -> Decision:
    """The decision; 403 for a user who may not read (or, with `write`, correct) it, 404 when
    it does not exist; both logged as refusals."""
    label = Decision._meta.label
    if not (can_record_decisions(user) if write else can_read_decisions(user)):
        raise RefusedForbidden(model=label, object_id=pk)
    decision = (
        Decision.objects.select_related("plan", "by", "corrects", "correction")
        .filter(pk=pk)
        .first()
    )
    if decision is None:
        raise RefusedNotFound(_("Siden findes ikke"), model=label, object_id=pk)
    if write and not can_record_decisions(user, plan_id=decision.plan_id):
        raise RefusedForbidden(model=label, object_id=pk)
    return decision
