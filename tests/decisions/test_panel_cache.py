"""The "Beslutninger" section kept rendered (decisions/panels.py, issue 11): a decision, and a
correction of it, show on the next request to the tiltag and investment pages; "Registrér
beslutning" is chefgruppen's only whoever's copy was cached first; queries and HTML at a hit do
not grow with the register."""

import pytest
from django.urls import reverse

from decisions.selectors import PANEL_LIMIT
from tests.factories import InvestmentFactory


@pytest.fixture
def investment(plan):
    return InvestmentFactory(development_school__plan=plan, title="Læringsmiljøer")


def _get(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str) -> str:
    return html.split('id="decisions-heading"')[1].split("</section>")[0]


@pytest.mark.parametrize("page", ["tiltag", "investering"])
def test_a_decision_and_its_correction_show_on_the_next_request(
    client, chef, record, initiative, investment, page
):
    if page == "tiltag":
        url, links = (
            reverse("tracks:initiative_detail", args=[initiative.pk]),
            {"initiatives": [initiative]},
        )
    else:
        url, links = (
            reverse("investments:investment_detail", args=[investment.pk]),
            {"investments": [investment]},
        )
    assert "Der er ikke registreret beslutninger om dette." in _section(_get(client, chef, url))
    decision = record(title="Rammen vedtaget", **links)
    assert "Rammen vedtaget" in _section(_get(client, chef, url))
    record(title="Rammen vedtaget med ændringer", corrects=decision, **links)
    section = _section(_get(client, chef, url))
    assert "Rammen vedtaget med ændringer" in section
    assert reverse("decisions:detail", args=[decision.pk]) not in section


def test_only_chefgruppen_gets_the_record_link(client, chef, owner, bfu, record, initiative):
    record(title="Rammen vedtaget", initiatives=[initiative])
    url = reverse("tracks:initiative_detail", args=[initiative.pk])
    assert "Registrér beslutning" in _section(_get(client, chef, url))
    for user in (owner, bfu):
        section = _section(_get(client, user, url))
        assert "Rammen vedtaget" in section
        assert "Registrér beslutning" not in section


def test_queries_and_html_at_a_hit_do_not_grow_with_the_register(
    client, chef, record, initiative, django_assert_max_num_queries
):
    for i in range(PANEL_LIMIT + 1):
        record(title=f"Beslutning {i:03}", initiatives=[initiative])
    url = reverse("tracks:initiative_detail", args=[initiative.pk])
    client.force_login(chef)
    client.get(url)
    # The frame only (before: the decisions were read at every request, 2 queries).
    with django_assert_max_num_queries(8) as small:
        small_section = _section(client.get(url).content.decode())
    small_queries = len(small.captured_queries)
    for i in range(40):
        record(title=f"Beslutning {100 + i:03}", initiatives=[initiative])
    client.get(url)
    with django_assert_max_num_queries(small_queries):
        large_section = _section(client.get(url).content.decode())
    assert len(large_section) <= len(small_section) * 1.2
    assert "Se alle 51 beslutninger" in large_section
