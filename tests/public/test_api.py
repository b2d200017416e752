"""The open data (/api/v1/): read-only JSON and CSV of the public data, for public plans only."""

import pytest
from django.core.cache import cache

from omstilling.models import AccessLog
from tests.factories import InitiativeFactory, InvestmentFactory, UserFactory
from tracks.models import Initiative

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _lists(slug):
    return [f"{API}/plans/{slug}/{name}" for name in ("spor", "initiatives", "recommendations")]


def _csvs(slug):
    names = ("spor", "initiatives", "milestones", "recommendations", "investments", "outcomes")
    return [f"{API}/plans/{slug}/{name}.csv" for name in names]


def test_every_answer_carries_the_date_of_its_data(client, public_plan):
    slug = public_plan.slug
    urls = [
        f"{API}/plans",
        f"{API}/plans/{slug}",
        *_lists(slug),
        f"{API}/plans/{slug}/investments",
        f"{API}/plans/{slug}/outcomes",
    ]

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.json()["data_date"], url
        assert response["ETag"] and response["Last-Modified"], url


def test_the_plan_list_names_only_public_plans(client, public_plan, plan):
    items = client.get(f"{API}/plans").json()["items"]

    assert [item["slug"] for item in items] == [public_plan.slug]


def test_a_plan_that_is_not_public_answers_404_everywhere(client, public_plan):
    public_plan.is_public = False
    public_plan.save()
    slug = public_plan.slug
    initiative = Initiative.objects.get(plan=public_plan)
    urls = [
        f"{API}/plans/{slug}",
        *_lists(slug),
        *_csvs(slug),
        f"{API}/plans/{slug}/investments",
        f"{API}/plans/{slug}/outcomes",
        f"{API}/plans/{slug}/initiatives/{initiative.pk}",
    ]

    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)
    assert not AccessLog.objects.exists()


def test_tiltag_come_with_their_milestones_and_stable_ids(client, public_plan):
    initiative = Initiative.objects.get(plan=public_plan)

    listed = client.get(f"{API}/plans/{public_plan.slug}/initiatives").json()["items"]
    one = client.get(f"{API}/plans/{public_plan.slug}/initiatives/{initiative.pk}").json()

    assert [item["id"] for item in listed] == [initiative.pk]
    assert one["id"] == initiative.pk and one["slug"] == initiative.slug
    assert [m["title"] for m in one["milestones"]] == ["Forløbet er i gang"]
    assert one["milestones"][0]["state"] == "forsinket"


def test_lists_are_paged(client, public_plan):
    spor = public_plan.spor.get()
    for _ in range(60):
        InitiativeFactory(plan=public_plan, spor=spor)
    url = f"{API}/plans/{public_plan.slug}/initiatives"

    first = client.get(url).json()
    second = client.get(url, {"page": 2}).json()
    beyond = client.get(url, {"page": 3}).json()

    assert (first["count"], first["pages"], len(first["items"])) == (61, 2, 50)
    assert first["next"].endswith("?page=2") and first["previous"] is None
    assert len(second["items"]) == 11 and second["next"] is None
    assert beyond["items"] == []
    assert {i["id"] for i in first["items"]}.isdisjoint(i["id"] for i in second["items"])
    assert client.get(url, {"page": 0}).status_code == 422


def test_a_conditional_get_answers_304_until_the_data_changes(client, public_plan):
    url = f"{API}/plans/{public_plan.slug}/initiatives"
    first = client.get(url)

    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304

    InitiativeFactory(plan=public_plan, spor=public_plan.spor.get())

    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed.json()["count"] == 2


def test_each_list_downloads_as_csv(client, public_plan):
    for url in _csvs(public_plan.slug):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "text/csv; charset=utf-8", url
        assert response["Content-Disposition"].startswith("attachment"), url
        assert response.content.startswith(b"\xef\xbb\xbf"), url

    tiltag = client.get(f"{API}/plans/{public_plan.slug}/initiatives.csv").content.decode()
    assert "Fælles kompetenceforløb" in tiltag


def test_a_client_past_the_rate_gets_429_with_retry_after(client, public_plan, settings):
    settings.PUBLIC_API_RATE = "3/m"
    cache.clear()
    url = f"{API}/plans/{public_plan.slug}"

    answers = [client.get(url).status_code for _ in range(4)]
    other_client = client.get(url, REMOTE_ADDR="10.0.0.9")

    assert answers == [200, 200, 200, 429]
    last = client.get(url)
    assert last.status_code == 429 and int(last["Retry-After"]) >= 1
    assert other_client.status_code == 200


def test_the_pool_only_when_the_plan_has_one(client, public_plan):
    url = f"{API}/plans/{public_plan.slug}/investments"

    assert client.get(url).json()["pool"] is None

    public_plan.funding_title = "Puljen"
    public_plan.funding_amount = 50_000_000
    public_plan.save()
    InvestmentFactory(plan=public_plan, state="kladde", amount=1_000_000)
    pool = client.get(url).json()["pool"]

    assert pool["granted"] == "50000000.00"
    assert pool["approved"] == "0.00"  # a draft counts nowhere


def test_an_owner_is_named_only_as_a_public_officeholder(client, public_plan):
    person = UserFactory(first_name="Hanne", last_name="Holm", role="initiativejer")
    Initiative.objects.filter(plan=public_plan).update(owner=person)
    url = f"{API}/plans/{public_plan.slug}/initiatives"

    assert client.get(url).json()["items"][0]["owner"] is None

    person.is_public_officeholder = True
    person.save()

    assert client.get(url).json()["items"][0]["owner"] == "Hanne Holm"


def test_the_schema_and_its_documentation_are_served(client):
    schema = client.get(f"{API}/openapi.json")
    docs = client.get(f"{API}/docs")

    assert schema.status_code == 200
    assert schema.json()["info"]["version"] == "1"
    assert docs.status_code == 200
    assert b"cdn." not in docs.content  # our own static files, as the CSP demands


def test_the_api_reads_only(client, public_plan):
    url = f"{API}/plans/{public_plan.slug}/initiatives"

    assert client.post(url).status_code == 405
    assert client.delete(url).status_code == 405


def test_a_conditional_get_counts_against_the_rate_too(client, public_plan, settings):
    settings.PUBLIC_API_RATE = "2/m"
    cache.clear()
    url = f"{API}/plans/{public_plan.slug}"
    etag = client.get(url)["ETag"]

    answers = [client.get(url, HTTP_IF_NONE_MATCH=etag).status_code for _ in range(2)]

    assert answers == [304, 429]


def test_the_open_data_reads_in_few_queries_however_big_the_plan(
    client, public_plan, django_assert_max_num_queries
):
    url = f"{API}/plans/{public_plan.slug}/initiatives"
    client.get(url)
    with django_assert_max_num_queries(3):  # the plan, its stamp (the data is cached)
        client.get(url)

    spor = public_plan.spor.get()
    for _ in range(40):
        InitiativeFactory(plan=public_plan, spor=spor)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.json()["count"] == 41
