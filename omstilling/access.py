"""Who may do what, decided in one place. Object-level helpers live beside their models' app.

Refused access is logged here too (`log_refusal`, called by RefusedAccessLogMiddleware): the
helpers raise their 403 and 404 as `RefusedForbidden`/`RefusedNotFound`, naming what they
refused, and the middleware, which knows the request, writes the entry.
"""

from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import is_password_usable
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from omstilling.models import AccessLog, Plan, Role, User
from omstilling.services import access_log_record

# Roles that have milestones of their own to log ("Mine milepæle").
MILESTONE_ROLES = {Role.CHEFGRUPPE, Role.INITIATIVEJER, Role.LEDER}
# The role matrix: who may read the 50 mio. kr. investments (chefgruppen also writes them).
INVESTMENT_READERS = {Role.CHEFGRUPPE, Role.INITIATIVEJER, Role.LEDER, Role.BFU}


def role_required(*roles: str):
    """Decorator: a logged-in user with one of `roles`, else 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def writer_required(view):
    """Decorator for views that write: BFU members and users without a role never pass."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.role or request.user.role == Role.BFU:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def reader_required(view):
    """Decorator for views that read plan content: any logged-in user with a role."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.role:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def child_data_view(view):
    """For pages with child-level rows: never cached by the browser or a proxy.

    Templates of such pages also set `hx-history="false"` (block body_attrs in base.html),
    so htmx keeps no copy of them in its history cache.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    return wrapped


def can_change_own_password(user: User) -> bool:
    """Users with a password of ours change it in the portal; single-sign-on users have none
    (user_sync_from_sso creates them without one): their password is the identity provider's."""
    return bool(user.is_authenticated and user.is_active and user.has_usable_password())


# --- User administration ----------------------------------------------------------------------
#
# The administrator role manages users, but can never raise rights — its own or anyone's —
# beyond what the role matrix gives. In the admin, an administrator (not a superuser):
# - gives other users a portal role and their institutions, and (de)activates them. It never
#   gives the administrator role: administrators are appointed by a superuser, so the role
#   cannot spread itself;
# - never changes its own account, another administrator's or a superuser's (they are
#   read-only to it), so it cannot widen its own role or take over a stronger account; nor
#   its own membership of a body (members edit the tiltag their body owns);
# - never sets superuser, staff, groups or single permissions: staff and groups follow from
#   the role (services.user_apply_role); only a superuser grants anything beyond that;
# - never sets a password: a password is a way in, and whoever sets one can log in as that
#   user. New accounts get none; the user logs in by single sign-on, or is sent an invitation
#   (`can_invite`: a link, valid for a few days and once, with which the user chooses their
#   own first password), or a superuser sets a first password that the user then changes.
# Only a superuser (created on the command line with `createsuperuser`) can do more.

# The roles an administrator gives to other users ("" is no role).
ROLES_ADMINISTRATORS_GIVE = frozenset({"", *Role.values}) - {Role.ADMIN}


@dataclass(frozen=True)
class AccountRights:
    """What an account can do, as stored: compared before and after a change in the admin."""

    pk: int | None
    is_superuser: bool
    is_staff: bool
    role: str
    password: str
    group_ids: frozenset[int]
    permission_ids: frozenset[int]

    @classmethod
    def of(cls, user: User) -> "AccountRights":
        """A saved account's rights, its groups and permissions read from the database."""
        return cls(
            pk=user.pk,
            is_superuser=user.is_superuser,
            is_staff=user.is_staff,
            role=user.role,
            password=user.password,
            group_ids=frozenset(user.groups.values_list("pk", flat=True)),
            permission_ids=frozenset(user.user_permissions.values_list("pk", flat=True)),
        )


def can_manage_account(actor: User, account: User | AccountRights | None) -> bool:
    """Whether `actor` may change (or delete) `account` in the admin; None: create one."""
    if not (actor.is_authenticated and actor.is_active and actor.is_staff):
        return False
    if actor.is_superuser:
        return True
    if actor.role != Role.ADMIN:
        return False
    return account is None or (
        account.pk != actor.pk and not account.is_superuser and account.role != Role.ADMIN
    )


def can_invite(actor: User, account: User) -> bool:
    """Whether `actor` may e-mail `account` an invitation to choose its first password
    (omstilling.services.user_invite): an account `actor` manages (`can_manage_account`) that
    is active, has an e-mail address, has never had a password of ours and has never logged
    in — a new account, never one in use, so an invitation cannot take an account over. With
    single sign-on there are no passwords of ours, and no invitations."""
    return bool(
        not settings.OIDC_ENABLED
        and can_manage_account(actor, account)
        and account.is_active
        and account.email
        and not account.has_usable_password()
        and account.last_login is None
    )


def check_account_change(
    actor: User, *, before: AccountRights | None, after: AccountRights
) -> None:
    """Refuse (403, logged) an account change that `actor` may not make.

    The admin's forms leave out what an administrator may not set; this check, run when the
    change is saved, refuses a forged request all the same (and rolls the change back).
    """
    if actor.is_superuser:
        return
    allowed = (
        can_manage_account(actor, before)
        and not after.is_superuser
        and after.role in ROLES_ADMINISTRATORS_GIVE
    )
    if before is None:
        granted = after.is_staff or after.group_ids or after.permission_ids
        allowed = allowed and not granted and not is_password_usable(after.password)
    else:
        kept = ("is_superuser", "is_staff", "password", "group_ids", "permission_ids")
        allowed = allowed and all(getattr(after, name) == getattr(before, name) for name in kept)
    if not allowed:
        raise RefusedForbidden(model=User._meta.label, object_id=after.pk)


def check_own_membership_change(
    actor: User, *, body_pk: int, before: frozenset[int], after: frozenset[int]
) -> None:
    """Refuse (403, logged) an administrator adding itself to a body, or leaving one.

    The members of a body that owns a tiltag edit it (tracks.access.can_edit_initiative), so a
    membership is a right, and an administrator never changes its own. (Chefgruppen edits every
    tiltag already; a superuser may do anything.)
    """
    own_changed = (actor.pk in before) != (actor.pk in after)
    if own_changed and actor.role == Role.ADMIN and not actor.is_superuser:
        raise RefusedForbidden(model="omstilling.GovernanceBody", object_id=body_pk)


# --- Refused access ----------------------------------------------------------------------------


class Refusal:
    """Marks a 403/404 raised by an access helper: it names the protected model and row."""

    def __init__(self, message: str = "", *, model: str = "", object_id: object = "") -> None:
        super().__init__(*([message] if message else []))
        self.model = model
        self.object_id = "" if object_id is None else str(object_id)


class RefusedForbidden(Refusal, PermissionDenied):
    """403: the user's role may not touch this protected row (or page)."""


class RefusedNotFound(Refusal, Http404):
    """404 for a protected row that is missing or hidden from the user (e.g. a forløb of
    another institution: its existence is not revealed, but the attempt is logged)."""


def _object_id_from_url(request: HttpRequest) -> str:
    match = request.resolver_match
    if match is None:
        return ""
    # `pk` in the portal's URLs, `object_id` in the admin's.
    return str(match.kwargs.get("pk") or match.kwargs.get("object_id") or "")


def is_logged_refusal(request: HttpRequest, exception: Exception) -> bool:
    """Whether a view's exception is a refusal that belongs in the access log.

    - Every 403 (PermissionDenied) for a logged-in user: every 403 of the portal comes from an
      access helper or the admin's permission checks, and each one refuses something protected
      (a page closed to the role, a row of another institution, a write for a reader).
    - A 404 only when an access helper raised it for a protected row (RefusedNotFound): a
      forløb, før-henvisning, henvisning, investment or udviklingsskole that is missing or not
      the user's. Other 404s hide nothing — plan content and reports are read by every role,
      so a missing tiltag or report is just missing — and logging every mistyped address would
      bury the refusals in noise.
    - Anonymous visitors are never logged: every protected page sends them to log in before any
      check runs, so what reaches here from them (a crawler's 404) touched nothing protected.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return isinstance(exception, PermissionDenied | RefusedNotFound)


def log_refusal(request: HttpRequest, exception: Exception) -> None:
    """Write a refused access to the access log: who, which model and row if known, the page."""
    if not is_logged_refusal(request, exception):
        return
    access_log_record(
        user=request.user,
        action=AccessLog.Action.REFUSED,
        model=getattr(exception, "model", ""),
        # The URL's id when the refusal came before the row was looked up (a role check).
        object_id=getattr(exception, "object_id", "") or _object_id_from_url(request),
        # The path only: a query string could carry what the user searched for.
        path=request.path,
    )


def current_plan_or_404() -> Plan:
    """The current plan (`Plan.objects.current()`), or 404 before any plan is loaded. Pages that
    write use it: writes go to the current plan only."""
    plan = Plan.objects.current()
    if plan is None:
        raise Http404(_("Der er ikke indlæst nogen plan endnu."))
    return plan


# The session key of the earlier plan a user has chosen to read (`plan_choose`).
VIEWED_PLAN_SESSION_KEY = "viewed_plan"


def chosen_plan(request: HttpRequest) -> Plan | None:
    """The plan the user chose in the plan chooser (`plan_list`), if any: kept in the session,
    so every link stays as it is. No query unless a plan was chosen; once per request."""
    if not hasattr(request, "_chosen_plan"):
        session = getattr(request, "session", None)
        chosen = session.get(VIEWED_PLAN_SESSION_KEY) if session is not None else None
        request._chosen_plan = (
            Plan.objects.filter(pk=chosen).first() if isinstance(chosen, int) else None
        )
    return request._chosen_plan


def request_current_plan(request: HttpRequest) -> Plan | None:
    """The current plan (`Plan.objects.current()`), looked up once per request: the header
    (context processors), the page and its access checks all ask for it. The user's access
    checks (`tracks.access.current_plan_pk`) are given its pk, so they need no query either."""
    if not hasattr(request, "_current_plan"):
        request._current_plan = Plan.objects.current()
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user._access_current_plan_pk = request._current_plan and request._current_plan.pk
    return request._current_plan


def viewed_plan(request: HttpRequest) -> Plan | None:
    """The plan a reading page shows: an earlier plan the user chose in the plan chooser
    (read-only), else the current plan."""
    return chosen_plan(request) or request_current_plan(request)


def viewed_plan_or_404(request: HttpRequest) -> Plan:
    """`viewed_plan`, or 404 before any plan is loaded. Pages that read plan content use it."""
    plan = viewed_plan(request)
    if plan is None:
        raise Http404(_("Der er ikke indlæst nogen plan endnu."))
    return plan
