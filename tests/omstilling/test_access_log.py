"""The access log as the pages that list child-level rows write it: access_log_record_rows (the
rows a list shows, one entry each, in one INSERT) and the indexes each entry costs."""

import pytest
from django.db import connection
from django.utils import timezone

from omstilling.models import AccessLog
from omstilling.services import access_log_record_rows
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _entries(before: int) -> list[AccessLog]:
    return list(AccessLog.objects.order_by("pk")[before:])


def test_it_writes_one_complete_entry_per_row_in_the_order_given(django_assert_num_queries):
    user = UserFactory(username="visitation")
    rows = [("visitation.PreReferral", 7), ("visitation.Referral", 12), ("visitation.Referral", 3)]
    before = AccessLog.objects.count()
    start = timezone.now()

    with django_assert_num_queries(1):
        access_log_record_rows(user=user, action="list", rows=rows, path="/visitation/")

    entries = _entries(before)
    assert [(e.model, e.object_id) for e in entries] == [
        ("visitation.PreReferral", "7"),
        ("visitation.Referral", "12"),
        ("visitation.Referral", "3"),
    ]
    assert {(e.user_id, e.username, e.action, e.path) for e in entries} == {
        (user.pk, "visitation", "list", "/visitation/")
    }
    # Shown at once: one time for all, the time of the request.
    (at,) = {e.at for e in entries}
    assert start <= at <= timezone.now()
    assert at.tzinfo is not None


def test_it_cuts_the_values_to_their_columns_as_access_log_record_does():
    user = UserFactory()
    before = AccessLog.objects.count()

    access_log_record_rows(
        user=user, action="list", rows=[("m" * 150, "9" * 80)], path="/" + "p" * 400
    )

    (entry,) = _entries(before)
    assert (len(entry.model), len(entry.object_id), len(entry.path)) == (100, 64, 300)


def test_it_writes_nothing_for_an_empty_list(django_assert_num_queries):
    user = UserFactory()
    with django_assert_num_queries(0):
        access_log_record_rows(user=user, action="list", rows=[], path="/visitation/")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's catalogue")
def test_the_table_has_one_index_per_question_asked_of_it():
    """Each index is paid for by every row a list shows: the key, when, who (the foreign key),
    which row. None on the username, which no query filters on."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT array_agg(a.attname::text ORDER BY k.n)
            FROM pg_index i
            CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = %s::regclass
            GROUP BY i.indexrelid
            """,
            [AccessLog._meta.db_table],
        )
        indexed = sorted(tuple(columns) for (columns,) in cursor.fetchall())

    assert indexed == [("at",), ("id",), ("model", "object_id"), ("user_id",)]
