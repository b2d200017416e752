import os
import subprocess
import sys

import pytest
from django.conf import settings

# The production configuration: DEBUG off and the required secrets set, nothing else.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "kN3v0fZq8Yt2Lw7Rj4Hx1Pc6Bm9Ds5Ga0Ue3Io8Ky2Tn7Vr4Wl1Qz6Xh9Jf5Mp",
    "ALLOWED_HOSTS": "portal.kommune.example",
    "CASE_KEY_SECRET": "case-key-secret-for-the-test-only-0123456789",
}
# Variables of the test run that must not leak into a production subprocess (the browser
# journeys set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright).
_DEVELOPMENT_ONLY = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CASE_KEY_SECRET",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_django(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run Python code in a fresh process with Django set up under the given environment."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in _DEVELOPMENT_ONLY and not k.startswith("OIDC_")
    }
    setup = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'omstilling.settings'; "
        "django.setup()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", setup + code],
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
        timeout=120,
    )


@pytest.fixture
def production_env() -> dict[str, str]:
    return dict(PRODUCTION_ENV)
