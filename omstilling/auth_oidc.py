"""Single sign-on with the municipality's identity provider (OpenID Connect).

In AUTHENTICATION_BACKENDS only when OIDC_RP_CLIENT_ID is set (settings.py). The provider
vouches for who the user is; OIDC_ROLE_MAP turns the provider's groups into the portal role,
which is set again at every log-in, so a change of group at the provider takes effect then.
"""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from omstilling.auth import role_for_groups
from omstilling.models import User
from omstilling.services import user_sync_from_sso


def groups_from_claims(claims: dict) -> list[str]:
    value = claims.get(settings.OIDC_GROUP_CLAIM) or []
    return [value] if isinstance(value, str) else [str(group) for group in value]


class PortalOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims: dict) -> bool:
        """An e-mail address to match the account on, and membership of a mapped group."""
        return bool(claims.get("email")) and role_for_groups(groups_from_claims(claims)) is not None

    def filter_users_by_claims(self, claims: dict):
        users = super().filter_users_by_claims(claims)
        if any(user.is_superuser for user in users):
            # Local superusers are break-glass accounts: single sign-on never takes one over.
            raise SuspiciousOperation("single sign-on refused for a superuser's e-mail address")
        return users

    def create_user(self, claims: dict) -> User:
        if User.objects.filter(username=self._username(claims)).exists():
            # Another local account has the name: refuse rather than merge two people.
            raise SuspiciousOperation("single sign-on user name taken by another account")
        return self._sync(None, claims)

    def update_user(self, user: User, claims: dict) -> User:
        return self._sync(user, claims)

    def get_user(self, user_id):
        # A deactivated user's session ends at the next request (omstilling/middleware.py).
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    @staticmethod
    def _username(claims: dict) -> str:
        return claims.get("preferred_username") or claims["email"]

    def _sync(self, user: User | None, claims: dict) -> User:
        return user_sync_from_sso(
            user=user,
            username=self._username(claims),
            email=claims["email"],
            first_name=claims.get("given_name", ""),
            last_name=claims.get("family_name", ""),
            role=role_for_groups(groups_from_claims(claims)),
        )
