"""Who may reach which support-system page, persona by persona (supportsystem/urls.py)."""

import datetime as dt

import pytest
from django.urls import reverse

from supportsystem.models import ConcernType, Forloeb

PERSONA_FIXTURES = {
    "chef": "chef",
    "bfu": "bfu",
    "owner": "owner",
    "other_owner": "other_owner",
    "leader": "leader",
    "other_leader": "other_leader",
    "support": "support",
    "visitation": "visitation",
    "admin": "admin_user",
}
# Work on the forløb of `school`: støttesystem serving it and its leader.
FORLOEB_WORKERS = {"support", "leader"}
# Have forløb pages, but `school` is not theirs: its forløb answer 404.
OTHER_INSTITUTION = {"other_leader"}
NO_FORLOEB = set(PERSONA_FIXTURES) - FORLOEB_WORKERS - OTHER_INSTITUTION


@pytest.fixture
def persona(request):
    return request.getfixturevalue(PERSONA_FIXTURES[request.param])


@pytest.fixture
def forloeb(make_forloeb):
    return make_forloeb(label="3.b")


@pytest.fixture
def urls(forloeb):
    return {
        "forloeb_list": reverse("supportsystem:forloeb_list"),
        "forloeb_create": reverse("supportsystem:forloeb_create"),
        "forloeb_detail": reverse("supportsystem:forloeb_detail", args=[forloeb.pk]),
        "forloeb_step": reverse("supportsystem:forloeb_step", args=[forloeb.pk]),
        "forloeb_reopen": reverse("supportsystem:forloeb_reopen", args=[forloeb.pk]),
        "forloeb_find": reverse("supportsystem:forloeb_find"),
    }


GET_PAGES = ["forloeb_list", "forloeb_create", "forloeb_detail"]
POST_PAGES = ["forloeb_create", "forloeb_step", "forloeb_reopen", "forloeb_find"]
OBJECT_PAGES = ["forloeb_detail", "forloeb_step", "forloeb_reopen"]


def _post_data(page, circle, school):
    today = dt.date.today().isoformat()
    return {
        "forloeb_create": {
            "institution": school.pk,
            "concern_type": ConcernType.LAERINGSMILJOE,
            "opened_on": today,
        },
        "forloeb_step": {"to_stage": circle.opfoelgning.pk, "on": today},
        "forloeb_reopen": {
            "to_stage": circle.bekymring.pk,
            "on": today,
            "reason": "En ny runde.",
        },
        "forloeb_find": {"case_number": "SAG-1"},
    }[page]


@pytest.mark.parametrize("page", GET_PAGES + ["directory"])
def test_it_sends_anonymous_visitors_to_the_login(client, urls, page):
    url = urls.get(page) or reverse("supportsystem:directory")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", list(PERSONA_FIXTURES), indirect=True)
def test_every_staff_role_reads_the_directory(client, persona):
    client.force_login(persona)

    response = client.get(reverse("supportsystem:directory"))

    assert response.status_code == 200
    assert "Hvem kan hjælpe med hvad" in response.content.decode()


@pytest.mark.parametrize("persona", sorted(NO_FORLOEB), indirect=True)
@pytest.mark.parametrize("page", GET_PAGES)
def test_roles_without_forloeb_get_403_on_every_forloeb_page(client, persona, urls, page):
    client.force_login(persona)

    assert client.get(urls[page]).status_code == 403


@pytest.mark.parametrize("persona", sorted(NO_FORLOEB), indirect=True)
@pytest.mark.parametrize("page", POST_PAGES)
def test_roles_without_forloeb_cannot_write(client, persona, urls, page, circle, school, forloeb):
    client.force_login(persona)
    transitions = forloeb.transitions.count()

    response = client.post(urls[page], _post_data(page, circle, school))

    assert response.status_code == 403
    assert Forloeb.objects.count() == 1
    assert forloeb.transitions.count() == transitions


@pytest.mark.parametrize("persona", sorted(FORLOEB_WORKERS), indirect=True)
@pytest.mark.parametrize("page", GET_PAGES)
def test_staff_of_the_institution_read_its_forloeb(client, persona, urls, page, forloeb):
    client.force_login(persona)

    response = client.get(urls[page])

    assert response.status_code == 200
    if page == "forloeb_list":
        assert list(response.context["rows"]) == [forloeb]


@pytest.mark.parametrize("persona", sorted(FORLOEB_WORKERS), indirect=True)
def test_staff_of_the_institution_move_it_on(client, persona, urls, circle, school, forloeb):
    client.force_login(persona)

    response = client.post(urls["forloeb_step"], _post_data("forloeb_step", circle, school))

    assert response.status_code == 302
    forloeb.refresh_from_db()
    assert forloeb.current_stage == circle.opfoelgning
    assert forloeb.transitions.last().by == persona


@pytest.mark.parametrize("persona", sorted(OTHER_INSTITUTION), indirect=True)
@pytest.mark.parametrize("page", OBJECT_PAGES)
def test_a_forloeb_of_another_institution_is_not_found(client, persona, urls, page, circle, school):
    client.force_login(persona)

    response = (
        client.get(urls[page])
        if page == "forloeb_detail"
        else client.post(urls[page], _post_data(page, circle, school))
    )

    assert response.status_code == 404
    assert Forloeb.objects.get().current_stage == circle.bekymring


def test_the_list_shows_only_the_users_institutions(client, other_leader, forloeb, make_forloeb):
    theirs = make_forloeb(institution=other_leader.institutions.get(), label="4.c")
    client.force_login(other_leader)

    response = client.get(reverse("supportsystem:forloeb_list"))

    assert list(response.context["rows"]) == [theirs]
    assert "3.b" not in response.content.decode()


def test_nobody_opens_a_forloeb_at_an_institution_that_is_not_theirs(
    client, other_leader, circle, school
):
    client.force_login(other_leader)

    response = client.post(
        reverse("supportsystem:forloeb_create"), _post_data("forloeb_create", circle, school)
    )

    assert response.status_code == 200
    assert "institution" in response.context["form"].errors
    assert not Forloeb.objects.exists()
