"""The "Bilag" section kept rendered (documents/panels.py, issue 11): a new or withdrawn
document shows on the next request to the tiltag and investment pages; the withdraw links and a
withdrawn document's file are chefgruppen's only, whoever's copy was cached first; queries and
HTML at a hit do not grow with the documents."""

import pytest
from django.urls import reverse

from documents.models import Document
from documents.selectors import PANEL_LIMIT
from documents.services import document_attach, document_withdraw
from tests.documents.conftest import PDF, upload
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
    return html.split('id="documents-heading"')[1].split("</section>")[0]


def _attach(target, by, title):
    return document_attach(target=target, by=by, upload=upload(f"{title}.pdf", PDF), title=title)


@pytest.mark.parametrize("page", ["tiltag", "investering"])
def test_a_new_and_a_withdrawn_document_show_on_the_next_request(
    client, chef, initiative, investment, page
):
    target = initiative if page == "tiltag" else investment
    url = (
        reverse("tracks:initiative_detail", args=[initiative.pk])
        if page == "tiltag"
        else reverse("investments:investment_detail", args=[investment.pk])
    )
    assert "Der er ingen bilag." in _section(_get(client, chef, url))
    document = _attach(target, chef, "Sagsfremstilling")
    assert "Sagsfremstilling" in _section(_get(client, chef, url))
    document_withdraw(document=document, by=chef, reason="Forkert udgave")
    assert "Forkert udgave" in _section(_get(client, chef, url))


def test_no_viewer_gets_chefgruppens_links_from_its_cached_copy(
    client, chef, owner, bfu, initiative
):
    kept = _attach(initiative, chef, "Gyldigt bilag")
    withdrawn = _attach(initiative, chef, "Gammelt bilag")
    document_withdraw(document=withdrawn, by=chef, reason="Erstattet")
    url = reverse("tracks:initiative_detail", args=[initiative.pk])
    chef_section = _section(_get(client, chef, url))
    assert reverse("documents:withdraw", args=[kept.pk]) in chef_section
    assert reverse("documents:download", args=[withdrawn.pk]) in chef_section
    assert "Tilføj bilag" in chef_section
    for user in (owner, bfu):
        section = _section(_get(client, user, url))
        assert "Gyldigt bilag" in section
        assert reverse("documents:withdraw", args=[kept.pk]) not in section
        assert reverse("documents:download", args=[withdrawn.pk]) not in section
        assert "Tilføj bilag" not in section


def test_queries_and_html_at_a_hit_do_not_grow_with_the_documents(
    client, chef, initiative, django_assert_max_num_queries
):
    for i in range(PANEL_LIMIT + 1):  # a full section: the limit and the count of the rest
        _attach(initiative, chef, f"Bilag {i:03}")
    url = reverse("tracks:initiative_detail", args=[initiative.pk])
    client.force_login(chef)
    client.get(url)
    # The frame only (before: the documents were read at every request, 2 queries).
    with django_assert_max_num_queries(8) as small:
        small_section = _section(client.get(url).content.decode())
    small_queries = len(small.captured_queries)
    for i in range(60):
        _attach(initiative, chef, f"Bilag {100 + i:03}")
    assert Document.objects.filter(initiative=initiative).count() == PANEL_LIMIT + 61
    client.get(url)
    with django_assert_max_num_queries(small_queries):
        large_section = _section(client.get(url).content.decode())
    assert len(large_section) <= len(small_section) * 1.2
    assert "Bilag 159" in large_section
    # Nothing became unreachable: the oldest is on the last page of the section.
    last = -(-(PANEL_LIMIT + 61) // PANEL_LIMIT)
    assert f"?bilag={last}" in large_section
    assert "Bilag 000" in _section(client.get(f"{url}?bilag={last}").content.decode())
