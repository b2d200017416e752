"""Lists that grow with the data come 50 to a page with their filters kept in the URL
(omstilling/pages.py, templates/includes/pagination.html); the status history comes ten at a
time ("Vis ældre", with htmx or as a plain link); the milestone list the dashboard's "se alle"
opens."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from omstilling.pages import page_numbers
from tests.factories import AreaFactory, InitiativeFactory, MilestoneFactory, SporFactory
from tracks.models import Initiative, StatusUpdate

LIST = "/plan/tiltag/"
MILESTONES = "/plan/milepaele/"


def _hrefs(html: str) -> list[str]:
    nav = re.search(r'<nav class="pagination".*?</nav>', html, re.S)
    assert nav, "no pagination"
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', nav.group(0))]


def test_it_shows_the_first_last_and_nearby_page_numbers():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 3) == [1, 2, 3]
    assert page_numbers(6, 20) == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert page_numbers(20, 20) == [1, None, 18, 19, 20]


@pytest.fixture
def many(plan, spor):
    """120 tiltag in spor 1, 7 in spor 2."""
    other = SporFactory(plan=plan, number=2, slug="spor-2")
    area = AreaFactory(plan=plan)
    Initiative.objects.bulk_create(
        InitiativeFactory.build(plan=plan, spor=spor, lead_area=area, slug=f"t-{n}", order=n)
        for n in range(120)
    )
    InitiativeFactory.create_batch(7, plan=plan, spor=other)
    return {"spor": spor, "other": other}


def test_the_list_comes_fifty_to_a_page_with_the_filters_kept(client, bfu, many):
    client.force_login(bfu)
    spor = many["spor"].pk

    first = client.get(LIST, {"spor": spor})
    third = client.get(LIST, {"spor": spor, "side": 3})

    assert len(first.context["page"]) == 50
    assert first.context["page"].paginator.count == 120
    assert len(third.context["page"]) == 20
    assert f"?spor={spor}&side=2" in _hrefs(first.content.decode())
    html = third.content.decode()
    assert f"?spor={spor}&side=2" in _hrefs(html)  # back, filter kept
    assert "Viser 101–120 af 120." in html
    assert 'aria-current="page"' in html


def test_a_page_out_of_range_gives_the_last_page(client, bfu, many):
    client.force_login(bfu)

    response = client.get(LIST, {"side": 999})

    assert response.status_code == 200
    assert response.context["page"].number == 3


def test_a_short_list_has_no_pagination(client, bfu, many):
    client.force_login(bfu)

    html = client.get(LIST, {"spor": many["other"].pk}).content.decode()

    assert 'class="pagination"' not in html


def test_the_htmx_results_carry_the_pagination(client, bfu, many):
    client.force_login(bfu)

    response = client.get(
        LIST, {"spor": many["spor"].pk}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )

    assert response.content.decode().lstrip().startswith('<div id="results"')
    assert f"?spor={many['spor'].pk}&side=2" in _hrefs(response.content.decode())
    assert "HX-Request" in response["Vary"]


# --- the status history ----------------------------------------------------------------------


@pytest.fixture
def history(initiative, chef):
    StatusUpdate.objects.bulk_create(
        StatusUpdate(
            initiative=initiative,
            version=v,
            state="i_gang",
            health="groen",
            progress=v,
            narrative=f"Opdatering nummer {v}.",
            author=chef,
        )
        for v in range(1, 26)
    )
    initiative.current_status = initiative.status_updates.get(version=25)
    initiative.version = 25
    initiative.save()
    return initiative


def _entries(html: str) -> list[str]:
    """The updates in the history list (the current status above it repeats the newest)."""
    if '<ol class="status-history' in html:
        html = html[html.index('<ol class="status-history') :]
    return re.findall(r"Opdatering nummer (\d+)\.", html)


def test_the_detail_page_shows_the_newest_ten_updates_and_a_link_to_older(client, bfu, history):
    client.force_login(bfu)
    url = reverse("tracks:initiative_detail", args=[history.pk])

    html = client.get(url).content.decode()

    assert _entries(html) == [str(v) for v in range(25, 15, -1)]
    assert f'href="{url}?historik=2#status-history"' in html
    assert 'hx-target="#history-more"' in html


def test_older_updates_come_in_place_of_the_button_with_htmx(client, bfu, history):
    client.force_login(bfu)
    url = reverse("tracks:initiative_detail", args=[history.pk])

    second = client.get(url, {"historik": 2}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="history-more")
    third = client.get(url, {"historik": 3}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="history-more")

    html = second.content.decode()
    assert html.lstrip().startswith("<li")
    assert "<html" not in html
    assert _entries(html) == [str(v) for v in range(15, 5, -1)]
    assert "historik=3" in html
    assert _entries(third.content.decode()) == [str(v) for v in range(5, 0, -1)]
    assert "history-more" not in third.content.decode()


def test_older_updates_are_a_plain_link_without_javascript(client, bfu, history):
    client.force_login(bfu)
    url = reverse("tracks:initiative_detail", args=[history.pk])

    html = client.get(url, {"historik": 2}).content.decode()

    assert "<html" in html
    assert _entries(html) == [str(v) for v in range(15, 5, -1)]
    assert "Vis de nyeste opdateringer" in html


# --- the milestone list ----------------------------------------------------------------------


def test_every_role_reads_the_milestone_list(client, all_personas, plan):
    for persona in all_personas.values():
        client.force_login(persona)
        assert client.get(MILESTONES).status_code == 200, persona.role


def test_anonymous_visitors_are_sent_to_log_in(client, plan):
    response = client.get(MILESTONES)

    assert response.status_code == 302
    assert "/log-ind/" in response["Location"] or "login" in response["Location"]


def test_the_milestone_list_filters_by_state_and_keeps_it_from_page_to_page(
    client, bfu, initiative
):
    today = dt.date.today()
    MilestoneFactory.create_batch(
        60, initiative=initiative, planned_quarter=dt.date(today.year - 1, 1, 1)
    )
    MilestoneFactory.create_batch(
        3, initiative=initiative, planned_quarter=dt.date(today.year + 1, 1, 1)
    )
    client.force_login(bfu)

    overdue = client.get(MILESTONES, {"state": "forsinket"})
    planned = client.get(MILESTONES, {"state": "planlagt"})

    assert overdue.context["page"].paginator.count == 60
    assert planned.context["page"].paginator.count == 3
    assert "?state=forsinket&side=2" in _hrefs(overdue.content.decode())
    assert all(m.state == "forsinket" for m in overdue.context["page"])


def test_the_milestone_list_reads_a_fixed_number_of_queries(
    client, bfu, initiative, django_assert_max_num_queries
):
    # 1. session  2. user  3. plan  4. count  5. the page's milestones with tiltag, spor,
    # owner, body, institution  6. plan for the page header  7–8. spor and area choices
    # 9. the unread notifications in the header
    client.force_login(bfu)
    MilestoneFactory(initiative=initiative)
    with django_assert_max_num_queries(9):
        client.get(MILESTONES, {"state": "forsinket"})
    MilestoneFactory.create_batch(80, initiative=initiative, planned_quarter=dt.date(2025, 1, 1))
    with django_assert_max_num_queries(9):
        response = client.get(MILESTONES, {"state": "forsinket"})
    assert len(response.context["page"]) == 50
