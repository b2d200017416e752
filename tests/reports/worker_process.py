"""A real Celery worker *process* for the report tests (tests/reports/test_report_worker.py):
`celery worker` in prefork mode with one child, in its own process group so that a test can
kill it with SIGKILL as a crashed machine or an OOM-killed container would be.

Run as `python -m tests.reports.worker_process`, it wraps the PDF renderer before the worker
starts (the prefork child inherits the wrapper): the wrapper touches `rendering` in the folder
REPORT_HOOK_DIR names, and while a file `block` lies there it waits, as a long compile would.
With a file `outlast` there it also ignores the soft time limit, so only the hard limit stops
it. Without REPORT_HOOK_DIR nothing is wrapped. The hook lives here, never in the portal's code.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection


def _wait_while_blocked(hook: Path) -> None:
    from celery.exceptions import SoftTimeLimitExceeded

    while (hook / "block").exists():
        try:
            time.sleep(0.05)
        except SoftTimeLimitExceeded:
            if not (hook / "outlast").exists():
                raise


def _install_hook(hook: Path) -> None:
    from reports.archive import compiler

    real_render = compiler.render_report

    def render_report(snapshot):
        (hook / "rendering").touch()
        _wait_while_blocked(hook)
        return real_render(snapshot)

    compiler.render_report = render_report


def main() -> None:
    import django

    django.setup()
    if os.environ.get("REPORT_HOOK_DIR"):
        _install_hook(Path(os.environ["REPORT_HOOK_DIR"]))
    from omstilling.celery import app

    if os.environ.get("BROKER_KEY_PREFIX"):
        # The test process's prefix (tests/conftest.py): its queue, not another test run's.
        app.conf.broker_transport_options = {
            **app.conf.broker_transport_options,
            "global_keyprefix": os.environ["BROKER_KEY_PREFIX"],
        }
    app.worker_main(
        [
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            f"--hostname=report-test-{uuid.uuid4().hex[:8]}@%h",
        ]
    )


def _database_url() -> str:
    """The test database as a URL for the worker process: with pytest-django it is
    `test_<name>`, a real database on PostgreSQL that another process can open."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    def __init__(self, process: subprocess.Popen, log: Path):
        self.process = process
        self.log = log

    def kill(self) -> None:
        """SIGKILL to the worker and its child at once: nothing is acknowledged or cleaned up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]


@contextmanager
def worker_process(folder: Path, hook: Path | None = None, **env: str) -> Iterator[WorkerProcess]:
    """A worker process on the configured broker and the test database, with `env` (e.g. the
    time limits) added to its environment; stopped (SIGTERM) at the end if still running."""
    from omstilling.celery import app

    folder.mkdir(parents=True, exist_ok=True)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "omstilling.settings",
        "DEBUG": "1",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONPATH": str(settings.BASE_DIR),
        "BROKER_KEY_PREFIX": app.conf.broker_transport_options.get("global_keyprefix", ""),
        **env,
    }
    environment.pop("REPORT_HOOK_DIR", None)
    if hook is not None:
        environment["REPORT_HOOK_DIR"] = str(hook)
    log = folder / f"worker-{len(list(folder.glob('worker-*.log')))}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "tests.reports.worker_process"],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = WorkerProcess(process, log)
    try:
        yield worker
    finally:
        worker.stop()


if __name__ == "__main__":
    main()
