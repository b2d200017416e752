"""The thread pages, the tiltag page's section and the actions, persona by persona."""

import datetime as dt

import pytest
from django.urls import reverse

from discussion.models import Comment
from discussion.services import comment_create, comment_mark_for_committee
from omstilling.models import Role
from tests.discussion.conftest import PERSONAS
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def _thread(target: str, pk: int) -> str:
    return reverse("discussion:thread", args=[target, pk])


@pytest.fixture
def comments(owner, chef, initiative):
    internal = comment_create(target=initiative, by=owner, text="Intern bemærkning")
    shown = comment_create(target=initiative, by=chef, text="Til udvalget", for_committee=True)
    return internal, shown


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_every_role_reads_a_thread_and_bfu_only_the_committees(
    client, persona, comments, initiative, local_milestone
):
    client.force_login(persona)

    page = client.get(_thread("tiltag", initiative.pk))
    milestone = client.get(_thread("milepael", local_milestone.pk))
    detail = client.get(reverse("tracks:initiative_detail", args=[initiative.pk])).text

    assert page.status_code == 200 and milestone.status_code == 200
    bfu = persona.role == Role.BFU
    assert "Til udvalget" in page.text and "Til udvalget" in detail
    assert ("Intern bemærkning" in page.text) is not bfu
    assert ("Intern bemærkning" in detail) is not bfu
    assert ("Skriv en kommentar" in page.text) is not bfu


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_every_role_but_bfu_writes(client, persona, initiative, local_milestone):
    client.force_login(persona)

    first = client.post(_thread("tiltag", initiative.pk), {"text": "Min kommentar"})
    second = client.post(_thread("milepael", local_milestone.pk), {"text": "Om milepælen"})

    if persona.role == Role.BFU:
        assert first.status_code == 403 and second.status_code == 403
        assert not Comment.objects.exists()
    else:
        comment = Comment.objects.get(initiative=initiative)
        assert first.status_code == 302
        assert first["Location"] == _thread("tiltag", initiative.pk) + f"#kommentar-{comment.pk}"
        assert Comment.objects.get(milestone=local_milestone).text == "Om milepælen"


def test_anonymous_visitors_are_sent_to_log_in(client, initiative):
    response = client.get(_thread("tiltag", initiative.pk))
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_thread_is_404(client, owner):
    client.force_login(owner)
    assert client.get(_thread("tiltag", 999999)).status_code == 404
    assert client.get(_thread("noget", 1)).status_code == 404


def test_htmx_posts_return_the_thread(client, owner, initiative):
    client.force_login(owner)
    response = client.post(
        _thread("tiltag", initiative.pk),
        {"text": "Via htmx"},
        headers={"HX-Request": "true", "HX-Target": "thread"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text and "Via htmx" in response.text
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("", "Skriv en kommentar."),
        ("x" * 2001, "højst 2000 tegn"),
        ("Om barnet 010190-1234", "CPR"),
        ("Om barnet 0101 90 1234", "CPR"),
    ],
)
def test_the_form_refuses_bad_text_on_its_field(client, owner, initiative, text, shown):
    client.force_login(owner)
    response = client.post(_thread("tiltag", initiative.pk), {"text": text})
    assert response.status_code == 200
    assert "text" in response.context["form"].errors
    assert "010190" not in response.text
    assert not Comment.objects.exists()


def test_a_script_is_shown_as_text(client, owner, initiative):
    comment_create(target=initiative, by=owner, text="<script>alert(1)</script>")
    client.force_login(owner)
    page = client.get(_thread("tiltag", initiative.pk)).text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_only_chefgruppen_may_mark_a_new_comment_for_the_committee(client, owner, initiative):
    client.force_login(owner)
    client.post(_thread("tiltag", initiative.pk), {"text": "Hej", "for_committee": "on"})
    assert Comment.objects.get().for_committee is False


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_only_the_author_edits_within_the_window(client, persona, owner, initiative, clock):
    comment = comment_create(target=initiative, by=owner, text="Min tekst")
    client.force_login(persona)
    url = reverse("discussion:edit", args=[comment.pk])
    author = persona == owner

    assert client.get(url).status_code == (
        200 if author else 403 if persona.role != Role.BFU else 403
    )
    response = client.post(url, {"text": "Rettet", "expected_version": "1"})
    assert response.status_code == (302 if author else 403)
    assert Comment.objects.get().text == ("Rettet" if author else "Min tekst")

    clock.shift(dt.timedelta(minutes=16))
    assert client.get(url).status_code == 403


def test_the_author_edits_and_the_history_page_shows_both(client, owner, bfu, initiative):
    comment = comment_create(target=initiative, by=owner, text="Første")
    client.force_login(owner)
    client.post(
        reverse("discussion:edit", args=[comment.pk]), {"text": "Anden", "expected_version": "1"}
    )

    history = client.get(reverse("discussion:history", args=[comment.pk]))
    assert "Første" in history.text and "Anden" in history.text

    client.force_login(bfu)
    assert client.get(reverse("discussion:history", args=[comment.pk])).status_code == 404


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_withdrawal_by_the_author_or_chefgruppen_leaves_a_marker(
    client, persona, owner, initiative
):
    comment = comment_create(target=initiative, by=owner, text="Fortrudt")
    client.force_login(persona)

    response = client.post(
        reverse("discussion:withdraw", args=[comment.pk]), {"expected_version": "1"}
    )

    allowed = persona == owner or persona.role == Role.CHEFGRUPPE
    if persona.role == Role.BFU:
        assert response.status_code == 403
    else:
        assert response.status_code == (302 if allowed else 403)
    comment.refresh_from_db()
    assert comment.is_withdrawn is allowed
    if allowed:
        page = client.get(_thread("tiltag", initiative.pk)).text
        assert "Kommentaren er trukket tilbage" in page and "Fortrudt" not in page


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_only_chefgruppen_marks_for_the_committee(client, persona, owner, bfu, initiative):
    comment = comment_create(target=initiative, by=owner, text="Vigtigt for udvalget")
    client.force_login(persona)

    response = client.post(
        reverse("discussion:mark", args=[comment.pk]),
        {"expected_version": "1", "for_committee": "1"},
    )

    chef = persona.role == Role.CHEFGRUPPE
    assert response.status_code == (302 if chef else 403)
    comment.refresh_from_db()
    assert comment.for_committee is chef
    client.force_login(bfu)
    assert ("Vigtigt for udvalget" in client.get(_thread("tiltag", initiative.pk)).text) is chef


def test_a_stale_action_is_refused_with_a_message(client, chef, owner, initiative):
    comment = comment_create(target=initiative, by=owner, text="Hej")
    comment_mark_for_committee(comment=comment, by=chef, for_committee=True, expected_version=1)
    client.force_login(chef)

    response = client.post(
        reverse("discussion:withdraw", args=[comment.pk]), {"expected_version": "1"}, follow=True
    )

    assert "ændret imens" in response.text
    comment.refresh_from_db()
    assert not comment.is_withdrawn


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_mention_suggestions_for_writers(client, persona, owner, leader):
    client.force_login(persona)
    url = reverse("discussion:suggestions")

    response = client.get(
        url, {"text": f"Spørg @{leader.username[:3]}"}, headers={"HX-Request": "true"}
    )

    if persona.role == Role.BFU:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert f"@{leader.username}" in response.text
        assert client.get(url, {"text": "Ingen omtale"}).text.strip() == ""


def test_suggestions_leave_out_inactive_users(client, owner, leader):
    leader.is_active = False
    leader.save()
    client.force_login(owner)
    response = client.get(reverse("discussion:suggestions"), {"text": f"@{leader.username}"})
    assert f"<strong>@{leader.username}" not in response.text
    assert "Ingen bruger passer" in response.text


def test_a_mention_in_the_form_notifies(client, owner, leader, initiative):
    client.force_login(owner)
    client.post(_thread("tiltag", initiative.pk), {"text": f"@{leader.username} kan du se på det?"})
    client.force_login(leader)
    assert "Du er nævnt" in client.get(reverse("notifications:list")).text


# The decisions section names the bodies as the tiltag's own plan does: it reads the plan when
# it is rendered (once, then kept in the cache).
DETAIL_QUERIES = 22


def test_pages_run_a_bounded_number_of_queries(
    client, chef, owner, initiative, django_assert_max_num_queries
):
    client.force_login(chef)
    thread = _thread("tiltag", initiative.pk)
    detail = reverse("tracks:initiative_detail", args=[initiative.pk])
    with django_assert_max_num_queries(12):
        client.get(thread)
    # The tiltag page's first request (its cached part is rendered: the milestones' pages are
    # counted and the tiltag read again, tests/tracks/test_detail_cache.py).
    with django_assert_max_num_queries(DETAIL_QUERIES):
        client.get(detail)

    for i in range(40):
        comment_create(target=initiative, by=owner if i % 2 else chef, text=f"Kommentar {i}")
        MilestoneFactory(initiative=initiative)
    with django_assert_max_num_queries(12):
        page = client.get(thread)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        detail_page = client.get(detail)
    assert len(page.context["comments"]) == 30
    assert "Se hele drøftelsen (40 kommentarer)" in detail_page.text
