"""Who may see and change the pool. Views fetch investments and schools only through these.

The role matrix (shared/architecture.md): chefgruppen edits; initiativejere, ledere and BFU read;
støttesystem, visitation and administrators have no access to the investments.
"""

from django.db.models import Model
from django.utils.translation import gettext as _

from investments.models import DevelopmentSchool, Investment
from omstilling.access import INVESTMENT_READERS, RefusedForbidden, RefusedNotFound, role_required
from omstilling.models import Plan, Role, User

INVESTMENT_WRITERS = {Role.CHEFGRUPPE}

investment_reader_required = role_required(*INVESTMENT_READERS)
investment_writer_required = role_required(*INVESTMENT_WRITERS)


def can_read_investments(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in INVESTMENT_READERS


def can_write_investments(user: User, *, plan_id: int | None = None) -> bool:
    """Whether the user's role writes investments; with `plan_id`, to that plan's pool (only
    the current plan's: an earlier plan is read-only)."""
    if not (user.is_authenticated and user.is_active and user.role in INVESTMENT_WRITERS):
        return False
    return plan_id is None or plan_id == Plan.objects.current_pk()


def _get(user: User, queryset, pk: int, write: bool) -> Model:
    """403 for a role that may not read (or write), 404 if missing; both logged as refusals."""
    label = queryset.model._meta.label
    if not (can_write_investments(user) if write else can_read_investments(user)):
        raise RefusedForbidden(model=label, object_id=pk)
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise RefusedNotFound(_("Siden findes ikke"), model=label, object_id=pk)
    if write and obj.plan_id != Plan.objects.current_pk():
        # An earlier plan's pool is read-only.
        raise RefusedForbidden(model=label, object_id=pk)
    return obj


def get_investment_for_user(user: User, pk: int, write: bool = False) -> Investment:
    """The investment, or 403 if the user may not read it (or write, if `write`), else 404."""
    return _get(
        user,
        Investment.objects.select_related("plan", "development_school__school", "created_by"),
        pk,
        write,
    )


def get_development_school_for_user(user: User, pk: int, write: bool = False) -> DevelopmentSchool:
    return _get(user, DevelopmentSchool.objects.select_related("plan", "school"), pk, write)
