import os
import subprocess
import sys

import pytest
from django.conf import settings

from omstilling.models import Role


@pytest.mark.django_db
def test_it_reports_healthy_services(client):
    response = client.get("/healthz/")

    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    if settings.CELERY_BROKER_URL:
        assert body["broker"] == "ok"


def test_it_uses_the_services_named_by_the_environment():
    """In CI the suite runs on PostgreSQL with Redis as cache and broker (see .ci/run)."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    if os.environ.get("REDIS_URL"):
        assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    if not os.environ.get("CELERY_BROKER_URL"):
        assert settings.CELERY_TASK_ALWAYS_EAGER is True


_UNSET = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CASE_KEY_SECRET"}


def _settings_with(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in _UNSET}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
            "'omstilling.settings'; django.setup(); from django.conf import settings; "
            "print(settings.SESSION_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT, "
            "settings.SECURE_HSTS_SECONDS)",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = _settings_with({"DEBUG": "0", "ALLOWED_HOSTS": "portal.example"})

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_a_malformed_boolean():
    result = _settings_with({"DEBUG": "maybe"})

    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_it_is_secure_by_default_when_debug_is_off():
    result = _settings_with(
        {
            "DEBUG": "0",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "portal.example",
            "CASE_KEY_SECRET": "y" * 40,
        }
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "31536000"]


@pytest.mark.django_db
def test_the_demo_command_refuses_to_run_without_debug(settings):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError, match="kun med DEBUG"):
        call_command("seed_demo")


@pytest.mark.django_db
def test_the_demo_command_creates_one_user_per_role(settings, capsys):
    from django.core.management import call_command

    from omstilling.models import User

    settings.DEBUG = True
    call_command("load_plan", str(settings.PLAN_FILE))
    call_command("seed_demo")

    roles = dict(User.objects.values_list("username", "role"))
    assert roles == {
        "chefgruppe": Role.CHEFGRUPPE,
        "bfu": Role.BFU,
        "leder": Role.LEDER,
        "initiativejer": Role.INITIATIVEJER,
        "stoettesystem": Role.STOETTESYSTEM,
        "visitation": Role.VISITATION,
        "admin": Role.ADMIN,
        # the heads of the lead areas, who own their spor's tiltag (tracks/demo.py)
        "ejer-dagtilbud": Role.INITIATIVEJER,
        "ejer-skole": Role.INITIATIVEJER,
        "ejer-overgang": Role.INITIATIVEJER,
        "ejer-stoette": Role.INITIATIVEJER,
    }
    assert User.objects.get(username="leder").check_password("demo")
    out = capsys.readouterr().out
    assert "chefgruppe" in out and "adgangskode: demo" in out
    # Only plainly marked demo institutions are created.
    from omstilling.models import Institution

    assert all(
        name.endswith("(demo)") for name in Institution.objects.values_list("name", flat=True)
    )
    # A second run creates nothing more.
    call_command("seed_demo")
    assert User.objects.count() == 11


def test_it_refuses_to_start_in_production_without_a_case_key_secret():
    result = _settings_with(
        {"DEBUG": "0", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "portal.example"}
    )

    assert result.returncode != 0
    assert "CASE_KEY_SECRET must be set" in result.stderr
