"""The workspace's paged lists come from the cache while nothing in them changed: a write shows
on the very next request, no viewer gets another's lists, every row shown is still logged, and
the page costs the same number of queries and about the same bytes at any data size."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from omstilling.cache import Family, bump
from omstilling.models import AccessLog, Role
from tests.factories import PreReferralFactory, ReferralFactory, UserFactory
from tests.visitation.conftest import NOW
from visitation.models import PreReferral, Referral
from visitation.services import child_rows_purge, referral_decide, referral_record

pytestmark = pytest.mark.django_db

URL = reverse("visitation:workspace")
# The detail pages' path segment, and the model each names.
LABELS = {"henvisninger": "visitation.Referral", "foer-henvisninger": "visitation.PreReferral"}


def _detail(referral) -> str:
    return reverse("visitation:referral_detail", args=[referral.pk])


def _many(school, *, count: int, by=None) -> None:
    """`count` henvisninger and før-henvisninger written at once (no signals: bumped here, as
    the seeders and imports do)."""
    Referral.objects.bulk_create(
        ReferralFactory.build(institution=school, recorded_by=by) for _ in range(count)
    )
    PreReferral.objects.bulk_create(
        PreReferralFactory.build(institution=school, recorded_by=by) for _ in range(count)
    )
    bump(Family.OUTCOMES)


def _listed(before: int) -> list[tuple[str, str, str]]:
    return list(
        AccessLog.objects.order_by("pk")[before:].values_list("action", "model", "object_id")
    )


@pytest.fixture
def logged_in(client, visitation):
    client.force_login(visitation)
    return client


# --- a write is visible on the very next request ----------------------------------------------


def test_a_new_referral_shows_on_the_next_request(logged_in, visitation, school, referral):
    assert _detail(referral) in logged_in.get(URL).content.decode()  # cached now

    new = referral_record(
        by=visitation,
        case_number="SAG-2026-0815",
        institution=school,
        age_group="skole_0",
        received_on=dt.date(2026, 11, 2),
    )

    assert _detail(new) in logged_in.get(URL).content.decode()


def test_a_decision_shows_on_the_next_request(logged_in, visitation, referral):
    assert "Ikke afgjort" in logged_in.get(URL).content.decode()

    referral_decide(
        by=visitation,
        referral=referral,
        decision="almen_med_stoette",
        decided_on=dt.date(2026, 11, 3),
    )

    page = logged_in.get(URL).content.decode()
    assert "Ikke afgjort" not in page
    assert "3. november 2026" in page


def test_a_renamed_institution_shows_on_the_next_request(logged_in, school, referral):
    assert "Skole A (demo)" in logged_in.get(URL).content.decode()

    school.name = "Skole Omdøbt (demo)"
    school.save()

    page = logged_in.get(URL).content.decode()
    assert "Skole Omdøbt (demo)" in page
    assert "Skole A (demo)" not in page


def test_a_case_deleted_by_retention_is_gone_on_the_next_request(logged_in, visitation, referral):
    referral_decide(
        by=visitation,
        referral=referral,
        decision="almen_med_stoette",
        decided_on=dt.date(2026, 11, 3),
    )
    assert _detail(referral) in logged_in.get(URL).content.decode()

    child_rows_purge(cutoff=dt.date(2026, 11, 4))

    assert _detail(referral) not in logged_in.get(URL).content.decode()


# --- no leak across viewers -------------------------------------------------------------------


def test_my_records_are_not_served_to_another_user(client, visitation, school):
    colleague = UserFactory(username="visitation2", role=Role.VISITATION)
    ours = ReferralFactory(institution=school, recorded_by=visitation)
    theirs = ReferralFactory(institution=school, recorded_by=colleague)

    client.force_login(visitation)
    mine = client.get(URL + "?mine=1").content.decode()
    client.force_login(colleague)
    their_mine = client.get(URL + "?mine=1").content.decode()

    assert _detail(ours) in mine and _detail(theirs) not in mine
    assert _detail(theirs) in their_mine and _detail(ours) not in their_mine


@pytest.mark.parametrize("persona", ["bfu", "chef"])
def test_other_roles_are_refused_after_the_lists_were_cached(
    client, request, visitation, referral, persona
):
    client.force_login(visitation)
    assert client.get(URL).status_code == 200

    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)

    assert response.status_code == 403
    assert _detail(referral).encode() not in response.content


def test_the_cached_lists_hold_nothing_of_the_first_query_string(logged_in, school):
    _many(school, count=45)

    logged_in.get(URL + "?side_h=2&spor=%3Cb%3Eindsat%3C%2Fb%3E")
    page = logged_in.get(URL + "?side_h=2").content.decode()

    assert "indsat" not in page
    assert 'href="?side_h=3"' in page
    assert 'href="?side_h=2&amp;side_f=2"' in page


# --- the search's field -------------------------------------------------------------------------


def test_the_empty_search_field_is_kept_with_the_lists(logged_in):
    logged_in.get(URL)

    response = logged_in.get(URL)

    assert "includes/field.html" not in [t.name for t in response.templates]
    page = response.content.decode()
    assert 'name="case_number"' in page and "Find en sag" in page


def test_a_search_renders_its_own_field_and_none_of_it_is_kept(logged_in, referral):
    logged_in.get(URL)

    typed = logged_in.post(URL, {"case_number": "SAG-2026-0000"}).content.decode()
    missing = logged_in.post(URL, {"case_number": ""}).content.decode()
    page = logged_in.get(URL).content.decode()

    assert 'value="SAG-2026-0000"' in typed
    assert "Skriv sagsnummeret fra kommunens sagssystem." in missing
    assert "SAG-2026-0000" not in page
    assert "Skriv sagsnummeret fra kommunens sagssystem." not in page
    assert 'name="case_number"' in page


# --- every row shown is logged, from the cache too --------------------------------------------


def test_every_row_shown_is_logged_also_when_the_lists_come_from_the_cache(
    logged_in, referral, pre_referral
):
    expected = [
        ("list", "visitation.PreReferral", str(pre_referral.pk)),
        ("list", "visitation.Referral", str(referral.pk)),
    ]
    before = AccessLog.objects.count()
    logged_in.get(URL)
    assert _listed(before) == expected

    before = AccessLog.objects.count()
    logged_in.get(URL)  # from the cache
    assert _listed(before) == expected


def test_each_request_logs_exactly_the_rows_it_shows_with_who_where_and_one_time(
    logged_in, visitation, school
):
    _many(school, count=25)  # a second page of henvisninger
    path = URL + "?side_h=2"
    for _ in range(2):  # built, then from the cache
        before = AccessLog.objects.count()
        with time_machine.travel(NOW, tick=True):  # a clock that runs, as in production
            page = logged_in.get(path).content.decode()

        entries = list(AccessLog.objects.order_by("pk")[before:])
        links = re.findall(r'href="/visitation/([a-z-]+)/(\d+)/"', page)
        shown = [(LABELS[kind], pk) for kind, pk in links]
        assert len(shown) == 20 + 5
        assert sorted((e.model, e.object_id) for e in entries) == sorted(shown)
        assert {(e.user_id, e.username, e.action, e.path) for e in entries} == {
            (visitation.pk, "visitation", "list", URL)
        }
        assert len({e.at for e in entries}) == 1  # shown at once, logged at once


# --- constant queries, bounded HTML -----------------------------------------------------------

# Session and user, the frame (the current plan, unread notifications), the access log's one
# INSERT; on a miss also the two lists' counts and rows.
QUERIES_HIT = 5
QUERIES_MISS = QUERIES_HIT + 4


def test_the_query_count_does_not_grow_with_the_data(
    logged_in, visitation, school, django_assert_num_queries
):
    _many(school, count=3, by=visitation)
    for path in (URL, URL + "?mine=1"):
        with django_assert_num_queries(QUERIES_MISS):
            logged_in.get(path)
        with django_assert_num_queries(QUERIES_HIT):
            logged_in.get(path)

    _many(school, count=400, by=visitation)
    for path in (URL, URL + "?mine=1", URL + "?side_h=7&side_f=9"):
        with django_assert_num_queries(QUERIES_MISS):
            logged_in.get(path)
        with django_assert_num_queries(QUERIES_HIT):
            logged_in.get(path)


def test_the_page_stays_the_same_size_with_ten_times_the_rows(logged_in, school):
    _many(school, count=40)  # two full pages of each list
    small = len(logged_in.get(URL).content)

    _many(school, count=400)
    large = len(logged_in.get(URL).content)

    assert large <= 1.2 * small
