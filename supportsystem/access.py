"""Who may see and work on forløb. Views fetch forløb only through these helpers.

Støttesystem staff work on the forløb of the institutions they serve, leaders on those of
their own institution(s); every other role gets 403 on every forløb page. A forløb of another
institution answers 404, so its existence is not revealed. Both refusals are written to the
access log (omstilling.access.log_refusal).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from omstilling.access import RefusedForbidden, RefusedNotFound, child_data_view
from omstilling.models import Institution, Role, User
from supportsystem.models import Forloeb

FORLOEB_ROLES = frozenset({Role.STOETTESYSTEM, Role.LEDER})


def can_work_on_forloeb(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in FORLOEB_ROLES)


def forloeb_view(view):
    """Decorator for every forløb page: logged in, a forløb role (else 403), never cached."""

    @login_required
    @wraps(view)
    @child_data_view
    def wrapped(request, *args, **kwargs):
        if not can_work_on_forloeb(request.user):
            raise RefusedForbidden(model=Forloeb._meta.label, object_id=kwargs.get("pk", ""))
        return view(request, *args, **kwargs)

    return wrapped


def institutions_for_user(user: User) -> QuerySet[Institution]:
    """The institutions whose forløb the user works on (served, or led)."""
    if not can_work_on_forloeb(user):
        return Institution.objects.none()
    return user.institutions.all()


def forloeb_for_user(user: User) -> QuerySet[Forloeb]:
    """The forløb the user may see: those of their institutions, in one query (a subquery)."""
    if not can_work_on_forloeb(user):
        return Forloeb.objects.none()
    return Forloeb.objects.filter(institution__in=user.institutions.values("pk"))


def get_forloeb_for_user(user: User, pk: int) -> Forloeb:
    """The forløb, or 403 for roles without forløb, 404 if missing or of another institution."""
    if not can_work_on_forloeb(user):
        raise RefusedForbidden(model=Forloeb._meta.label, object_id=pk)
    forloeb = (
        forloeb_for_user(user)
        .select_related("institution", "current_stage", "outcome")
        .filter(pk=pk)
        .first()
    )
    if forloeb is None:
        raise RefusedNotFound(
            _("Forløbet findes ikke, eller det hører ikke til dine institutioner."),
            model=Forloeb._meta.label,
            object_id=pk,
        )
    return forloeb
