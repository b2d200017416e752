"""Who may touch visitation's rows, decided here. Child-level rows: visitation staff only.

Views fetch a før-henvisning or henvisning only through these helpers, which also log the
read in the access log (who, when, which row; never the content). A row that does not exist
is a refused access and logged as such (omstilling.access.log_refusal).
"""

from django.utils.translation import gettext as _

from omstilling.access import RefusedNotFound
from omstilling.models import AccessLog, Role, User
from omstilling.services import access_log_record, access_log_record_rows
from visitation.models import PreReferral, Referral

# Child-level rows: referrals, før-henvisninger, decisions.
CASE_ROLES = (Role.VISITATION,)
# The quarterly counts (bestand): recorded by visitation staff, also imported by chefgruppen.
COUNT_ROLES = (Role.VISITATION, Role.CHEFGRUPPE)
# Targets and baselines for the KPIs.
TARGET_ROLES = (Role.CHEFGRUPPE,)


def can_see_cases(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in CASE_ROLES


def get_pre_referral_for_user(user: User, pk: int, *, path: str = "") -> PreReferral:
    """The før-henvisning (404 if none); the caller's view is limited to CASE_ROLES."""
    pre_referral = PreReferral.objects.select_related("institution").filter(pk=pk).first()
    if pre_referral is None:
        raise RefusedNotFound(
            _("Før-henvisningen findes ikke."), model=PreReferral._meta.label, object_id=pk
        )
    access_log_record(user=user, action=AccessLog.Action.READ, obj=pre_referral, path=path)
    return pre_referral


def get_referral_for_user(user: User, pk: int, *, path: str = "") -> Referral:
    """The henvisning (404 if none); the caller's view is limited to CASE_ROLES."""
    referral = Referral.objects.select_related("institution", "pre_referral").filter(pk=pk).first()
    if referral is None:
        raise RefusedNotFound(
            _("Henvisningen findes ikke."), model=Referral._meta.label, object_id=pk
        )
    access_log_record(user=user, action=AccessLog.Action.READ, obj=referral, path=path)
    return referral


def log_listed(user: User, rows, *, path: str) -> None:
    """A list shows child-level rows: one LIST entry per row shown, written in one INSERT
    (a page of 40 rows would otherwise cost 40 round trips). `rows` are the rows themselves
    or (model label, pk) pairs, for a list whose HTML came from the cache."""
    access_log_record_rows(
        user=user,
        action=AccessLog.Action.LIST,
        rows=((row._meta.label, row.pk) if hasattr(row, "_meta") else row for row in rows),
        path=path,
    )
