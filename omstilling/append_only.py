"""History is appended and kept: the database refuses to change or delete it (PostgreSQL).

The models already refuse it in Python (their `save`/`delete`) and the admin offers no delete;
this is the floor under both, so no path through the application — a queryset `update()` or
`delete()`, a cascade, a shell — can rewrite history. On PostgreSQL a trigger on each
append-only table raises on UPDATE and DELETE. The one exception is retention: child-level rows
are deleted by the retention job, which marks its own transaction (`retention_deletes`) and
may then delete from the tables whose trigger allows it. Nothing else sets that mark.

SQLite (the embedded default for development) has no such triggers; the Python guards hold
there.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from django.db import connection, migrations, transaction

RETENTION_SETTING = "omstilling.retention"

_FUNCTION = """
CREATE OR REPLACE FUNCTION omstilling_append_only() RETURNS trigger AS $$
BEGIN
    -- TG_ARGV[0] = 'retention': the retention job may delete (never update) these rows.
    IF TG_OP = 'DELETE' AND TG_ARGV[0] = 'retention'
       AND current_setting('omstilling.retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'omstilling: % on % refused: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

-- A report is filled in while it is compiled; once finished it is a document of record.
CREATE OR REPLACE FUNCTION omstilling_report_of_record() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.state <> 'faerdig' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'omstilling: % on % refused: a finished report is never changed and no '
        'report is deleted', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""

_DROP_FUNCTION = """
DROP FUNCTION IF EXISTS omstilling_append_only() CASCADE;
DROP FUNCTION IF EXISTS omstilling_report_of_record() CASCADE;
"""


def _on_postgresql(schema_editor, sql: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(sql, params=None)


def _trigger_sql(table: str, function: str, argument: str) -> str:
    name = f"{table}_append_only"
    return (
        f'DROP TRIGGER IF EXISTS "{name}" ON "{table}";'
        f'CREATE TRIGGER "{name}" BEFORE UPDATE OR DELETE ON "{table}" '
        f"FOR EACH ROW EXECUTE FUNCTION {function}('{argument}');"
    )


def _drop_trigger_sql(table: str) -> str:
    return f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";'


def install_functions() -> migrations.RunPython:
    """Migration operation: the trigger functions (in the core's migrations)."""
    return migrations.RunPython(
        lambda apps, schema_editor: _on_postgresql(schema_editor, _FUNCTION),
        lambda apps, schema_editor: _on_postgresql(schema_editor, _DROP_FUNCTION),
        elidable=False,
    )


def protect(*tables: str, retention: bool = False) -> migrations.RunPython:
    """Migration operation: refuse UPDATE and DELETE on `tables`; with `retention`, the
    retention job may delete."""
    argument = "retention" if retention else "never"
    sql = "".join(_trigger_sql(t, "omstilling_append_only", argument) for t in tables)
    drop = "".join(_drop_trigger_sql(t) for t in tables)
    return migrations.RunPython(partial(_run, sql=sql), partial(_run, sql=drop), elidable=False)


def refuse_delete(table: str) -> migrations.RunPython:
    """Migration operation: rows of `table` may change (it holds a current state whose history
    is kept elsewhere) but are never deleted."""
    name = f"{table}_no_delete"
    sql = (
        f'DROP TRIGGER IF EXISTS "{name}" ON "{table}";'
        f'CREATE TRIGGER "{name}" BEFORE DELETE ON "{table}" '
        f"FOR EACH ROW EXECUTE FUNCTION omstilling_append_only('never');"
    )
    drop = f'DROP TRIGGER IF EXISTS "{name}" ON "{table}";'
    return migrations.RunPython(partial(_run, sql=sql), partial(_run, sql=drop), elidable=False)


def protect_reports(table: str) -> migrations.RunPython:
    """Migration operation: a report row may change until it is finished; never be deleted."""
    return migrations.RunPython(
        partial(_run, sql=_trigger_sql(table, "omstilling_report_of_record", "")),
        partial(_run, sql=_drop_trigger_sql(table)),
        elidable=False,
    )


def _run(apps, schema_editor, *, sql: str) -> None:
    _on_postgresql(schema_editor, sql)


@contextmanager
def retention_deletes() -> Iterator[None]:
    """Mark the current transaction as the retention job's: it may delete child-level history
    (the tables protected with `retention=True`). Only the retention services use this."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [RETENTION_SETTING])
        yield
