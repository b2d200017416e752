""" "Hvem kan hjælpe med hvad": every part with its first actors and a link to all of them, a
chosen part in pages of 50, search and filters in the URL; a cached fragment that shows a
write on the very next request, in a constant number of queries and a bounded size."""

import pytest
from django.urls import reverse

from supportsystem.models import SupportActor, SupportSystemPart
from supportsystem.views import DIRECTORY_FIRST
from tests.factories import AreaFactory, InstitutionFactory, SupportActorFactory

pytestmark = pytest.mark.django_db

URL = reverse("supportsystem:directory")
K = SupportActor.Kind


def _main(response) -> str:
    return response.content.decode().split('id="main-content"')[1].split("</main>")[0]


def _internal(n, *, start=0, area=None):
    """`n` internal actors, each at an institution of its own (as the scaled data has them)."""
    SupportActor.objects.bulk_create(
        SupportActor(
            slug=f"internt-{start + i}",
            name="AKT- og sprogfunktioner",
            kind=K.INTERNT,
            area=area,
            institution=InstitutionFactory(name=f"Børnehave {start + i:03} (demo)", area=area),
            description="Institutionens interne støttesystem.",
            competences="Sprogindsats og sprogvurdering\nAdfærd, kontakt og trivsel på stuen",
            contact="Dagtilbuddets leder (demo)",
        )
        for i in range(n)
    )


@pytest.fixture
def demo_shaped():
    """As the demo data: three internal actors, five external, two partners."""
    _internal(3)
    for i in range(5):
        SupportActorFactory(name=f"Ekstern {i}", kind=K.EKSTERNT)
    for i in range(2):
        SupportActorFactory(name=f"Partner {i}", kind=K.PARTNER)


# --- what it shows ---------------------------------------------------------------------------


def test_it_shows_each_part_with_its_first_actors_and_a_link_to_all(client, bfu, demo_shaped):
    _internal(40, start=100)
    client.force_login(bfu)

    main = _main(client.get(URL))

    assert "50 aktører fundet" in main
    assert main.count("AKT- og sprogfunktioner") == DIRECTORY_FIRST
    assert 'Internt støttesystem <span class="support-group-count">(43)</span>' in main
    assert f'href="{URL}?kind=internt"' in main and "Se alle 43 i internt støttesystem" in main
    assert "Ekstern 4" in main and "Partner 1" in main
    assert "Se alle 5" not in main  # a part that is shown whole has no link


def test_a_chosen_part_is_paged_with_the_filters_kept(client, bfu, demo_shaped):
    _internal(60, start=100)
    client.force_login(bfu)

    first = _main(client.get(URL, {"kind": "internt", "q": "sprog"}))
    second = _main(client.get(URL, {"kind": "internt", "q": "sprog", "side": "2"}))

    assert first.count("AKT- og sprogfunktioner") == 50
    assert second.count("AKT- og sprogfunktioner") == 13
    assert "Ekstern 0" not in first
    assert "?q=sprog&amp;kind=internt&amp;side=2" in first
    assert "Viser 51–63 af 63." in second
    assert "Vis alle dele af støttesystemet" in second


def test_search_and_area_reach_every_actor(client, bfu, demo_shaped):
    area = AreaFactory(name="Dagtilbud")
    _internal(60, start=100, area=area)
    client.force_login(bfu)

    main = _main(client.get(URL, {"q": "Børnehave 159"}))
    assert "1 aktør fundet" in main and "Børnehave 159 (demo)" in main
    main = _main(client.get(URL, {"area": area.pk}))
    assert "60 aktører fundet" in main and "Se alle 60 i internt støttesystem" in main


def test_an_htmx_filter_request_gets_the_results_only(client, bfu, demo_shaped):
    client.force_login(bfu)
    full = client.get(URL, {"q": "Ekstern"}).content.decode()  # cached as a whole page

    htmx = {"HX-Request": "true", "HX-Target": "results"}
    partial = client.get(URL, {"q": "Ekstern"}, headers=htmx)

    assert full.lstrip().startswith("<!DOCTYPE html>")
    assert partial.content.decode().lstrip().startswith('<div id="results"')
    assert "5 aktører fundet" in partial.content.decode()
    assert "HX-Request" in partial["Vary"]
    # and the other way round: the partial in the cache is never served as the page
    assert client.get(URL, {"q": "Ekstern"}).content.decode().lstrip().startswith("<!DOCTYPE")


# --- a write shows on the very next request ---------------------------------------------------


def test_a_new_actor_and_a_changed_part_show_on_the_next_request(client, bfu, demo_shaped):
    client.force_login(bfu)
    assert "Sundhedsplejen" not in _main(client.get(URL))
    assert "Sundhedsplejen" not in _main(client.get(URL, {"kind": "eksternt"}))

    SupportActorFactory(name="Sundhedsplejen", kind=K.EKSTERNT, order=0)  # the outcomes family
    SupportSystemPart.objects.create(kind=K.EKSTERNT, description="Kernen omkring skolen.")

    main = _main(client.get(URL))
    assert "Sundhedsplejen" in main and "Kernen omkring skolen." in main
    assert "Sundhedsplejen" in _main(client.get(URL, {"kind": "eksternt"}))


def test_a_renamed_institution_and_area_show_on_the_next_request(client, bfu):
    area = AreaFactory(name="Dagtilbud")
    _internal(1, area=area)
    client.force_login(bfu)
    assert "Børnehave 000 (demo)" in _main(client.get(URL))

    institution = SupportActor.objects.get().institution
    institution.name = "Solsikken"
    institution.save()  # the core family
    area.name = "Dagtilbud og SFO"
    area.save()

    main = _main(client.get(URL))
    assert "Solsikken" in main and "Børnehave 000" not in main
    assert "Dagtilbud og SFO" in main


# --- no leak across viewers --------------------------------------------------------------------


def test_a_stray_parameter_never_reaches_the_links_another_viewer_gets(
    client, bfu, support, demo_shaped
):
    _internal(60, start=100)
    client.force_login(bfu)
    first = _main(client.get(URL, {"kind": "internt", "next": "//evil.example"}))
    assert "evil" not in first

    client.force_login(support)
    second = _main(client.get(URL, {"kind": "internt"}))

    assert "evil" not in second and "kind=internt&amp;side=2" in second


# --- bounded queries and HTML ------------------------------------------------------------------


@pytest.mark.parametrize("params", [{}, {"kind": "internt", "side": "2"}, {"q": "sprog"}])
def test_it_reads_in_a_constant_number_of_queries(
    client, bfu, demo_shaped, params, django_assert_num_queries
):
    # 1 session, 2 user; the main part when it is not cached: 3 the current plan (whose areas
    # the filter offers), 4 the parts, 5 the count per part and 6 the first actors of each (or
    # 5 the count and 6 the page of a chosen part), 7 the areas for the filter's select; then
    # 8 the menu's plan, 9 the unread notifications. Cached: 1, 2, 8 and 9, as the floor; a
    # search is rendered each time (never stored), in the same 9 at any size.
    hit = 9 if "q" in params else 4
    client.force_login(bfu)
    with django_assert_num_queries(9):
        client.get(URL, params)
    with django_assert_num_queries(hit):
        client.get(URL, params)

    _internal(200, start=100)
    with django_assert_num_queries(9):
        client.get(URL, params)
    with django_assert_num_queries(hit):
        client.get(URL, params)


def test_the_page_stays_the_same_size_with_many_more_actors(client, bfu, demo_shaped):
    client.force_login(bfu)
    small = len(client.get(URL).content)

    _internal(200, start=100)
    large = len(client.get(URL).content)

    # Three more internal actors are shown (DIRECTORY_FIRST of 203) and a link to all of them.
    assert large <= 1.2 * small


def test_a_search_is_rendered_each_time_and_never_stored(client, bfu, demo_shaped):
    """A typed search would make a cache entry for every spelling; it is rendered each time."""
    from unittest import mock

    from django.core.cache import cache

    client.force_login(bfu)
    url = reverse("supportsystem:directory")

    def fragments_stored(query: str) -> list[str]:
        with mock.patch.object(cache, "set", wraps=cache.set) as stored:
            assert client.get(f"{url}?{query}").status_code == 200
        return [call.args[0] for call in stored.call_args_list if "fragment:" in call.args[0]]

    assert fragments_stored("q=psykolog") == []
    assert fragments_stored("q=psykologx") == []
    assert fragments_stored(""), "the directory without a search is kept as before"
