"""Compiling a report in the web process when there is no broker (the embedded default).

Without a broker Celery runs a task in-process (CELERY_TASK_ALWAYS_EAGER), so a request that
asked for a report would wait for the whole PDF (25–45 seconds). Instead the compile task is
handed to one background thread owned by the reports app: the request answers at once, the
archive shows the report "i kø" and then "udarbejdes" and polls its row, exactly as with a
worker. One thread, so two reports never compile at once in a web process; each job closes its
database connections when it ends, so the thread never holds one between reports.

What a worker gives and this does not: the time limits (the stale-report rule still shows a
report that never finishes as failed, with "Prøv igen") and surviving a restart of the web
process (a report being compiled then is lost, and likewise shown as failed). With a broker
(CELERY_BROKER_URL) none of this is used. Tests run the task inline (REPORT_COMPILE_IN_THREAD
off, tests/conftest.py) so that it sees the test's own transaction.
"""

import atexit
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from celery import Task
from django.db import connections

logger = logging.getLogger(__name__)

_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-compile")
            atexit.register(_executor.shutdown, wait=False, cancel_futures=True)
        return _executor


def _run(task: Task, args: tuple) -> None:
    try:
        # In-process, as Celery runs a task without a broker; the task marks its own failure.
        task.apply(args=args, throw=True)
    except Exception:  # noqa: BLE001 - the report already says why; the log keeps the trace
        logger.exception("Rapport: %s%r fejlede i baggrunden", task.name, args)
    finally:
        connections.close_all()


def run_in_background(task: Task, *args) -> Future:
    """Run `task` with `args` in the reports app's background thread, after those before it."""
    return _pool().submit(_run, task, args)


def wait_until_idle(timeout: float | None = None) -> None:
    """Wait until every job handed over so far has ended: they run one after another."""
    _pool().submit(lambda: None).result(timeout=timeout)
