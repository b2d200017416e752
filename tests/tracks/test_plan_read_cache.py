"""The plan overview and the tiltag list as cached fragments (issue 11): a write shows on the
very next request, a fragment cached for one role is never served to another, a hit costs a
fixed number of queries, and the HTML stays bounded as the plan grows."""

import datetime as dt
from urllib.parse import quote_plus as urlquote

import pytest
import time_machine
from django.urls import reverse

from omstilling.cache import Family, bump
from omstilling.models import User
from tests.factories import (
    InitiativeFactory,
    MilestoneFactory,
    SporFactory,
    UserFactory,
)
from tracks.models import Initiative

OVERVIEW = reverse("tracks:overview")
LIST = reverse("tracks:initiative_list")
MILESTONES = reverse("tracks:milestone_list")
ATTENTION = reverse("tracks:attention")

# A hit: 1. session  2. user  3. the viewed plan, which the page header reads too (one lookup
#   per request, omstilling.access.request_current_plan; before: a second)  4. the unread
#   notifications in the header. Nothing of the fragment is queried.
HIT_QUERIES = 4


def _bulk_initiatives(spor, area, n: int, *, owners: bool = False) -> None:
    """n more tiltag in `spor` without signals (as the seeders), each with an owner of its own
    when `owners`; the PLAN family is bumped by hand, as bulk writers do."""
    users = (
        User.objects.bulk_create(
            UserFactory.build(username=f"bulk-owner-{spor.pk}-{i}") for i in range(n)
        )
        if owners
        else [None] * n
    )
    Initiative.objects.bulk_create(
        InitiativeFactory.build(spor=spor, plan=spor.plan, lead_area=area, owner=user)
        for user in users
    )
    bump(Family.PLAN, Family.CORE)


# --- a write shows on the next request ------------------------------------------------------


@pytest.mark.parametrize("url", [OVERVIEW, LIST])
def test_a_tiltag_write_shows_on_the_next_request(client, chef, initiative, url):
    client.force_login(chef)
    assert initiative.title in client.get(url).content.decode()
    assert initiative.title in client.get(url).content.decode()  # from the cache

    initiative.title = "Et nyt navn til tiltaget"
    initiative.save()

    assert "Et nyt navn til tiltaget" in client.get(url).content.decode()


@pytest.mark.parametrize("url", [OVERVIEW, LIST])
def test_an_area_write_shows_on_the_next_request(client, chef, initiative, area, spor, url):
    spor.lead_areas.add(area)
    client.force_login(chef)
    client.get(url)

    area.name = "Omdøbt område"
    area.save()

    assert "Omdøbt område" in client.get(url).content.decode()


def test_the_attention_box_follows_the_day(client, chef, initiative):
    """Chefgruppen's "Kræver opmærksomhed" counts what is overdue today: the day is in the key."""
    MilestoneFactory(initiative=initiative, title="Frist i tredje kvartal")
    client.force_login(chef)
    with time_machine.travel(dt.datetime(2025, 8, 1, 12, tzinfo=dt.UTC)):
        html = client.get(OVERVIEW).content.decode()
        assert "Frist i tredje kvartal" not in html
    with time_machine.travel(dt.datetime(2025, 11, 1, 12, tzinfo=dt.UTC)):
        html = client.get(OVERVIEW).content.decode()
        assert "Frist i tredje kvartal" in html


# --- no leak across viewers -----------------------------------------------------------------


@pytest.mark.parametrize("first", ["chef", "bfu"])
def test_the_overview_shows_edit_links_to_chefgruppen_only(client, chef, bfu, initiative, first):
    """Whoever comes first, the fragment cached for one role is not served to the other."""
    edit = reverse("tracks:spor_edit", args=[initiative.spor.pk])
    assign = reverse("tracks:initiative_owner", args=[initiative.pk])
    initiative.owner = None
    initiative.save()
    viewers = {"chef": chef, "bfu": bfu}
    order = [first, *(v for v in viewers if v != first)]
    for name in order:
        client.force_login(viewers[name])
        html = client.get(OVERVIEW).content.decode()
        if name == "chef":
            assert edit in html and assign in html
        else:
            assert edit not in html and assign not in html


def test_the_list_keeps_only_its_own_parameters(client, chef, initiative):
    """A stray parameter neither enters the cached links nor makes another entry; each filter
    has its own."""
    client.force_login(chef)
    word = initiative.title.split()[-1]
    html = client.get(LIST, {"q": word, "kilde": "<nyhedsbrev>"}).content.decode()
    html = html.split("<main")[1].split("</main>")[0]  # the header's language switch keeps it
    assert "kilde" not in html and "nyhedsbrev" not in html
    assert initiative.title in html
    assert f"?q={urlquote(word)}" in html  # the download links keep the filter
    other = client.get(LIST, {"q": "intet-matcher"}).content.decode()
    assert initiative.title not in other.split('id="results"')[1]


def test_a_new_member_of_the_owning_group_shows_in_the_owner_filter_next(client, chef, spor):
    """The owner filter counts the owning group's members: a member added (an m2m write of
    the core) shows on the next request of the cached list."""
    from tests.factories import GovernanceBodyFactory

    body = GovernanceBodyFactory()
    grouped = InitiativeFactory(spor=spor, owner=None, owner_body=body)
    member = UserFactory(first_name="Nynne", last_name="Nytilkommen")
    client.force_login(chef)
    assert grouped.title not in client.get(LIST, {"owner": "Nytilkommen"}).content.decode()

    body.members.add(member)

    assert grouped.title in client.get(LIST, {"owner": "Nytilkommen"}).content.decode()


def test_the_owner_filter_searches_owners_and_their_groups(client, chef, initiative, owner):
    from tests.factories import GovernanceBodyFactory

    member = UserFactory(first_name="Gitte", last_name="Gruppemedlem")
    body = GovernanceBodyFactory(name="Arbejdsgruppen for overgange")
    body.members.add(member)
    grouped = InitiativeFactory(spor=initiative.spor, owner=None, owner_body=body)
    client.force_login(chef)

    def titles(owner_text: str) -> list[str]:
        return [i.title for i in client.get(LIST, {"owner": owner_text}).context["page"]]

    assert titles(str(owner)) == [initiative.title]
    assert titles("gruppemedlem") == [grouped.title]  # a member of the owning group
    assert titles("overgange") == [grouped.title]  # the group's name
    assert titles("ingen-ved-det-navn") == []


# --- queries constant, HTML bounded ---------------------------------------------------------


@pytest.mark.parametrize("url", [OVERVIEW, LIST, LIST + "?status=i_gang&side=2"])
@pytest.mark.parametrize("viewer", ["chef", "bfu"])
def test_a_hit_costs_the_same_queries_whatever_the_size(
    client, chef, bfu, spor, area, initiative, url, viewer, django_assert_num_queries
):
    client.force_login({"chef": chef, "bfu": bfu}[viewer])
    client.get(url)
    with django_assert_num_queries(HIT_QUERIES):
        client.get(url)

    _bulk_initiatives(spor, area, 120, owners=True)
    client.get(url)
    with django_assert_num_queries(HIT_QUERIES):
        client.get(url)


@pytest.mark.parametrize("url", [OVERVIEW, LIST])
def test_the_html_stays_bounded_as_the_plan_grows(client, chef, plan, spor, area, initiative, url):
    """Once the overview's ten per spor and the list's first page are full, more tiltag (each
    with an owner of its own) change only figures: counts and page numbers, not the size (the
    owner filter listed every owner, 300 more options)."""
    for number in (2, 3):
        SporFactory(plan=plan, number=number)
    for s in plan.spor.all():
        _bulk_initiatives(s, area, 20)
    client.force_login(chef)
    full = len(client.get(url).content)

    for s in plan.spor.all():
        _bulk_initiatives(s, area, 100, owners=True)
    grown = len(client.get(url).content)

    # The figures that change: "Se alle 121 tiltag", "361 tiltag fundet", the page numbers.
    assert grown - full < 1024, (full, grown)


# --- the milestone and attention lists --------------------------------------------------------


def test_a_milestone_write_shows_on_the_next_request(client, chef, initiative):
    milestone = MilestoneFactory(initiative=initiative, title="Før navneskiftet")
    client.force_login(chef)
    assert "Før navneskiftet" in client.get(MILESTONES).content.decode()
    client.get(MILESTONES)

    milestone.title = "Efter navneskiftet"
    milestone.save()

    assert "Efter navneskiftet" in client.get(MILESTONES).content.decode()


def test_an_owner_given_leaves_the_attention_list_on_the_next_request(
    client, chef, initiative, owner
):
    initiative.owner = None
    initiative.save()
    client.force_login(chef)
    assert initiative.title in client.get(ATTENTION).content.decode()

    initiative.owner = owner
    initiative.save()

    assert initiative.title not in client.get(ATTENTION).content.decode()


@pytest.mark.parametrize("first", ["chef", "bfu"])
def test_the_attention_list_offers_tildel_ejer_to_chefgruppen_only(
    client, chef, bfu, initiative, first
):
    assign = reverse("tracks:initiative_owner", args=[initiative.pk])
    initiative.owner = None
    initiative.save()
    viewers = {"chef": chef, "bfu": bfu}
    for name in [first, *(v for v in viewers if v != first)]:
        client.force_login(viewers[name])
        html = client.get(ATTENTION).content.decode()
        assert initiative.title in html
        assert (assign in html) == (name == "chef")


@pytest.mark.parametrize(
    "url", [MILESTONES, MILESTONES + "?state=forsinket", ATTENTION + "?liste=forsinkede"]
)
def test_the_lists_hit_costs_the_same_queries_whatever_the_size(
    client, chef, initiative, url, django_assert_num_queries
):
    MilestoneFactory(initiative=initiative, planned_quarter=dt.date(2024, 1, 1))
    client.force_login(chef)
    client.get(url)
    with django_assert_num_queries(HIT_QUERIES):
        client.get(url)

    for _ in range(60):
        MilestoneFactory(initiative=initiative, planned_quarter=dt.date(2024, 1, 1))
    client.get(url)
    with django_assert_num_queries(HIT_QUERIES):
        client.get(url)


@pytest.mark.parametrize("search", ["q=skole", "owner=Ivan"])
def test_a_search_is_rendered_each_time_and_never_stored(client, chef, initiative, search):
    """What a user types would make a new cache entry for every spelling: a logged-in user
    could fill the cache's memory. Searches are rendered each time; the choices are cached."""
    from unittest import mock

    from django.core.cache import cache

    client.force_login(chef)
    url = reverse("tracks:initiative_list")

    def fragments_stored(query: str) -> list[str]:
        with mock.patch.object(cache, "set", wraps=cache.set) as stored:
            assert client.get(f"{url}?{query}").status_code == 200
        return [call.args[0] for call in stored.call_args_list if "fragment:" in call.args[0]]

    assert fragments_stored(f"{search}&side=1") == []
    assert fragments_stored(f"{search}x&side=1") == []
    assert fragments_stored("side=1"), "the unsearched list is kept as before"
