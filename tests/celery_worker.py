"""A real Celery worker in a thread of the test process, consuming from the configured broker
(CI: Redis), for tests of the path that production takes."""

from collections.abc import Iterator
from contextlib import contextmanager

from celery.signals import task_postrun
from django.db import connection, connections

from omstilling.celery import app as celery_app


def _close_worker_connections(**_kwargs) -> None:
    # As a production worker does after each task (Celery's Django fix-up): the thread's own
    # database connection is closed, so none is left open on the test database at the end.
    connections.close_all()


@contextmanager
def celery_worker_thread() -> Iterator[object]:
    from celery.contrib.testing.worker import start_worker

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()  # messages left by earlier tests whose rows are gone
    task_postrun.connect(_close_worker_connections)
    try:
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=60
        ) as worker:
            yield worker
    finally:
        task_postrun.disconnect(_close_worker_connections)
        celery_app.conf.task_always_eager = previous
        connection.close()
