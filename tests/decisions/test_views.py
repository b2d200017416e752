"""The register's pages, persona by persona; the form; the panels on the tiltag and investment
pages; queries."""

import pytest
from django.urls import reverse

from decisions.models import Decision
from tests.decisions.conftest import MEETING, PERSONAS
from tests.factories import InitiativeFactory, InvestmentFactory

pytestmark = pytest.mark.django_db

WRITERS = {"chef"}


def _form(**overrides) -> dict:
    return {
        "body": "udvalg",
        "meeting_date": MEETING.isoformat(),
        "case_number": "sag 67",
        "title": "Rammen for omstillingen",
        "text": "Udvalget godkendte rammen.",
        **overrides,
    }


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_every_role_reads_the_register_and_a_decision(client, persona, record):
    decision = record()
    client.force_login(persona)

    listing = client.get(reverse("decisions:list"))
    detail = client.get(reverse("decisions:detail", args=[decision.pk]))

    assert listing.status_code == 200
    assert detail.status_code == 200
    assert "Rammen for omstillingen" in listing.text
    assert "sag 67" in detail.text


def test_anonymous_visitors_are_sent_to_log_in(client, record):
    decision = record()
    for url in (reverse("decisions:list"), reverse("decisions:detail", args=[decision.pk])):
        assert client.get(url)["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_only_chefgruppen_records_and_corrects(client, persona, record, plan):
    decision = record()
    client.force_login(persona)
    create = reverse("decisions:create")
    correct = reverse("decisions:correct", args=[decision.pk])
    writer = persona.username == "chef"

    for url in (create, correct):
        assert client.get(url).status_code == (200 if writer else 403)
    response = client.post(create, _form(title="Ny beslutning"))
    assert response.status_code == (302 if writer else 403)
    response = client.post(correct, _form(title="Rettet beslutning"))
    assert response.status_code == (302 if writer else 403)

    expected = {"Rammen for omstillingen"} | (
        {"Ny beslutning", "Rettet beslutning"} if writer else set()
    )
    assert set(Decision.objects.values_list("title", flat=True)) == expected
    # Only chefgruppen is offered the buttons.
    page = client.get(reverse("decisions:list")).text
    assert ("Registrér beslutning" in page) is writer


def test_a_missing_decision_is_404(client, chef):
    client.force_login(chef)
    assert client.get(reverse("decisions:detail", args=[999999])).status_code == 404
    assert client.get(reverse("decisions:correct", args=[999999])).status_code == 404


def test_the_form_links_tiltag_investments_and_recommendations(client, chef, plan, initiative):
    investment = InvestmentFactory(development_school__plan=plan)
    client.force_login(chef)

    response = client.post(
        reverse("decisions:create"),
        _form(initiatives=[initiative.pk], investments=[investment.pk]),
    )

    decision = Decision.objects.get()
    assert response["Location"] == reverse("decisions:detail", args=[decision.pk])
    assert list(decision.initiatives.all()) == [initiative]
    assert list(decision.investments.all()) == [investment]


def test_the_form_starts_with_the_tiltag_it_came_from(client, chef, initiative):
    client.force_login(chef)
    response = client.get(reverse("decisions:create") + f"?tiltag={initiative.pk}")
    assert response.context["form"].initial["initiatives"] == [initiative.pk]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "", "text": "", "case_number": "", "meeting_date": ""}, "title"),
        ({"text": "x" * 2001}, "text"),
        ({"title": "y" * 251}, "title"),
        ({"case_number": "010190-1234"}, "case_number"),
        ({"case_number": "0101901234"}, "case_number"),
        ({"case_number": "01.01.90-1234"}, "case_number"),
        ({"text": "Om barnet 010190 1234."}, "text"),
        ({"meeting_date": "2026-12-24"}, "meeting_date"),
        ({"meeting_date": "0001-01-01"}, "meeting_date"),
        ({"body": "godkendende"}, "body"),
        ({"initiatives": ["99999999999999999999"]}, "initiatives"),
    ],
)
def test_the_form_refuses_bad_input_on_its_field_and_keeps_the_rest(
    client, chef, plan, overrides, field
):
    client.force_login(chef)
    response = client.post(reverse("decisions:create"), _form(**overrides))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Decision.objects.exists()
    assert "010190" not in response.text  # a CPR-like number is never sent back


def test_a_script_is_shown_as_text(client, chef, record):
    decision = record(title="<script>alert(1)</script>")
    client.force_login(chef)
    page = client.get(reverse("decisions:detail", args=[decision.pk])).text
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


def test_a_second_correction_of_the_same_row_is_a_conflict(client, chef, record):
    decision = record()
    client.force_login(chef)
    url = reverse("decisions:correct", args=[decision.pk])
    assert client.post(url, _form(title="Første")).status_code == 302

    response = client.post(url, _form(title="Anden"))

    assert response.status_code in (403, 409)
    assert Decision.objects.count() == 2


def test_the_page_shows_the_corrected_rows_as_history(client, chef, record):
    first = record(title="Forkert")
    corrected = record(title="Rigtig", corrects=first)
    client.force_login(chef)

    page = client.get(reverse("decisions:detail", args=[corrected.pk])).text
    old = client.get(reverse("decisions:detail", args=[first.pk])).text
    listing = client.get(reverse("decisions:list")).text

    assert "Forkert" in page and "Tidligere registreringer" in page
    assert "Denne registrering er rettet." in old
    assert "Rigtig" in listing and "Forkert" not in listing


def test_investment_links_are_shown_only_to_those_who_read_the_pool(
    client, chef, support, record, plan
):
    investment = InvestmentFactory(development_school__plan=plan, title="Læringsmiljøer")
    decision = record(investments=[investment])
    url = reverse("decisions:detail", args=[decision.pk])

    client.force_login(chef)
    assert "Læringsmiljøer" in client.get(url).text
    client.force_login(support)
    assert "Læringsmiljøer" not in client.get(url).text


def test_the_register_filters_by_tiltag(client, bfu, record, initiative, plan):
    other = InitiativeFactory(spor=initiative.spor)
    record(title="Om tiltaget", initiatives=[initiative])
    record(title="Om et andet", initiatives=[other])
    client.force_login(bfu)

    response = client.get(reverse("decisions:list") + f"?tiltag={initiative.pk}")
    partial = client.get(
        reverse("decisions:list") + f"?tiltag={initiative.pk}",
        headers={"HX-Request": "true", "HX-Target": "results"},
    )

    assert [d.title for d in response.context["decisions"]] == ["Om tiltaget"]
    assert "<html" not in partial.text and "Om tiltaget" in partial.text


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_the_tiltag_page_shows_its_decisions(client, persona, record, initiative):
    record(title="Beslutning om tiltaget", initiatives=[initiative])
    client.force_login(persona)

    page = client.get(reverse("tracks:initiative_detail", args=[initiative.pk])).text

    assert "Beslutninger" in page and "Beslutning om tiltaget" in page
    assert ("Registrér beslutning" in page) is (persona.username == "chef")


def test_the_investment_page_shows_its_decisions(client, bfu, record, plan):
    investment = InvestmentFactory(development_school__plan=plan)
    record(title="Bevilling godkendt", investments=[investment])
    client.force_login(bfu)

    page = client.get(reverse("investments:investment_detail", args=[investment.pk])).text

    assert "Bevilling godkendt" in page
    assert "Registrér beslutning" not in page


def test_the_register_and_the_panel_run_a_bounded_number_of_queries(
    client, chef, record, initiative, plan, django_assert_max_num_queries
):
    investment = InvestmentFactory(development_school__plan=plan)
    record(initiatives=[initiative], investments=[investment])
    client.force_login(chef)
    listing = reverse("decisions:list")
    # session, user, plan (page), filter choices: tiltag, investments, recommendations;
    # count, page of decisions, its tiltag, investments, recommendations, the menu's plan, the
    # header's unread notifications
    with django_assert_max_num_queries(14):
        assert client.get(listing).status_code == 200

    for i in range(40):
        record(title=f"Beslutning {i}", initiatives=[initiative], investments=[investment])
    with django_assert_max_num_queries(14):
        response = client.get(listing)
    assert len(response.context["decisions"]) == 25

    panel = reverse("tracks:initiative_detail", args=[initiative.pk])
    with django_assert_max_num_queries(30):
        page = client.get(panel)
    assert "Se alle 41 beslutninger" in page.text
