"""The "Drøftelse" section of the tiltag page kept rendered (discussion/panels.py, issue 11): a
comment shows on the next request; each viewer's own buttons (edit within the window, withdraw,
mark) and the comment form are rendered for every request, never taken from another viewer's
copy; BFU never gets a comment not marked for the committee; queries and HTML bounded."""

import datetime as dt
import re

from django.urls import reverse

from discussion.services import comment_create, comment_mark_for_committee
from tests.factories import MilestoneFactory

# A hit on the tiltag page as chefgruppen: the frame (session, user, the tiltag, the current
# plan, following, the header's plan and notifications); none for the sections (before: 14).
HIT_QUERIES = 8


def _detail(initiative) -> str:
    return reverse("tracks:initiative_detail", args=[initiative.pk])


def _get(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str) -> str:
    """The "Drøftelse" section of the page."""
    return html.split('id="discussion-heading"')[1].split("</section>")[0]


def _edit_url(comment) -> str:
    return reverse("discussion:edit", args=[comment.pk])


def test_a_new_comment_shows_on_the_next_request(client, chef, owner, initiative):
    url = _detail(initiative)
    assert "Der er ingen kommentarer endnu." in _get(client, chef, url)
    comment_create(target=initiative, by=owner, text="En helt ny kommentar")
    html = _get(client, chef, url)
    assert "En helt ny kommentar" in html
    assert "Der er ingen kommentarer endnu." not in html


def test_a_marking_shows_to_bfu_on_the_next_request(client, chef, bfu, owner, initiative):
    comment = comment_create(target=initiative, by=owner, text="Til udvalget senere")
    url = _detail(initiative)
    assert "Til udvalget senere" not in _get(client, bfu, url)
    comment_mark_for_committee(
        comment=comment, by=chef, for_committee=True, expected_version=comment.version
    )
    assert "Til udvalget senere" in _get(client, bfu, url)


def test_bfu_never_gets_a_hidden_comment_from_a_copy_cached_for_chefgruppen(
    client, chef, bfu, owner, initiative
):
    comment_create(target=initiative, by=owner, text="Intern bemærkning")
    url = _detail(initiative)
    chef_html = _get(client, chef, url)
    assert "Intern bemærkning" in chef_html
    assert "Skriv en kommentar" in chef_html
    bfu_html = _get(client, bfu, url)
    assert "Intern bemærkning" not in bfu_html
    assert "Skriv en kommentar" not in bfu_html
    assert "csrfmiddlewaretoken" not in _section(bfu_html)


def test_the_edit_link_is_the_authors_own_and_ends_with_the_window(
    client, chef, owner, other_owner, initiative, clock
):
    comment = comment_create(target=initiative, by=owner, text="Min egen kommentar")
    url = _detail(initiative)
    # The author first: the section is cached with their edit link rendered for them alone.
    owner_html = _get(client, owner, url)
    assert _edit_url(comment) in owner_html
    assert f'action="{reverse("discussion:withdraw", args=[comment.pk])}"' in owner_html
    # Another owner (same role, same key): the comment, but no edit or withdraw button.
    other_html = _get(client, other_owner, url)
    assert "Min egen kommentar" in other_html
    assert _edit_url(comment) not in other_html
    assert reverse("discussion:withdraw", args=[comment.pk]) not in other_html
    assert reverse("discussion:mark", args=[comment.pk]) not in other_html
    # Chefgruppen marks and withdraws any comment, edits none but their own.
    chef_html = _get(client, chef, url)
    assert reverse("discussion:mark", args=[comment.pk]) in chef_html
    assert _edit_url(comment) not in chef_html
    # The window closes with no write: the author's cached section loses the link.
    clock.shift(dt.timedelta(minutes=16))
    owner_html = _get(client, owner, url)
    assert "Min egen kommentar" in owner_html
    assert _edit_url(comment) not in owner_html
    assert reverse("discussion:withdraw", args=[comment.pk]) in owner_html


def test_the_forms_carry_a_token_of_each_request_never_a_cached_one(
    client, chef, owner, initiative
):
    comment_create(target=initiative, by=owner, text="Kommentar")
    url = _detail(initiative)

    def tokens(html: str) -> list[str]:
        return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', _section(html))

    first = tokens(_get(client, chef, url))
    second = tokens(_get(client, chef, url))  # from the cache
    assert len(first) == len(second) == 3  # the comment form, mark, withdraw
    assert not set(first) & set(second)


def test_queries_and_html_at_a_hit_do_not_grow_with_the_thread(
    client, chef, owner, initiative, django_assert_max_num_queries
):
    url = _detail(initiative)
    # A full section already: the 5 newest comments, a page of milestones and its pagination.
    for i in range(6):
        comment_create(target=initiative, by=owner, text=f"Kommentar {i}")
    for _ in range(11):
        MilestoneFactory(initiative=initiative)
    client.force_login(chef)
    client.get(url)  # the sections are cached
    with django_assert_max_num_queries(HIT_QUERIES) as small:
        small_html = client.get(url).content
    small_queries = len(small.captured_queries)

    for i in range(60):
        comment_create(target=initiative, by=owner if i % 2 else chef, text=f"Kommentar {i}")
        MilestoneFactory(initiative=initiative)
    client.get(url)
    with django_assert_max_num_queries(small_queries) as large:
        large_html = client.get(url).content
    assert len(large.captured_queries) == small_queries
    # 5 comments and a page of 10 milestones whatever the thread.
    small_section, large_section = _section(small_html.decode()), _section(large_html.decode())
    assert len(large_section) <= len(small_section) * 1.2
    assert "Se hele drøftelsen (66 kommentarer)" in large_section
