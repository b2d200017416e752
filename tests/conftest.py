"""Named personas, one per role, on a small plan (style: alice/bob/charlie per role)."""

import pytest

from omstilling.models import Role
from omstilling.services import user_apply_role
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


def pytest_report_header(config):
    """Say which database and broker the suite runs against (CI checks for PostgreSQL)."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    name = {"postgresql": "PostgreSQL", "sqlite3": "SQLite"}.get(engine, engine)
    broker = "Redis" if settings.CELERY_BROKER_URL.startswith("redis") else "in-process (eager)"
    return f"database: {name}; celery broker: {broker}"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing with the production hasher's full work factor would dominate the suite's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
