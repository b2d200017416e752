"""Races on purpose: calls that must not both win, started in threads at the same moment."""

import threading

from django.db import connection


def run_at_once(*calls, timeout: float = 60) -> list:
    """Run each call in its own thread and database connection, all released at the same
    moment. Returns, per call, what it returned or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported by the caller's assertions
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
