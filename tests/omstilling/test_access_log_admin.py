"""The access log's page in the admin at scale: the log is never pruned, so the change list asks
it nothing an index does not answer (no DISTINCT over the entries for the filters' choices, no
date drill-down), and the search finds a user's or a row's entries exactly."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from omstilling.admin import AccessLogAdmin, access_log_datatypes
from omstilling.models import AccessLog
from omstilling.services import access_log_record_rows
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:omstilling_accesslog_changelist"
DATATYPES = ["supportsystem.Forloeb", "visitation.PreReferral", "visitation.Referral"]


@pytest.fixture(name="log")
def log_fixture():
    """Entries of three datatypes by two users: row 12 and row 123 of each datatype."""
    visitation = UserFactory(username="visitation")
    leader = UserFactory(username="leder")
    for user, action in ((visitation, "list"), (leader, "read")):
        access_log_record_rows(
            user=user,
            action=action,
            rows=[(datatype, pk) for datatype in reversed(DATATYPES) for pk in (12, 123)] * 5,
            path="/visitation/",
        )
    return {"visitation": visitation, "leder": leader}


def _rows(html: str) -> str:
    start = html.index('id="result_list"')
    return html[start : html.index("</table>", start)]


def test_the_datatypes_are_found_one_index_step_each(log, django_assert_num_queries):
    # one step per datatype, and one that finds none after the last
    with django_assert_num_queries(len(DATATYPES) + 1) as captured:
        assert access_log_datatypes() == DATATYPES

    assert not [q["sql"] for q in captured.captured_queries if "DISTINCT" in q["sql"].upper()]


def test_no_datatypes_in_an_empty_log():
    assert access_log_datatypes() == []


def test_the_change_list_reads_the_whole_log_for_none_of_its_filters(client, admin_user, log):
    client.force_login(admin_user)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    html = response.content.decode()
    sql = " ".join(q["sql"].upper() for q in captured.captured_queries)
    assert "DISTINCT" not in sql  # the datatypes (DatatypeFilter), not `list_filter = "model"`
    assert "TRUNC" not in sql  # no date drill-down's dates (django_datetime_trunc, DATE_TRUNC)
    for datatype in DATATYPES:
        assert f"?model__exact={datatype}" in html
    assert ">Henvisning</a>" in html and ">Før-henvisning</a>" in html  # named as people do
    assert "De sidste 7 dage" in html  # the period is a date filter (Django's own)
    assert 'id="result_list"' in html


def test_a_datatype_is_filtered_by_the_field_filters_own_parameter(client, admin_user, log):
    client.force_login(admin_user)

    html = client.get(reverse(CHANGELIST), {"model__exact": "supportsystem.Forloeb"}).content
    rows = _rows(html.decode())

    assert "supportsystem.Forloeb" in rows
    assert "visitation.Referral" not in rows and "visitation.PreReferral" not in rows


def _found(client, term: str) -> set[tuple[str, str, str]]:
    response = client.get(reverse(CHANGELIST), {"q": term})
    assert response.status_code == 200
    entries = response.context["cl"].result_list
    return {(entry.username, entry.model, entry.object_id) for entry in entries}


def test_the_search_finds_a_users_entries_by_the_present_username(client, admin_user, log):
    client.force_login(admin_user)

    found = _found(client, " VISITATION ")

    assert {username for username, _, _ in found} == {"visitation"}
    assert len(found) == 2 * len(DATATYPES)
    # A username changes; the entries keep the name they were written with and are still found.
    log["visitation"].username = "visitation-ny"
    log["visitation"].save(update_fields=["username"])
    assert {username for username, _, _ in _found(client, "visitation-ny")} == {"visitation"}


def test_the_search_finds_a_rows_entries_exactly(client, admin_user, log):
    client.force_login(admin_user)

    found = _found(client, "12")

    assert {object_id for _, _, object_id in found} == {"12"}  # not 123
    assert {model for _, model, _ in found} == set(DATATYPES)
    assert {username for username, _, _ in found} == {"visitation", "leder"}


@pytest.mark.parametrize("term", ["visit", "Referral", "2", "<script>alert(1)</script>", "ø" * 500])
def test_the_search_is_not_a_substring_search(client, admin_user, log, term):
    client.force_login(admin_user)

    assert _found(client, term) == set()


def test_an_empty_search_lists_everything(client, admin_user, log):
    client.force_login(admin_user)

    response = client.get(reverse(CHANGELIST), {"q": "   "})

    assert response.context["cl"].result_count == AccessLog.objects.count()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plans")
def test_the_search_and_the_datatypes_are_answered_by_indexes(rf, admin_user, log):
    """With sequential scans switched off, the search is the user's and the row's index
    combined, not a walk along another index that filters every entry; each datatype is one
    step in the (model, object_id) index."""
    request = rf.get("/")
    request.user = admin_user
    model_admin = AccessLogAdmin(AccessLog, None)
    searched, _ = model_admin.get_search_results(request, AccessLog.objects.all(), "visitation")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        search = searched.order_by().explain()
        datatype = AccessLog.objects.filter(model__gt="a").order_by("model").values("model")[:1]
        step = datatype.explain()

    assert "BitmapOr" in search, search
    assert "accesslog_row_idx" in search and "omstilling_accesslog_user_id" in search, search
    assert "Index Only Scan using accesslog_row_idx" in step, step


def test_no_counts_are_offered_beside_the_filters(client, admin_user, log):
    client.force_login(admin_user)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(CHANGELIST), {"_facets": "True"})

    assert response.status_code == 200
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1, counts  # the list's own count only
