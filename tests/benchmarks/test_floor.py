"""The page benchmark's server pieces (benchmarks/urls.py): the floor and the query counter."""

import re

import pytest

from benchmarks.urls import QUERY_HEADER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def benchmark_urls(settings):
    settings.ROOT_URLCONF = "benchmarks.urls"
    settings.MIDDLEWARE = ["benchmarks.urls.count_queries", *settings.MIDDLEWARE]


def test_it_serves_the_base_layout_with_an_empty_main(client, bfu):
    client.force_login(bfu)

    response = client.get("/floor/")

    main = re.search(r"<main[^>]*>(.*)</main>", response.content.decode(), re.S).group(1)
    assert response.status_code == 200
    assert response.templates[0].name == "base.html"
    assert re.sub(r"<div[^>]*live-region[^>]*></div>", "", main).strip() == ""


def test_the_floor_needs_a_log_in_like_every_page(client):
    response = client.get("/floor/")

    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/")


def test_it_counts_queries_only_when_asked(client, bfu):
    client.force_login(bfu)

    assert QUERY_HEADER not in client.get("/floor/")
    counted = client.get("/floor/", headers={QUERY_HEADER: "1"})

    assert int(counted[QUERY_HEADER]) >= 2  # the session and the user


def test_the_portal_urls_are_served_beside_it(client, bfu, plan):
    client.force_login(bfu)

    assert client.get("/plan/").status_code == 200
