"""The notification list, its marks and the e-mail choice: a person's own, for every role;
the count in the header; "Følg tiltag" on a tiltag's page."""

import pytest
from django.urls import reverse

from notifications.models import EmailChoice, Follow, Notification, NotificationKind
from notifications.services import email_choice_of, notify
from tests.factories import InitiativeFactory

PERSONAS = ["chef", "bfu", "owner", "leader", "support", "visitation", "admin_user"]


def _notify(initiative, user, key="v:1", kind=NotificationKind.UPDATE_REQUESTED):
    return notify([user], kind, target=initiative, event_key=key, text="Husk runden")[0]


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lists_only_the_users_own_notifications(client, request, persona, initiative, chef):
    user = request.getfixturevalue(persona)
    other = request.getfixturevalue("owner" if persona != "owner" else "leader")
    _notify(initiative, user, key="mine")
    _notify(initiative, other, key="theirs")
    client.force_login(user)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1
    assert response.context["page"].object_list[0].recipient == user
    assert "Husk runden" in response.content.decode()


def test_it_sends_the_anonymous_to_log_in(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert "/log-ind/" in response.url


def test_it_refuses_a_user_without_a_role(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(role=""))
    assert client.get(reverse("notifications:list")).status_code == 403


def test_it_shows_the_unread_count_in_the_header(client, initiative, owner):
    for i in range(3):
        _notify(initiative, owner, key=f"h:{i}")
    client.force_login(owner)
    page = client.get(reverse("tracks:overview")).content.decode()
    assert "notification-count" in page
    assert '<span class="badge">3<span class="sr-only"> ulæste</span>' in page


def test_the_header_count_is_one_query(client, owner, initiative, django_assert_num_queries):
    from django.template import Context, Template
    from django.test import RequestFactory

    from notifications.context_processors import unread

    _notify(initiative, owner)
    request = RequestFactory().get("/")
    request.user = owner
    with django_assert_num_queries(1):
        count = unread(request)["unread_notifications"]
        assert Template("{{ n }}").render(Context({"n": count})) == "1"


def test_it_filters_unread_and_marks_one_read(client, initiative, owner):
    first = _notify(initiative, owner, key="a")
    _notify(initiative, owner, key="b")
    client.force_login(owner)
    response = client.post(reverse("notifications:mark_read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    response = client.get(reverse("notifications:list"), {"vis": "ulaeste"})
    assert [n.event_key for n in response.context["page"].object_list] == ["b"]


def test_marking_read_with_htmx_returns_the_row(client, initiative, owner):
    n = _notify(initiative, owner)
    client.force_login(owner)
    response = client.post(reverse("notifications:mark_read", args=[n.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="notification-{n.pk}"' in body
    assert "Markér som læst" not in body
    assert "HX-Request" in response["Vary"]


def test_the_filter_with_htmx_returns_the_results(client, initiative, owner):
    _notify(initiative, owner)
    client.force_login(owner)
    response = client.get(
        reverse("notifications:list"),
        {"vis": "ulaeste"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="notification-results",
    )
    body = response.content.decode()
    assert 'id="notification-results"' in body
    assert "<h1>" not in body


def test_it_marks_all_read(client, initiative, owner):
    for i in range(3):
        _notify(initiative, owner, key=f"m:{i}")
    client.force_login(owner)
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=owner, read_at__isnull=True).exists()


def test_nobody_marks_or_opens_anothers_notification(client, initiative, owner, leader):
    n = _notify(initiative, owner)
    client.force_login(leader)
    assert client.post(reverse("notifications:mark_read", args=[n.pk])).status_code == 404
    assert client.post(reverse("notifications:open", args=[n.pk])).status_code == 404
    client.post(reverse("notifications:mark_all_read"))
    n.refresh_from_db()
    assert n.read_at is None


def test_opening_marks_read_and_goes_to_the_thing(client, initiative, owner):
    n = _notify(initiative, owner)
    client.force_login(owner)
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 405
    n.refresh_from_db()
    assert n.read_at is None
    response = client.post(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302
    assert response.url == f"/plan/tiltag/{initiative.pk}/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_marking_needs_post(client, initiative, owner):
    n = _notify(initiative, owner)
    client.force_login(owner)
    assert client.get(reverse("notifications:mark_read", args=[n.pk])).status_code == 405
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_user_chooses_their_email(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    response = client.post(reverse("notifications:preferences"), {"email": EmailChoice.DIGEST})
    assert response.status_code == 302
    assert email_choice_of(user.__class__.objects.get(pk=user.pk)) == EmailChoice.DIGEST


def test_a_bad_email_choice_is_an_error_on_the_field(client, owner):
    client.force_login(owner)
    response = client.post(reverse("notifications:preferences"), {"email": "always"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]


def test_the_list_is_bounded(client, initiative, owner, django_assert_max_num_queries):
    for i in range(60):
        _notify(initiative, owner, key=f"many:{i}")
    client.force_login(owner)
    # session, user, count, page, header count, plan (header) …
    with django_assert_max_num_queries(10):
        response = client.get(reverse("notifications:list"))
    assert len(response.context["page"].object_list) == 25
    assert "Side 1 af 3" in response.content.decode()


# --- Følg tiltag --------------------------------------------------------------------------

FOLLOWERS = ["chef", "owner", "leader", "support", "visitation", "admin_user"]


@pytest.mark.parametrize("persona", FOLLOWERS)
def test_it_follows_and_unfollows_a_tiltag(client, request, persona, initiative):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    url = reverse("tracks:initiative_follow", args=[initiative.pk])
    page = client.get(reverse("tracks:initiative_detail", args=[initiative.pk])).content.decode()
    assert "Følg tiltag" in page
    assert client.post(url, {"follow": "1"}).status_code == 302
    assert Follow.objects.filter(user=user, target_id=initiative.pk).exists()
    page = client.get(reverse("tracks:initiative_detail", args=[initiative.pk])).content.decode()
    assert "Følg ikke længere" in page
    response = client.post(url, {"follow": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Følg tiltag" in response.content.decode()
    assert not Follow.objects.filter(user=user).exists()


def test_bfu_neither_follows_nor_sees_the_button(client, bfu, initiative):
    client.force_login(bfu)
    page = client.get(reverse("tracks:initiative_detail", args=[initiative.pk])).content.decode()
    assert "Følg tiltag" not in page
    url = reverse("tracks:initiative_follow", args=[initiative.pk])
    assert client.post(url, {"follow": "1"}).status_code == 403
    assert not Follow.objects.exists()


def test_following_a_missing_tiltag_is_404(client, chef, initiative):
    client.force_login(chef)
    response = client.post(reverse("tracks:initiative_follow", args=[initiative.pk + 999]))
    assert response.status_code == 404


def test_following_an_earlier_plans_tiltag_is_allowed_to_read_only(client, chef, initiative):
    # following writes nothing of the plan: a tiltag of any plan the user reads may be followed
    other = InitiativeFactory()
    client.force_login(chef)
    url = reverse("tracks:initiative_follow", args=[other.pk])
    assert client.post(url, {"follow": "1"}).status_code == 302
