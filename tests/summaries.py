"""What tests gather for the end of the run: the accessibility audit's list of pages
(tests/browser) and the form fuzz's summary (tests/security).

A test adds an item with `gather(config, name, item)`; the run's end prints and writes what was
gathered (tests/conftest.py). Under pytest-xdist each worker sends what its tests gathered to the
controller with its `workeroutput`, and the controller merges it before the summary: the report
covers the whole run whichever worker ran which test. Items are plain JSON values, and whoever
writes a report sorts them, so that it does not depend on the order the tests ran in.
"""

import json

import pytest

GATHERED = pytest.StashKey[dict[str, list]]()
_WORKEROUTPUT_KEY = "tests-gathered"


def gather(config: pytest.Config, name: str, item) -> None:
    config.stash.setdefault(GATHERED, {}).setdefault(name, []).append(item)


def gathered(config: pytest.Config, name: str) -> list:
    return config.stash.get(GATHERED, {}).get(name, [])


def send_to_controller(config: pytest.Config) -> None:
    """On an xdist worker, at the end of its session: hand what was gathered to the controller."""
    if hasattr(config, "workeroutput"):
        config.workeroutput[_WORKEROUTPUT_KEY] = json.dumps(config.stash.get(GATHERED, {}))


def receive_from_worker(config: pytest.Config, workeroutput: dict) -> None:
    """On the controller, when a worker is done: add what it gathered."""
    for name, items in json.loads(workeroutput.get(_WORKEROUTPUT_KEY, "{}")).items():
        for item in items:
            gather(config, name, item)
