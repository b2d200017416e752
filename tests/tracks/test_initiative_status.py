"""Updating an initiative's status: plain form, htmx, validation and concurrent edits."""

import re

import pytest
from django.urls import reverse

from tracks.models import StatusUpdate

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "status-panel"}
NARRATIVE_REQUIRED = (
    "Skriv en beskrivelse af status, når sundheden er gul eller rød: "
    "hvad er udfordringen, og hvad gøres der ved den?"
)
CONFLICT = "En anden har opdateret status imens"


@pytest.fixture
def status_url(initiative):
    return reverse("tracks:initiative_status", args=[initiative.pk])


@pytest.fixture
def detail_url(initiative):
    return reverse("tracks:initiative_detail", args=[initiative.pk])


def _data(*, version=0, **overrides):
    return {
        "state": "i_gang",
        "health": "groen",
        "progress": "40",
        "narrative": "",
        "next_steps": "",
        "expected_version": str(version),
        **overrides,
    }


def _hidden_version(html: str) -> int:
    match = re.search(r'<input type="hidden" name="expected_version" value="(\d+)"', html)
    assert match, "the form carries the version it was opened at"
    return int(match.group(1))


def _tag(html: str, name: str) -> str:
    match = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', html)
    assert match, f"no field named {name}"
    return match.group(0)


# --- plain POST ------------------------------------------------------------------------------


def test_it_saves_a_status_and_redirects_to_the_detail_page(
    client, owner, initiative, status_url, detail_url
):
    client.force_login(owner)

    response = client.post(
        status_url,
        _data(narrative="Første hold er i gang.", next_steps="Evaluering i januar."),
    )

    assert response.status_code == 302
    assert response.url == detail_url
    update = StatusUpdate.objects.get()
    assert update.author == owner
    assert update.version == 1
    assert (update.state, update.health, update.progress) == ("i_gang", "groen", 40)
    assert update.narrative == "Første hold er i gang."
    assert update.next_steps == "Evaluering i januar."
    initiative.refresh_from_db()
    assert initiative.current_status == update
    assert initiative.version == 1


def test_it_confirms_the_save_on_the_detail_page(client, owner, status_url):
    client.force_login(owner)

    response = client.post(status_url, _data(narrative="Godt i gang."), follow=True)

    html = response.content.decode()
    assert "Status er gemt." in html
    assert "Godt i gang." in html


def test_it_keeps_every_status_update(client, owner, chef, initiative, status_url):
    client.force_login(owner)
    client.post(status_url, _data(version=0, progress="20", narrative="Opstart."))
    client.force_login(chef)
    client.post(
        status_url, _data(version=1, health="gul", progress="30", narrative="Mangler lokaler.")
    )

    rows = list(StatusUpdate.objects.order_by("version"))
    assert [(r.version, r.progress, r.author) for r in rows] == [(1, 20, owner), (2, 30, chef)]
    assert rows[0].narrative == "Opstart."
    assert rows[0].health == "groen"
    initiative.refresh_from_db()
    assert initiative.version == 2
    assert initiative.current_status == rows[1]


def test_it_opens_the_form_at_the_current_version_with_the_current_values(
    client, owner, status_url
):
    client.force_login(owner)
    client.post(status_url, _data(state="pause", health="gul", progress="35", narrative="Pause."))

    html = client.get(status_url).content.decode()

    assert _hidden_version(html) == 1
    assert 'value="pause" checked' in html
    assert 'value="gul" checked' in html
    assert 'value="35"' in _tag(html, "progress")
    # The narrative describes one moment; it starts empty for the next update.
    assert "Pause." not in html


# --- htmx ------------------------------------------------------------------------------------


def test_it_answers_an_htmx_get_with_only_the_form(client, owner, initiative, status_url):
    client.force_login(owner)

    response = client.get(status_url, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="status-panel"')
    assert f'hx-post="{status_url}"' in html
    assert _hidden_version(html) == initiative.version


def test_it_answers_an_htmx_post_with_the_status_panel(client, owner, status_url, detail_url):
    client.force_login(owner)

    response = client.post(
        status_url, _data(progress="65", narrative="Alle skoler er med."), **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="status-panel"')
    assert "Status er gemt." in html
    assert "Alle skoler er med." in html
    assert "65 %" in html
    assert 'class="status-entry"' in html
    assert StatusUpdate.objects.get().narrative == "Alle skoler er med."


def test_it_answers_htmx_cancel_with_the_status_panel(client, owner, detail_url):
    client.force_login(owner)

    response = client.get(detail_url, **HTMX)

    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="status-panel"')
    assert "Tiltaget har ingen statusopdatering endnu." in html


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize("progress", ["120", "-5"])
def test_it_refuses_progress_outside_0_to_100(client, owner, status_url, headers, progress):
    client.force_login(owner)

    response = client.post(status_url, _data(progress=progress), **headers)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Status er ikke gemt" in html
    assert (
        '<span class="form-error-message" id="id_progress-error">'
        '<span class="sr-only">Fejl:</span> Fremdriften skal være et tal mellem 0 og 100 %.</span>'
    ) in html
    progress_input = _tag(html, "progress")
    assert re.search(r'aria-describedby="[^"]*\bid_progress-error\b', progress_input)
    assert 'aria-invalid="true"' in progress_input
    assert f'value="{progress}"' in progress_input
    assert not StatusUpdate.objects.exists()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize("health", ["gul", "roed"])
@pytest.mark.parametrize("narrative", ["", "   \n "])
def test_it_requires_a_narrative_when_health_is_yellow_or_red(
    client, owner, initiative, status_url, headers, health, narrative
):
    client.force_login(owner)

    response = client.post(
        status_url, _data(health=health, narrative=narrative, next_steps="Møde"), **headers
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="form-error-message" id="id_narrative-error">' in html
    assert NARRATIVE_REQUIRED in html
    assert re.search(r'aria-describedby="[^"]*\bid_narrative-error\b', _tag(html, "narrative"))
    # The rest of the user's input survives the round trip.
    assert f'value="{health}" checked' in html
    assert not StatusUpdate.objects.exists()
    initiative.refresh_from_db()
    assert initiative.version == 0


def test_it_accepts_green_without_a_narrative(client, owner, status_url):
    client.force_login(owner)

    response = client.post(status_url, _data(health="groen", narrative=""))

    assert response.status_code == 302
    assert StatusUpdate.objects.get().narrative == ""


# --- concurrent edits ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "conflict_status"), [({}, 409), (HTMX, 200)], ids=["plain", "htmx"]
)
def test_it_keeps_the_second_editors_text_when_someone_saved_in_between(
    client, owner, chef, initiative, status_url, headers, conflict_status
):
    client.force_login(owner)
    opened_by_owner = _hidden_version(client.get(status_url).content.decode())
    client.force_login(chef)
    opened_by_chef = _hidden_version(client.get(status_url).content.decode())
    assert opened_by_owner == opened_by_chef == 0

    client.force_login(owner)
    first = client.post(
        status_url, _data(version=opened_by_owner, progress="50", narrative="Ejerens status.")
    )
    assert first.status_code == 302

    client.force_login(chef)
    mine = _data(
        version=opened_by_chef, health="gul", progress="45", narrative="Chefens egen tekst."
    )
    second = client.post(status_url, mine, **headers)

    html = second.content.decode()
    assert second.status_code == conflict_status
    assert CONFLICT in html
    assert "Ejerens status." in html  # what the other person saved
    assert "Chefens egen tekst." in _form_textarea(html, "narrative")
    assert 'value="45"' in _tag(html, "progress")
    assert _hidden_version(html) == 1
    assert list(StatusUpdate.objects.values_list("author", flat=True)) == [owner.pk]
    initiative.refresh_from_db()
    assert initiative.version == 1

    again = client.post(status_url, {**mine, "expected_version": "1"}, **headers)

    assert again.status_code == (302 if not headers else 200)
    assert StatusUpdate.objects.count() == 2
    initiative.refresh_from_db()
    assert initiative.version == 2
    assert initiative.current_status.author == chef
    assert initiative.current_status.narrative == "Chefens egen tekst."


def test_it_refuses_a_stale_version_even_after_a_conflict_was_shown(
    client, owner, chef, status_url
):
    client.force_login(owner)
    client.post(status_url, _data(version=0, narrative="A"))
    client.post(status_url, _data(version=1, narrative="B"))

    client.force_login(chef)
    response = client.post(status_url, _data(version=0, narrative="Gammel"))

    assert response.status_code == 409
    assert _hidden_version(response.content.decode()) == 2
    assert StatusUpdate.objects.count() == 2


def _form_textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, f"no textarea named {name}"
    return match.group(1)


def test_the_note_says_when_it_must_be_filled_in_instead_of_optional(client, chef, status_url):
    client.force_login(chef)

    html = client.get(status_url).content.decode()
    label = re.search(r'<label class="form-label" for="id_narrative">(.*?)</label>', html, re.S)

    assert "skal udfyldes ved gul og rød" in label.group(1)
    assert "valgfrit" not in label.group(1)
