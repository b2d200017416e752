"""Who may see and change the pool. Views fetch investments and schools only through these.

The role matrix (shared/architecture.md): chefgruppen edits; initiativejere, ledere and BFU read;
støttesystem, visitation and administrators have no access to the investments.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from investments.models import DevelopmentSchool, Investment
from omstilling.access import INVESTMENT_READERS, role_required
from omstilling.models import Role, User

INVESTMENT_WRITERS = {Role.CHEFGRUPPE}

investment_reader_required = role_required(*INVESTMENT_READERS)
investment_writer_required = role_required(*INVESTMENT_WRITERS)


def can_read_investments(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in INVESTMENT_READERS


def can_write_investments(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in INVESTMENT_WRITERS


def _check(user: User, write: bool) -> None:
    if not (can_write_investments(user) if write else can_read_investments(user)):
        raise PermissionDenied


def get_investment_for_user(user: User, pk: int, write: bool = False) -> Investment:
    """The investment, or 403 if the user may not read it (or write, if `write`), else 404."""
    _check(user, write)
    return get_object_or_404(
        Investment.objects.select_related("plan", "development_school__school", "created_by"),
        pk=pk,
    )


def get_development_school_for_user(user: User, pk: int, write: bool = False) -> DevelopmentSchool:
    _check(user, write)
    return get_object_or_404(DevelopmentSchool.objects.select_related("plan", "school"), pk=pk)
