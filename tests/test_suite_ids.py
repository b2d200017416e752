"""The suite's own collection: every test has its own node id, so that pytest-xdist, which
schedules by id, runs every test (tests/xdist_groups.unique_node_ids)."""

from collections import Counter

import pytest
from _pytest.nodeid import NodeId

from tests.xdist_groups import unique_node_ids


def test_every_collected_test_has_its_own_node_id(request):
    ids = Counter(item.nodeid for item in request.session.items)

    assert [nodeid for nodeid, n in ids.items() if n > 1] == []
    # schemathesis's tests, one per API operation, are told apart by the operation
    operations = [i for i in ids if "test_api_schema.py" in i and i.endswith("/api/v1/plans]")]
    assert len(operations) == 1 or not any("test_api_schema.py" in i for i in ids)


class _Item:
    def __init__(self, nodeid: str, operation_label: str | None = None):
        self._id = NodeId.parse(nodeid)
        if operation_label:
            self.operation_label = operation_label

    @property
    def id(self) -> NodeId:
        return self._id

    @property
    def nodeid(self) -> str:
        return str(self._id)


def test_an_api_operations_test_gets_the_operation_in_its_id():
    items = [
        _Item("tests/t.py::test_api", "GET /plans"),
        _Item("tests/t.py::test_api", "GET /plans/{slug}"),
        _Item("tests/t.py::test_other"),
    ]

    unique_node_ids(items)

    assert [i.nodeid for i in items] == [
        "tests/t.py::test_api[GET /plans]",
        "tests/t.py::test_api[GET /plans/{slug}]",
        "tests/t.py::test_other",
    ]


def test_tests_that_still_share_an_id_stop_the_run():
    with pytest.raises(pytest.UsageError, match="tests/t.py::test_x"):
        unique_node_ids([_Item("tests/t.py::test_x"), _Item("tests/t.py::test_x")])
