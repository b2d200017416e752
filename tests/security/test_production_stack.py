"""The production stack as docker-compose.yml and the Dockerfile describe it."""

import os
import shutil
import subprocess
import sys

import pytest
import yaml
from django.conf import settings

ROOT = settings.BASE_DIR
DUMMY_ENV = {
    "SECRET_KEY": "dummy",
    "CASE_KEY_SECRET": "dummy",
    "ALLOWED_HOSTS": "portal.kommune.example",
    "POSTGRES_PASSWORD": "dummy",
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _command(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def test_it_runs_the_five_services_with_health_checks(compose):
    services = compose["services"]

    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    for name in ("db", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert services["db"]["image"].startswith("postgres:")
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]


def test_redis_keeps_the_queue(compose):
    command = _command(compose["services"]["redis"])

    assert "--appendonly yes" in command
    assert "--maxmemory-policy noeviction" in command
    assert "redisdata:/data" in compose["services"]["redis"]["volumes"]


def test_web_migrates_then_serves_with_gunicorn(compose):
    web = compose["services"]["web"]
    start = (ROOT / "scripts" / "start-web.sh").read_text(encoding="utf-8")

    assert _command(web) == "sh scripts/start-web.sh"
    assert start.index("manage.py migrate") < start.index("exec gunicorn")
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    assert web["environment"]["DEBUG"] == "0"
    assert web["depends_on"]["db"]["condition"] == "service_healthy"


def test_worker_acknowledges_late_and_prefetches_one(compose):
    assert _command(compose["services"]["worker"]).startswith("celery -A omstilling worker")
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_TASK_SERIALIZER == "json"


def test_there_is_exactly_one_beat(compose):
    beats = [s for s in compose["services"].values() if " beat" in _command(s)]

    assert len(beats) == 1
    assert beats[0]["deploy"]["replicas"] == 1


def test_the_image_has_weasyprints_libraries_and_runs_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")

    assert "\nFROM python:3." in dockerfile
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "libffi8", "fonts-"):
        assert package in dockerfile, package
    assert "STATIC_MANIFEST=1 python manage.py collectstatic" in dockerfile
    assert "USER portal" in dockerfile
    assert "gunicorn" in (ROOT / "scripts" / "start-web.sh").read_text(encoding="utf-8")


@pytest.mark.skipif(
    not shutil.which("docker-compose"), reason="docker-compose is installed by .ci/run"
)
def test_docker_compose_accepts_the_file():
    result = subprocess.run(
        ["docker-compose", "config", "-q"],
        cwd=ROOT,
        env={**os.environ, **DUMMY_ENV},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr


@pytest.mark.django_db(transaction=True)
def test_the_container_health_check_asks_healthz(live_server):
    healthcheck = [sys.executable, str(ROOT / "scripts" / "healthcheck.py")]
    env = {**os.environ, "ALLOWED_HOSTS": "localhost"}

    ok = subprocess.run([*healthcheck, f"{live_server.url}/healthz/"], env=env, check=False)
    missing = subprocess.run(
        [*healthcheck, f"{live_server.url}/findes-ikke/"],
        env=env,
        capture_output=True,
        check=False,
    )

    assert ok.returncode == 0
    assert missing.returncode == 1
