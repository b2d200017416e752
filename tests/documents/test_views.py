"""Attaching, downloading and withdrawing documents, persona by persona; the file is served only
through the portal's view, to whoever may read what it belongs to."""

import pytest
from django.test import Client
from django.urls import reverse

from decisions.services import decision_record
from documents.models import Document, DocumentWithdrawal
from documents.services import document_attach, document_withdraw
from omstilling.access import INVESTMENT_READERS
from tests.decisions.conftest import MEETING
from tests.documents.conftest import EXE, PDF, PERSONAS, docx, upload, zip_bomb
from tests.factories import InvestmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def investment(plan):
    return InvestmentFactory(development_school__plan=plan, title="Læringsmiljøer")


@pytest.fixture
def decision(plan, chef):
    return decision_record(
        plan=plan,
        by=chef,
        body="udvalg",
        meeting_date=MEETING,
        case_number="sag 12",
        title="Rammen godkendt",
        text="Godkendt.",
    )


@pytest.fixture
def attached(chef, initiative):
    return document_attach(
        target=initiative, by=chef, upload=upload("Sagsfremstilling.pdf", PDF), title=""
    )


def _attach_url(target: str, pk: int) -> str:
    return reverse("documents:attach", args=[target, pk])


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_only_chefgruppen_attaches(client, persona, initiative, investment, decision):
    client.force_login(persona)
    writer = persona.username == "chef"

    for target, pk in (
        ("tiltag", initiative.pk),
        ("investering", investment.pk),
        ("beslutning", decision.pk),
    ):
        url = _attach_url(target, pk)
        get = client.get(url)
        post = client.post(url, {"file": upload("Plan.pdf", PDF), "title": f"Plan for {target}"})
        if writer:
            assert get.status_code == 200
            assert post.status_code == 302
        else:
            # who may not read investments gets the pool's own 403; the others a 403 too
            assert get.status_code == 403 and post.status_code == 403
    assert Document.objects.count() == (3 if writer else 0)


def test_the_file_is_stored_under_a_random_name_and_only_through_the_view(
    client, chef, attached, document_storage, settings
):
    stored = attached.file.name
    assert "Sagsfremstilling" not in stored and len(stored) == 40
    assert (document_storage / stored).read_bytes() == PDF
    assert attached.title == "Sagsfremstilling" and attached.file_name == "Sagsfremstilling.pdf"
    client.force_login(chef)
    # MEDIA_URL is not served by the portal
    assert client.get(f"/{settings.MEDIA_URL}{stored}").status_code == 404
    assert client.get(f"/{settings.MEDIA_URL}dokumenter/{stored}").status_code == 404


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_every_role_downloads_a_tiltags_document(client, persona, attached):
    client.force_login(persona)

    response = client.get(reverse("documents:download", args=[attached.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="Sagsfremstilling.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_an_investments_document_only_for_the_pools_readers(client, persona, chef, investment):
    document = document_attach(target=investment, by=chef, upload=upload("Budget.pdf", PDF))
    client.force_login(persona)

    response = client.get(reverse("documents:download", args=[document.pk]))
    page = client.get(reverse("investments:investment_detail", args=[investment.pk]))

    reader = persona.role in INVESTMENT_READERS
    assert response.status_code == (200 if reader else 403)
    assert page.status_code == (200 if reader else 403)
    if reader:
        assert "Budget" in page.text and "Bilag" in page.text


def test_anonymous_visitors_get_nothing(client, attached):
    response = client.get(reverse("documents:download", args=[attached.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_document_that_does_not_exist_is_404(client, bfu):
    client.force_login(bfu)
    assert client.get(reverse("documents:download", args=[987654])).status_code == 404
    assert client.get(_attach_url("noget", 1)).status_code in (403, 404)


def test_a_non_ascii_name_is_given_encoded(client, chef, initiative):
    document = document_attach(
        target=initiative, by=chef, upload=upload("Bilag – økonomi æøå.pdf", PDF)
    )
    client.force_login(chef)
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "\r" not in response["Content-Disposition"] and "/" not in document.file_name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("program.pdf", EXE, "ikke en af de filtyper"),
        ("bombe.docx", zip_bomb(3 * 1024 * 1024), "fylder for meget"),
        ("tom.pdf", b"", "tom"),
        ("010190-1234.pdf", PDF, "CPR"),
        ("dokument.pdf", docx(), "navnet ender på"),
    ],
)
def test_the_form_refuses_a_bad_file_on_its_field(
    client, chef, initiative, settings, name, content, message
):
    settings.DOCUMENT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    client.force_login(chef)

    response = client.post(
        _attach_url("tiltag", initiative.pk), {"file": upload(name, content), "title": "Min titel"}
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert 'value="Min titel"' in response.text  # what was typed is kept
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "file"),
        ({"title": "x" * 251}, "title"),
        ({"title": "Om 010190-1234"}, "title"),
    ],
)
def test_the_form_refuses_a_missing_file_and_a_bad_title(client, chef, initiative, data, field):
    client.force_login(chef)
    if field != "file":
        data = {**data, "file": upload("Plan.pdf", PDF)}
    response = client.post(_attach_url("tiltag", initiative.pk), data)
    assert field in response.context["form"].errors
    assert "010190-1234" not in response.text
    assert not Document.objects.exists()


def test_a_too_large_upload_is_refused_before_it_is_read(client, chef, initiative, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    client.force_login(chef)

    response = client.post(
        _attach_url("tiltag", initiative.pk), {"file": upload("Stor.pdf", PDF + b"0" * 200_000)}
    )

    assert response.status_code == 413
    assert "for stor" in response.text
    assert not Document.objects.exists()


def test_the_upload_needs_the_csrf_token(chef, initiative):
    client = Client(enforce_csrf_checks=True)
    client.force_login(chef)
    response = client.post(_attach_url("tiltag", initiative.pk), {"file": upload("P.pdf", PDF)})
    assert response.status_code == 403
    assert not Document.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_only_chefgruppen_withdraws_and_the_marker_stays(client, persona, attached, initiative):
    client.force_login(persona)
    url = reverse("documents:withdraw", args=[attached.pk])
    writer = persona.username == "chef"

    assert client.get(url).status_code == (200 if writer else 403)
    response = client.post(url, {"reason": "Forkert udgave"})
    assert response.status_code == (302 if writer else 403)

    assert Document.objects.filter(pk=attached.pk).exists()
    assert DocumentWithdrawal.objects.exists() is writer
    page = client.get(reverse("tracks:initiative_detail", args=[initiative.pk])).text
    assert "Sagsfremstilling" in page
    assert ("Trukket tilbage" in page) is writer


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_a_withdrawn_file_is_fetched_by_chefgruppen_only(client, persona, chef, attached):
    document_withdraw(document=attached, by=chef, reason="Erstattet")
    client.force_login(persona)

    response = client.get(reverse("documents:download", args=[attached.pk]))

    assert response.status_code == (200 if persona.username == "chef" else 403)


def test_a_document_is_withdrawn_once(client, chef, attached):
    document_withdraw(document=attached, by=chef, reason="Erstattet")
    client.force_login(chef)
    response = client.post(reverse("documents:withdraw", args=[attached.pk]), {"reason": "Igen"})
    assert response.status_code == 200
    assert DocumentWithdrawal.objects.count() == 1


def test_the_withdraw_form_needs_a_screened_reason(client, chef, attached):
    client.force_login(chef)
    url = reverse("documents:withdraw", args=[attached.pk])
    for reason in ("", "Om barnet 0101901234", "x" * 301):
        response = client.post(url, {"reason": reason})
        assert "reason" in response.context["form"].errors
    assert not DocumentWithdrawal.objects.exists()


def test_the_decision_page_lists_its_documents(client, bfu, chef, decision):
    document_attach(target=decision, by=chef, upload=upload("Referat.docx", docx()))
    client.force_login(bfu)
    page = client.get(reverse("decisions:detail", args=[decision.pk])).text
    assert "Referat" in page and "Word-dokument (.docx)" in page
    assert "Tilføj bilag" not in page


def test_the_section_runs_a_bounded_number_of_queries(
    client, chef, initiative, django_assert_max_num_queries
):
    client.force_login(chef)
    url = reverse("tracks:initiative_detail", args=[initiative.pk])
    # The first request renders the tiltag page's cached part too (tracks.views._detail_body:
    # the milestone pages' counts, the tiltag and the plan read again for it); the second has
    # it from the cache (the documents' section is kept rendered too, documents/panels.py).
    # 19, one more than before: the section, paged now, counts its documents when it is built.
    with django_assert_max_num_queries(19):
        client.get(url)
    for i in range(25):
        document = document_attach(target=initiative, by=chef, upload=upload(f"B{i}.pdf", PDF))
        if i % 2:
            document_withdraw(document=document, by=chef, reason="Erstattet")
    with django_assert_max_num_queries(16):
        page = client.get(url).text
    # The older five on the section's second page (before: "Og 5 ældre bilag.", no link).
    assert "?bilag=2" in page
    assert "Viser 1–20 af 25." in page
