"""Who may do what, decided in one place. Object-level helpers live beside their models' app."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from omstilling.models import Role

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
