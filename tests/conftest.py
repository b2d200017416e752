"""Named personas, one per role, on a small plan (style: alice/bob/charlie per role); what keeps
each test independent of the others (a clean cache, a broker and a cache of its own per xdist
worker, no example database for hypothesis); the reports gathered over the run."""

import os

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from hypothesis import settings as hypothesis_settings

from omstilling.models import Role
from omstilling.services import user_apply_role
from tests import summaries, xdist_groups
from tests.factories import (
    AreaFactory,
    InitiativeFactory,
    InstitutionFactory,
    MilestoneFactory,
    PlanFactory,
    SporFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _reports_compile_inline(settings):
    """Without a broker the portal compiles a report in a background thread; tests compile it
    in the request, inside the test's transaction (tests/reports/test_report_background.py
    covers the thread)."""
    settings.REPORT_COMPILE_IN_THREAD = False


def _persona(username: str, role: str, **kwargs):
    user = UserFactory(username=username, role=role, **kwargs)
    user_apply_role(user=user)
    return user


@pytest.fixture
def plan(db):
    return PlanFactory()


@pytest.fixture
def spor(plan):
    return SporFactory(plan=plan, number=1, slug="spor-1", title="Det gode dagtilbud for alle børn")


@pytest.fixture
def school(db):
    return InstitutionFactory(name="Skole A (demo)")


@pytest.fixture
def other_school(db):
    return InstitutionFactory(name="Skole B (demo)")


@pytest.fixture
def chef(db):
    return _persona("chef", Role.CHEFGRUPPE)


@pytest.fixture
def bfu(db):
    return _persona("bfu", Role.BFU)


@pytest.fixture
def owner(db):
    return _persona("ejer", Role.INITIATIVEJER)


@pytest.fixture
def other_owner(db):
    return _persona("anden-ejer", Role.INITIATIVEJER)


@pytest.fixture
def leader(school):
    user = _persona("leder", Role.LEDER)
    user.institutions.add(school)
    return user


@pytest.fixture
def other_leader(other_school):
    user = _persona("anden-leder", Role.LEDER)
    user.institutions.add(other_school)
    return user


@pytest.fixture
def support(school):
    user = _persona("stoette", Role.STOETTESYSTEM)
    user.institutions.add(school)
    return user


@pytest.fixture
def visitation(db):
    return _persona("visitation", Role.VISITATION)


@pytest.fixture
def admin_user(db):
    return _persona("administrator", Role.ADMIN)


@pytest.fixture
def area(db):
    return AreaFactory(slug="dagtilbud", name="Dagtilbud")


@pytest.fixture
def initiative(spor, owner, area):
    return InitiativeFactory(
        spor=spor, owner=owner, lead_area=area, title="Fælles kompetenceforløb"
    )


@pytest.fixture
def local_milestone(initiative, school):
    return MilestoneFactory(initiative=initiative, institution=school, title="Lokal proces afholdt")


@pytest.fixture
def all_personas(
    chef, bfu, owner, other_owner, leader, other_leader, support, visitation, admin_user
):
    return {
        "chef": chef,
        "bfu": bfu,
        "owner": owner,
        "other_owner": other_owner,
        "leader": leader,
        "other_leader": other_leader,
        "support": support,
        "visitation": visitation,
        "admin": admin_user,
    }


# Hypothesis keeps the examples that failed in .hypothesis/ and tries them first next time: a
# test's outcome would depend on earlier runs. The suite runs without that example database
# (a failure prints the blob to reproduce it with @reproduce_failure).
hypothesis_settings.register_profile("suite", database=None, print_blob=True)
hypothesis_settings.load_profile("suite")

# pytest-xdist names its workers gw0, gw1, …; without xdist the run is one process, "main".
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
# Keys in Redis (the cache, the broker's queues) are prefixed per worker, so that two workers
# never read each other's cache entries nor take each other's tasks.
KEY_PREFIX = f"tests-{WORKER}"


def pytest_configure(config):
    from django.conf import settings
    from django.test import override_settings

    from omstilling.celery import app as celery_app

    # For the whole run (the cache handler is rebuilt when CACHES changes).
    caches = {name: {**value, "KEY_PREFIX": KEY_PREFIX} for name, value in settings.CACHES.items()}
    override_settings(CACHES=caches).enable()
    if settings.CELERY_BROKER_URL:
        # tests/reports/worker_process.py gives a worker process the same prefix.
        celery_app.conf.broker_transport_options = {
            **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            "global_keyprefix": f"{KEY_PREFIX}:",
        }
    xdist_groups.configure_controller(config)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: a cached figure from an earlier test (another
    database's rows, another frozen day) must never answer for this one."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):  # the embedded default's memory: this process's own
        backend.clear()
    else:  # Redis, shared by the workers of a run: only this worker's keys
        client = backend._cache.get_client(None, write=True)
        keys = list(client.scan_iter(match=f"{KEY_PREFIX}:*"))
        if keys:
            client.delete(*keys)
    yield


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    xdist_groups.unique_node_ids(items)
    xdist_groups.write_groups(config, items)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    xdist_groups.configure_node(node)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    return xdist_groups.make_scheduler(config, log)


def pytest_unconfigure(config):
    xdist_groups.unconfigure_controller(config)


def pytest_report_header(config):
    """Say which database and broker the suite runs against (CI checks for PostgreSQL)."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    name = {"postgresql": "PostgreSQL", "sqlite3": "SQLite"}.get(engine, engine)
    broker = "Redis" if settings.CELERY_BROKER_URL.startswith("redis") else "in-process (eager)"
    return f"database: {name}; celery broker: {broker}"


def pytest_sessionfinish(session):
    summaries.send_to_controller(session.config)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist, on the controller: a worker is done; keep what its tests gathered."""
    summaries.receive_from_worker(node.config, getattr(node, "workeroutput", {}))


def pytest_terminal_summary(terminalreporter, config):
    """The reports gathered over the run (by every worker, under xdist): printed, and written
    to test-artifacts/."""
    audit = summaries.gathered(config, "a11y-audit")
    if audit:
        from tests.browser.a11y import write_audit_report

        terminalreporter.section("accessibility audit (axe-core, WCAG 2.1 A/AA)")
        for line in write_audit_report(audit):
            terminalreporter.write_line(line)
    for lines in summaries.gathered(config, "fuzz-forms"):
        terminalreporter.section("form fuzz (test-artifacts/fuzz-forms.txt)")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing with the production hasher's full work factor would dominate the suite's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
