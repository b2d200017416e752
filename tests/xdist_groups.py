"""pytest-xdist's groups (`--dist loadgroup`): tests that one worker runs one after another.

A module whose tests share a fixture of the suite's own with a wider scope than a test (the
Vejle data of the browser audit, the form fuzz's walk) is a group, so that the fixture is built
once, not once per worker or again after every test of another module in between; a test may
name its own group with `pytest.mark.xdist_group` (the page audit is split into a few). The
other tests are spread over the workers one by one.

pytest-xdist 3.8 tells its controller a test's group by renaming the test's node id on the
worker, which pytest 9.2 no longer lets it do (the id is kept elsewhere): its groups would fall
apart without a word. So the workers write the groups they find to a file, and the controller's
scheduler (`Scheduling`) reads it when it splits the work, after every worker has collected.
"""

import json
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest

_WORKERINPUT_KEY = "tests-xdist-groups"
_FOLDER = pytest.StashKey[Path]()
_SHARED_SCOPES = {"class", "module", "package"}


def group_of(item: pytest.Item) -> str | None:
    """The item's xdist group: its own mark's, else its module's if it shares a fixture."""
    mark = item.get_closest_marker("xdist_group")
    if mark:
        return str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
    fixtureinfo = getattr(item, "_fixtureinfo", None)
    if fixtureinfo and any(
        definitions[-1].scope in _SHARED_SCOPES and definitions[-1].baseid.startswith("tests")
        for definitions in fixtureinfo.name2fixturedefs.values()
    ):
        return item.nodeid.split("::", 1)[0]
    return None


def configure_controller(config: pytest.Config) -> None:
    if getattr(config.option, "dist", "no") == "loadgroup" and not hasattr(config, "workerinput"):
        config.stash[_FOLDER] = Path(tempfile.mkdtemp(prefix="xdist-groups-"))


def unconfigure_controller(config: pytest.Config) -> None:
    folder = config.stash.get(_FOLDER, None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def configure_node(node) -> None:
    """Controller, for each worker it starts: where to write the groups."""
    folder = node.config.stash.get(_FOLDER, None)
    if folder:
        node.workerinput[_WORKERINPUT_KEY] = str(folder)


def unique_node_ids(items: list[pytest.Item]) -> None:
    """Every test its own node id: pytest-xdist's controller schedules tests by node id, so of
    tests that share one it runs the first only, without a word.

    pytest 9.2 builds a test's id from its function's name and its parametrization; schemathesis
    names each API operation's test `test_x[GET /api/v1/plans]` but makes no parametrization, so
    all the operations of one test function had the id `…::test_x`, and 25 of the API schema's
    tests never ran under xdist. Such a test gets its operation as its id's parameters. Any id
    still shared after that stops the run."""
    counts = Counter(item.nodeid for item in items)
    for item in items:
        label = getattr(item, "operation_label", None)  # schemathesis's SchemathesisFunction
        if label and counts[item.nodeid] > 1 and item.id.params is None:
            item._id = item.id.with_params(label)
    shared = sorted(nodeid for nodeid, n in Counter(i.nodeid for i in items).items() if n > 1)
    if shared:
        raise pytest.UsageError(
            f"{len(shared)} node ids are shared by several tests, and pytest-xdist would run "
            f"only one of each: {', '.join(shared[:5])}"
        )


def write_groups(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Worker, after collection: every grouped test's node id and group."""
    folder = getattr(config, "workerinput", {}).get(_WORKERINPUT_KEY)
    if not folder:
        return
    groups = {item.nodeid: group for item in items if (group := group_of(item))}
    path = Path(folder) / f"{os.environ.get('PYTEST_XDIST_WORKER', 'worker')}.json"
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(groups), encoding="utf-8")
    partial.replace(path)  # the controller never reads half a file


def make_scheduler(config: pytest.Config, log):
    from xdist.scheduler import LoadGroupScheduling

    folder = config.stash.get(_FOLDER, None)
    if folder is None:
        return None

    class Scheduling(LoadGroupScheduling):
        """xdist's own loadgroup scheduling, with the groups the workers wrote."""

        _groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self._groups is None:  # all workers have collected (and written) by now
                self._groups = {}
                for path in sorted(folder.glob("*.json")):
                    self._groups.update(json.loads(path.read_text(encoding="utf-8")))
            return self._groups.get(nodeid) or super()._split_scope(nodeid)

    return Scheduling(config, log)
