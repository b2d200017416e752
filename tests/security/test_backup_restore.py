"""Backup and restore round trip on the real PostgreSQL (CI runs the suite there).

The portal's data (the Vejle plan and rows of the other apps, child-level rows included)
is dumped with scripts/backup.sh, restored with scripts/restore.sh into a freshly created
scratch database, and every table is compared: row count and a checksum of its rows, and every
sequence's position, so that new rows after a restore do not collide with old ones.
"""

import subprocess
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests import factories

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the round trip runs on PostgreSQL (as in CI)"
)

TABLE_FINGERPRINTS = """
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name
"""


def _url(database: str) -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    return f"postgresql://{auth}@{host}:{db['PORT'] or 5432}/{database}"


def _fingerprint(url: str) -> dict[str, tuple]:
    """Each table's row count and checksum of its rows; each sequence's last value."""
    with psycopg.connect(url) as conn:
        tables = [row[0] for row in conn.execute(TABLE_FINGERPRINTS)]
        result = {}
        for table in tables:
            result[table] = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), ''))"  # noqa: S608
                f' FROM "{table}" t'
            ).fetchone()
        for name, value in conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        ):
            result[f"sequence {name}"] = (value,)
    return result


def _run(script: str, *args: str, url: str) -> None:
    result = subprocess.run(
        ["bash", str(settings.BASE_DIR / "scripts" / script), *args],
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def scratch_database():
    """A new, empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"
    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_holds_the_same_data(tmp_path, scratch_database):
    call_command("load_plan", verbosity=0)
    factories.SpendingFactory()  # an investment with its decision path and spending
    factories.ForloebFactory()  # a support-system course
    factories.ReferralFactory()  # a child-level row
    source = _url(connection.settings_dict["NAME"])
    dump = tmp_path / "portal.dump"

    _run("backup.sh", str(dump), url=source)
    _run("restore.sh", str(dump), url=_url(scratch_database))

    original, restored = _fingerprint(source), _fingerprint(_url(scratch_database))
    assert original["omstilling_user"][0] > 0
    assert original["visitation_referral"][0] == 1
    assert original["tracks_initiative"][0] > 10
    assert restored == original


def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    """Restoring over live data would mix two states: the script stops and changes nothing."""
    # A dump of one table restored twice into the same database: the second run must fail.
    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        name = f"{connection.settings_dict['NAME']}_nonempty"
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(_url(name), autocommit=True) as conn:
            conn.execute("CREATE TABLE t (n int)")
            conn.execute("INSERT INTO t VALUES (1)")
        dump = tmp_path / "t.dump"
        _run("backup.sh", str(dump), url=_url(name))
        result = subprocess.run(
            ["bash", str(settings.BASE_DIR / "scripts" / "restore.sh"), str(dump)],
            env={"PATH": "/usr/bin:/bin", "DATABASE_URL": _url(name)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode != 0
        with psycopg.connect(_url(name)) as conn:
            assert conn.execute("SELECT count(*) FROM t").fetchone() == (1,)
    finally:
        with psycopg.connect(_url("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
