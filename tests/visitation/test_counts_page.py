"""The counts page (bestand) at any size of municipality: the table per institution is paged,
every row stays reachable, the queries and the bytes do not grow with the institutions."""

import datetime as dt

import pytest
from django.urls import reverse

from omstilling.models import Institution
from tests.factories import InstitutionFactory, SpecialOfferCountFactory
from visitation.models import Level, SpecialOfferCount

pytestmark = pytest.mark.django_db

URL = reverse("visitation:counts")
QUARTER = dt.date(2026, 7, 1)


def _institutions_counted(count: int) -> list[Institution]:
    """`count` more schools, each with the latest quarter's count for both levels."""
    start = Institution.objects.count()
    made = Institution.objects.bulk_create(
        InstitutionFactory.build(name=f"Skole {start + n:04d} (demo)") for n in range(count)
    )
    SpecialOfferCount.objects.bulk_create(
        SpecialOfferCountFactory.build(institution=institution, quarter=QUARTER, level=level)
        for institution in made
        for level in (Level.DAGTILBUD, Level.SKOLE)
    )
    return made


@pytest.fixture
def logged_in(client, visitation):
    client.force_login(visitation)
    return client


def test_the_queries_do_not_grow_with_the_institutions(logged_in, django_assert_num_queries):
    _institutions_counted(3)
    # session, user, the frame (plan, notifications), the quarters, the imports, the table's
    # count and its page
    with django_assert_num_queries(8):
        logged_in.get(URL)

    _institutions_counted(300)
    with django_assert_num_queries(8):
        logged_in.get(URL)


def test_the_page_stays_the_same_size_with_ten_times_the_institutions(logged_in):
    _institutions_counted(30)  # more than a page of rows
    small = len(logged_in.get(URL).content)

    _institutions_counted(300)
    large = len(logged_in.get(URL).content)

    assert large <= 1.2 * small


def test_every_row_stays_reachable_on_its_page(logged_in):
    last = _institutions_counted(30)[-1]  # the last school's skole row is the table's last

    first_page = logged_in.get(URL).content.decode()
    second_page = logged_in.get(URL + "?side=2").content.decode()

    assert "Viser 1–50 af 60." in first_page
    assert 'href="?side=2"' in first_page
    row = f'<th scope="row">{last.name}</th><td>Skole</td>'
    assert row not in first_page
    assert row in second_page
