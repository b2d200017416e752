"""`manage.py check --deploy` passes with the production settings, and they say what they mean."""

from tests.security.conftest import run_django

CHECK_DEPLOY = (
    "from django.core.management import call_command\n"
    "call_command('check', deploy=True, fail_level='WARNING')\n"
)


def test_it_passes_check_deploy_with_production_settings(production_env):
    result = run_django(CHECK_DEPLOY, production_env)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_fails_check_deploy_with_a_weak_secret_key(production_env):
    result = run_django(CHECK_DEPLOY, {**production_env, "SECRET_KEY": "short"})

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_the_production_settings_are_hardened(production_env):
    result = run_django(
        "from django.conf import settings as s\n"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_PROXY_SSL_HEADER,"
        " s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_AGE,"
        " s.SESSION_ABSOLUTE_LIFETIME, s.PASSWORD_HASHERS[0], sep='|')\n",
        production_env,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().split("|") == [
        "False",
        "True",
        "True",
        "True",
        "31536000",
        "True",
        "('HTTP_X_FORWARDED_PROTO', 'https')",
        "__Host-sessionid",
        "__Host-csrftoken",
        "1800",
        "36000",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
