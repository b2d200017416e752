"""Single sign-on (OpenID Connect): off unless configured; the provider's groups become roles."""

from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from omstilling.auth import role_for_groups
from omstilling.models import Role, User
from tests.factories import UserFactory
from tests.security.conftest import run_django

BACKEND = "omstilling.auth_oidc.PortalOIDCBackend"
ROLE_MAP = {"chefgruppe": "Grp-Chef", "bfu": "Grp-BFU", "leder": "Grp-Leder"}
OIDC_ENV = {
    "OIDC_RP_CLIENT_ID": "portal",
    "OIDC_RP_CLIENT_SECRET": "hemmelig",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.kommune.example/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://idp.kommune.example/token",
    "OIDC_OP_USER_ENDPOINT": "https://idp.kommune.example/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://idp.kommune.example/jwks",
    "OIDC_ROLE_MAP": "chefgruppe=Grp-Chef,bfu=Grp-BFU",
}


@pytest.fixture
def oidc(settings):
    """Single sign-on configured as settings.py configures it from the environment."""
    settings.OIDC_RP_CLIENT_ID = "portal"
    settings.OIDC_RP_CLIENT_SECRET = "hemmelig"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.kommune.example/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.kommune.example/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://idp.kommune.example/jwks"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_GROUP_CLAIM = "groups"
    settings.OIDC_ROLE_MAP = ROLE_MAP
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
    settings.ROOT_URLCONF = "tests.security.oidc_urls"
    return settings


def _sign_in(claims: dict) -> User | None:
    """Run the backend's code flow with the provider's answers stubbed (no network)."""
    from omstilling.auth_oidc import PortalOIDCBackend

    backend = PortalOIDCBackend()
    request = RequestFactory().get("/oidc/callback/", {"code": "kode", "state": "tilstand"})
    request.session = {}
    with (
        mock.patch.object(
            backend, "get_token", return_value={"id_token": "i", "access_token": "a"}
        ),
        mock.patch.object(backend, "verify_token", return_value={"sub": "1", "nonce": "n"}),
        mock.patch.object(backend, "get_userinfo", return_value=claims),
    ):
        return backend.authenticate(request, nonce="n")


def _claims(**overrides) -> dict:
    return {
        "email": "mette@kommune.example",
        "preferred_username": "mette",
        "given_name": "Mette",
        "family_name": "Frederiksen",
        "groups": ["Alle-ansatte", "Grp-Chef"],
        **overrides,
    }


def test_it_is_off_unless_configured():
    assert django_settings.OIDC_ENABLED is False
    assert BACKEND not in django_settings.AUTHENTICATION_BACKENDS
    with pytest.raises(NoReverseMatch):
        reverse("oidc_authentication_init")


def test_it_maps_groups_to_the_first_matching_role(oidc):
    assert role_for_groups(["Grp-Chef"]) == Role.CHEFGRUPPE
    assert role_for_groups(["Grp-BFU", "Grp-Leder"]) == Role.BFU
    assert role_for_groups(["Grp-Leder"]) == Role.LEDER
    assert role_for_groups(["Alle-ansatte"]) is None
    assert role_for_groups([]) is None


@pytest.mark.django_db
def test_it_creates_a_user_with_the_role_of_their_group(oidc):
    user = _sign_in(_claims())

    assert user.username == "mette"
    assert user.role == Role.CHEFGRUPPE
    assert user.get_full_name() == "Mette Frederiksen"
    assert user.is_staff  # chefgruppen edits the plan in the admin
    assert not user.has_usable_password()


@pytest.mark.django_db
def test_it_follows_a_change_of_group_at_the_next_log_in(oidc):
    first = _sign_in(_claims())
    second = _sign_in(_claims(groups="Grp-BFU"))  # a single group as a string

    assert second.pk == first.pk
    assert second.role == Role.BFU
    assert not second.is_staff


@pytest.mark.django_db
def test_it_refuses_a_user_in_no_mapped_group(oidc):
    assert _sign_in(_claims(groups=["Alle-ansatte"])) is None
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_never_takes_over_a_superuser(oidc):
    UserFactory(username="root", email="mette@kommune.example", is_superuser=True)

    assert _sign_in(_claims()) is None


@pytest.mark.django_db
def test_it_refuses_a_user_name_taken_by_another_account(oidc):
    UserFactory(username="mette", email="en-anden@kommune.example")

    assert _sign_in(_claims()) is None


@pytest.mark.django_db
def test_a_deactivated_sso_user_loses_the_session(oidc, client):
    user = _sign_in(_claims())
    client.force_login(user, backend=BACKEND)
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = client.get(reverse("tracks:overview"))

    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_it_is_switched_on_by_the_environment(production_env):
    result = run_django(
        "from django.conf import settings\n"
        "from django.core.management import call_command\n"
        "from django.urls import reverse\n"
        "print(settings.AUTHENTICATION_BACKENDS[-1], reverse('oidc_authentication_init'))\n"
        "call_command('check', deploy=True, fail_level='WARNING')\n",
        {**production_env, **OIDC_ENV},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == [BACKEND, "/oidc/authenticate/"]


def test_it_fails_loudly_on_an_incomplete_or_wrong_configuration(production_env):
    missing = {k: v for k, v in OIDC_ENV.items() if k != "OIDC_OP_TOKEN_ENDPOINT"}
    result = run_django("", {**production_env, **missing})

    assert result.returncode != 0
    assert "these must be too: OIDC_OP_TOKEN_ENDPOINT" in result.stderr

    unknown_role = {**OIDC_ENV, "OIDC_ROLE_MAP": "chef=Grp-Chef"}
    result = run_django(
        "from django.core.management import call_command\ncall_command('check')\n",
        {**production_env, **unknown_role},
    )

    assert result.returncode != 0
    assert "omstilling.E001" in result.stderr and "chef" in result.stderr
