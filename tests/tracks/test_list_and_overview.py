"""The plan overview (spor roll-up) and the filterable initiative list, and their query counts."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.factories import (
    AreaFactory,
    GovernanceBodyFactory,
    InitiativeFactory,
    MilestoneFactory,
    RecommendationFactory,
    RecommendationThemeFactory,
    SporFactory,
)
from tracks import selectors
from tracks.services import initiative_update_status, milestone_complete


def _status(initiative, by, *, state="i_gang", health="groen", progress=50, narrative=""):
    if health != "groen" and not narrative:
        narrative = "Der er en udfordring."
    return initiative_update_status(
        initiative=initiative,
        by=by,
        state=state,
        health=health,
        progress=progress,
        narrative=narrative,
        expected_version=initiative.version,
    )


def _titles(response) -> list[str]:
    return [i.title for i in response.context["page"]]


def _section(html: str, spor_number: int) -> str:
    match = re.search(
        rf'<section class="spor[^"]*" aria-labelledby="spor-{spor_number}">(.*?)</section>',
        html,
        re.S,
    )
    assert match, f"no section for spor {spor_number}"
    return match.group(1)


# --- list filters ----------------------------------------------------------------------------


@pytest.fixture
def catalogue(plan, spor, area, initiative, owner, other_owner, chef):
    """Three initiatives that differ in every filterable respect.

    A: spor 1, Dagtilbud, owner, i gang/grøn, 2025 Q1–Q4 ("Fælles kompetenceforløb")
    B: spor 2, Skole, other_owner, afsluttet/gul, 2024 Q2–2025 Q2, "ordblind" in the description
    C: spor 2, Dagtilbud, owned by a body with other_owner, no status, 2026 Q1 – open-ended
    """
    spor_2 = SporFactory(plan=plan, number=2, slug="spor-2", title="Skolen for alle")
    skole = AreaFactory(slug="skole", name="Skole")
    body = GovernanceBodyFactory(name="Arbejdsgruppe for læringsmiljøer")
    body.members.add(other_owner)
    a = initiative
    b = InitiativeFactory(
        spor=spor_2,
        lead_area=skole,
        owner=other_owner,
        title="Inklusionsvejledere",
        description="Vejledning om ordblindhed og læsning.",
        start_quarter=dt.date(2024, 4, 1),
        end_quarter=dt.date(2025, 4, 1),
    )
    c = InitiativeFactory(
        spor=spor_2,
        lead_area=area,
        owner=None,
        owner_body=body,
        title="Nye læringsmiljøer",
        start_quarter=dt.date(2026, 1, 1),
        end_quarter=None,
    )
    _status(a, chef, state="i_gang", health="groen", progress=40)
    _status(b, chef, state="afsluttet", health="gul", progress=100)
    return {
        "A": a,
        "B": b,
        "C": c,
        "spor_1": spor,
        "spor_2": spor_2,
        "dagtilbud": area,
        "skole": skole,
        "owner": owner,
        "other_owner": other_owner,
    }


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (None, None, "ABC"),
        ("spor", "spor_1", "A"),
        ("spor", "spor_2", "BC"),
        ("status", "i_gang", "A"),
        ("status", "afsluttet", "B"),
        ("status", "ingen", "C"),
        ("status", "pause", ""),
        ("health", "groen", "A"),
        ("health", "gul", "B"),
        ("health", "roed", ""),
        ("owner", "owner", "A"),
        ("owner", "other_owner", "BC"),  # B directly, C through the owning body
        ("area", "dagtilbud", "AC"),
        ("area", "skole", "B"),
        ("quarter", "2025-Q3", "A"),  # B has ended, C has not started
        ("quarter", "2025-Q2", "AB"),  # B's last quarter counts
        ("quarter", "2026-Q2", "C"),  # open-ended
        ("q", "kompetence", "A"),  # title
        ("q", "ORDBLIND", "B"),  # description, any case
        ("q", "ingen-match", ""),
    ],
)
def test_it_narrows_the_list_by_each_filter(client, chef, catalogue, field, value, expected):
    params = {}
    if field:
        obj = catalogue.get(value)
        # The owner filter is a name to search for (the owners grow with the plan).
        params[field] = value if obj is None else str(obj) if field == "owner" else obj.pk
    client.force_login(chef)

    response = client.get(reverse("tracks:initiative_list"), params)

    assert response.status_code == 200
    assert _titles(response) == [catalogue[key].title for key in expected]
    html = response.content.decode()
    for key in "ABC":
        shown = f'href="{reverse("tracks:initiative_detail", args=[catalogue[key].pk])}"' in html
        assert shown == (key in expected), key
    assert f"{len(expected)} tiltag fundet" in html


def test_it_combines_filters(client, chef, catalogue):
    client.force_login(chef)

    response = client.get(
        reverse("tracks:initiative_list"),
        {"spor": catalogue["spor_2"].pk, "area": catalogue["dagtilbud"].pk},
    )

    assert _titles(response) == ["Nye læringsmiljøer"]
    assert "Ingen tiltag passer til filtrene." not in response.content.decode()


def test_it_says_so_when_nothing_matches(client, chef, catalogue):
    client.force_login(chef)

    response = client.get(reverse("tracks:initiative_list"), {"q": "findes ikke"})

    assert "Ingen tiltag passer til filtrene." in response.content.decode()


def test_it_keeps_the_filter_state_in_the_form(client, chef, catalogue):
    client.force_login(chef)
    spor_2 = catalogue["spor_2"]

    response = client.get(
        reverse("tracks:initiative_list"),
        {"spor": spor_2.pk, "status": "ingen", "quarter": "2026-Q2", "q": "lærings"},
    )

    html = response.content.decode()
    assert '<form method="get"' in html
    assert 'hx-push-url="true"' in html
    assert f'<option value="{spor_2.pk}" selected>' in html
    assert '<option value="ingen" selected>' in html
    assert '<option value="2026-Q2" selected>' in html
    assert 'value="lærings"' in html
    assert _titles(response) == ["Nye læringsmiljøer"]


def test_it_answers_htmx_with_only_the_results(client, chef, catalogue):
    client.force_login(chef)

    response = client.get(
        reverse("tracks:initiative_list"),
        {"spor": catalogue["spor_2"].pk, "health": "gul"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="results",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<form" not in html
    assert html.lstrip().startswith('<div id="results"')
    assert "Inklusionsvejledere" in html
    assert "Nye læringsmiljøer" not in html
    assert "1 tiltag fundet" in html


def test_it_reports_a_bad_filter_value_and_keeps_the_other_filters(client, chef, catalogue):
    client.force_login(chef)
    response = client.get(
        reverse("tracks:initiative_list"),
        {"quarter": "2025-Q9", "spor": catalogue["spor_2"].pk, "q": "ordblind"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["quarter"]
    shown = {initiative.title for initiative in response.context["page"]}
    assert shown == {"Inklusionsvejledere"}


# --- overview --------------------------------------------------------------------------------


def test_it_shows_how_spor_progress_is_computed(client, bfu, spor, initiative):
    client.force_login(bfu)

    html = client.get(reverse("tracks:overview")).content.decode()

    assert selectors.PROGRESS_RULE in html


def test_it_averages_progress_over_initiatives_with_a_status_except_abandoned(
    client, chef, plan, spor, initiative
):
    fast = InitiativeFactory(spor=spor, title="Hurtigt tiltag")
    abandoned = InitiativeFactory(spor=spor, title="Opgivet tiltag")
    InitiativeFactory(spor=spor, title="Tiltag uden status")
    _status(initiative, chef, progress=40)
    _status(fast, chef, progress=80)
    _status(abandoned, chef, progress=10)
    _status(abandoned, chef, state="opgivet", health="roed", progress=5)
    other_spor = SporFactory(plan=plan, number=2, slug="spor-2", title="Andet spor")
    _status(InitiativeFactory(spor=other_spor), chef, progress=0)
    client.force_login(chef)

    response = client.get(reverse("tracks:overview"))

    by_number = {s.number: s for s in response.context["spor_list"]}
    assert by_number[1].progress == 60
    assert by_number[1].counted_initiatives == 2
    assert by_number[2].progress == 0
    html = response.content.decode()
    first = _section(html, 1)
    assert 'value="60"' in first
    assert "60\u00a0%" in first
    assert "2 tiltag med status af 4" in first
    assert "0\u00a0%" in _section(html, 2)


def test_it_shows_no_progress_for_a_spor_without_statuses(client, chef, spor, initiative):
    client.force_login(chef)

    response = client.get(reverse("tracks:overview"))

    assert response.context["spor_list"][0].progress is None
    assert "ingen data" in _section(response.content.decode(), 1)


# --- query counts ----------------------------------------------------------------------------


def _grow_plan(plan, by, n=30):
    """n more initiatives in three new spor, each with status, milestones and a recommendation."""
    spor_list = [SporFactory(plan=plan, number=10 + i) for i in range(3)]
    theme = RecommendationThemeFactory(plan=plan)
    body = GovernanceBodyFactory()
    for i in range(n):
        initiative = InitiativeFactory(
            spor=spor_list[i % 3],
            lead_area=AreaFactory(),
            owner=by if i % 2 else None,
            owner_body=body if i % 3 == 0 else None,
        )
        _status(initiative, by, state="i_gang", health="gul" if i % 4 else "groen", progress=i)
        MilestoneFactory(initiative=initiative)
        done = MilestoneFactory(initiative=initiative)
        milestone_complete(milestone=done, by=by, completed_on=dt.date(2025, 9, 1))
        RecommendationFactory(theme=theme).initiatives.add(initiative)


# The overview page:
#   1. session  2. user  3. plan (selectors.current_plan)
#   4. spor with progress aggregates  5. their initiatives with current status, owner, area…
#   6. spor lead areas  7. plan for the page header (context processor)
#   8. the unread notifications in the header (notifications.context_processors)
#   9. the spor's active themes  10. the current plan's pk (may the user edit the plan?)
#   11–13. archived spor, themes and tiltag (at most ARCHIVE_LIMIT + 1 each; a count only
#   when there are more)
OVERVIEW_QUERIES = 13
# Chefgruppen's start page adds what needs attention (tracks.selectors.attention):
#   14–16. the first ten tiltag without owner, overdue milestones, tiltag without update
#   17–19. each list's count, when the list is full
OVERVIEW_CHEF_QUERIES = OVERVIEW_QUERIES + 6

# The initiative list page (50 to a page), when its fragments are not cached:
#   1. session  2. user  3. plan  4. the count  5. the page's initiatives with current status,
#   owner, body, area…  6. plan for the page header  7–9. choices of the spor, area and
#   recommendation filters (the owner is a name searched for, no list)  10. the unread
#   notifications in the header
LIST_QUERIES = 10

# The list filtered by spor adds the lookup that validates it:  11. spor
LIST_FILTERED_QUERIES = 11


def test_it_reads_the_overview_in_a_fixed_number_of_queries(
    client, chef, owner, plan, spor, initiative, local_milestone, django_assert_max_num_queries
):
    _status(initiative, chef)
    client.force_login(chef)
    url = reverse("tracks:overview")

    with django_assert_max_num_queries(OVERVIEW_CHEF_QUERIES):
        small = client.get(url)
    _grow_plan(plan, chef, n=45)
    with django_assert_max_num_queries(OVERVIEW_CHEF_QUERIES):
        large = client.get(url)
    client.force_login(owner)
    with django_assert_max_num_queries(OVERVIEW_QUERIES):
        client.get(url)

    assert len(small.context["spor_list"]) == 1
    assert sum(s.n_initiatives for s in large.context["spor_list"]) == 46
    # Ten named per spor, the rest behind "Se alle".
    assert [len(s.shown) for s in large.context["spor_list"]] == [1, 10, 10, 10]
    html = large.content.decode()
    assert html.count("Se alle 15 tiltag i spor") == 3
    assert f"?spor={large.context['spor_list'][1].pk}" in html


def test_it_reads_the_list_in_a_fixed_number_of_queries(
    client, chef, plan, spor, initiative, local_milestone, django_assert_max_num_queries
):
    _status(initiative, chef)
    client.force_login(chef)
    url = reverse("tracks:initiative_list")

    with django_assert_max_num_queries(LIST_QUERIES):
        small = client.get(url)
    _grow_plan(plan, chef)
    with django_assert_max_num_queries(LIST_QUERIES):
        large = client.get(url)
    with django_assert_max_num_queries(LIST_FILTERED_QUERIES):
        filtered = client.get(url, {"status": "i_gang", "owner": str(chef), "q": "Tiltag"})
    with django_assert_max_num_queries(LIST_FILTERED_QUERIES):
        client.get(url, {"spor": spor.pk, "owner": str(chef)}, HTTP_HX_REQUEST="true")

    assert small.context["page"].paginator.count == 1
    assert large.context["page"].paginator.count == 31
    assert filtered.context["page"].paginator.count == 15


# The detail page, for the chef (who may edit everything):
#   1. session  2. user  3. initiative with spor, theme, area, owner, body, current status+author
#   4. milestones  5–6. the status history's count and newest ten  7. recommendations
#   8. plan for the page header
# A leader or a non-owner also has their governance bodies (9) and institutions (10) looked up,
# and the current plan's pk (11: an earlier plan is edited by nobody): once per request, not
# once per milestone. 12. the unread notifications in the header  13. whether the user follows
# the tiltag ("Følg tiltag"; not for BFU, who follows nothing)  14. the milestones' re-plans
# ("flyttet fra … til …"). The sections of the apps above (omstilling/panels.py): the decisions
# concerning the tiltag (15) and their count when there are more than the page shows (16);
# the documents (17) and their count (18); the newest comments (19), their count (20) and the
# milestones with their comment counts (21). The milestones are a page of them and the
# archived ones a page apart, each with its count (22, 23), and the tiltag is read again for
# the cached part of the page (24, tracks.views._detail_body); the milestones' discussion is
# paged too (its count fits in the 24: not every query listed is made for every viewer).
# This is the first request; at a second request the status, history, milestones and
# recommendations come from the cache (tests/tracks/test_detail_cache.py).
DETAIL_QUERIES = 24


@pytest.mark.parametrize("viewer", ["chef", "owner", "other_owner", "leader", "bfu"])
def test_it_reads_the_detail_page_in_a_fixed_number_of_queries(
    client,
    request,
    viewer,
    chef,
    initiative,
    school,
    local_milestone,
    django_assert_max_num_queries,
):
    user = request.getfixturevalue(viewer)
    initiative.owner_body = GovernanceBodyFactory()
    initiative.save()
    _status(initiative, chef, progress=10)
    client.force_login(user)
    url = reverse("tracks:initiative_detail", args=[initiative.pk])

    with django_assert_max_num_queries(DETAIL_QUERIES):
        small = client.get(url)

    for i in range(30):
        _status(initiative, chef, health="gul" if i % 2 else "groen", progress=i)
        MilestoneFactory(initiative=initiative, institution=school if i % 2 else None)
        done = MilestoneFactory(initiative=initiative, institution=school)
        milestone_complete(milestone=done, by=chef, completed_on=dt.date(2025, 9, 1))
        RecommendationFactory(
            theme=RecommendationThemeFactory(plan=initiative.plan)
        ).initiatives.add(initiative)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        large = client.get(url)

    assert len(small.context["milestones"]) == 1
    assert len(large.context["history"]) == 10  # the newest; older ones on demand
    assert large.context["history"].paginator.count == 31
    # A page of the milestones; the others on the next pages (?milepaele=2).
    assert len(large.context["milestones"]) == selectors.DETAIL_MILESTONES
    assert large.context["milestones"].paginator.count == 61
    assert len(large.context["recommendations"]) == 30
