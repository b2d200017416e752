"""Log-in: when a session started, and how the identity provider's groups become our roles."""

import time

from django.conf import settings
from django.core import checks
from django.http import HttpRequest

from omstilling.models import Role

# Session keys (seconds since the epoch): log-in, for the absolute lifetime; the last renewal
# of the idle timeout (omstilling/middleware.py).
LOGIN_AT_SESSION_KEY = "_omstilling_login_at"
SEEN_AT_SESSION_KEY = "_omstilling_seen_at"


def stamp_session(session, now: int) -> None:
    session[LOGIN_AT_SESSION_KEY] = now
    session[SEEN_AT_SESSION_KEY] = now


def stamp_login_time(sender, request: HttpRequest, user, **kwargs) -> None:
    """Receiver of `user_logged_in`: the session's lifetimes start at log-in."""
    stamp_session(request.session, int(time.time()))


def role_for_groups(groups: list[str]) -> str | None:
    """The first role in OIDC_ROLE_MAP whose group the user is in; None if in none of them."""
    member_of = set(groups)
    for role, group in settings.OIDC_ROLE_MAP.items():
        if group in member_of:
            return role
    return None


def check_oidc_role_map(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """System check: with single sign-on on, OIDC_ROLE_MAP names only our roles."""
    if not settings.OIDC_ENABLED:
        return []
    unknown = sorted(set(settings.OIDC_ROLE_MAP) - set(Role.values))
    if unknown:
        return [
            checks.Error(
                f"OIDC_ROLE_MAP names unknown roles: {', '.join(unknown)}",
                hint=f"Roles are: {', '.join(Role.values)}",
                id="omstilling.E001",
            )
        ]
    return []
