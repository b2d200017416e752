"""Who may see and do what on every page of tracks/urls.py, persona by persona."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from omstilling.models import Role
from tests.factories import GovernanceBodyFactory, MilestoneFactory, UserFactory
from tracks.models import Milestone, MilestoneEvent, StatusUpdate
from tracks.services import milestone_complete

NOW = dt.datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Europe/Copenhagen"))
TODAY = NOW.date()

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
PERSONAS = list(PERSONA_FIXTURES)

# Who may update the status of `initiative` (owned by `owner`, no owning body).
STATUS_EDITORS = {"chef", "owner"}
# Who may complete (and undo) `local_milestone` (of `initiative`, institution `school`).
MILESTONE_EDITORS = {"chef", "owner", "leader"}

READ_PAGES = ["overview", "initiative_list", "initiative_detail", "my_milestones"]


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def persona(request):
    return request.getfixturevalue(PERSONA_FIXTURES[request.param])


@pytest.fixture
def urls(initiative, local_milestone):
    return {
        "overview": reverse("tracks:overview"),
        "initiative_list": reverse("tracks:initiative_list"),
        "initiative_detail": reverse("tracks:initiative_detail", args=[initiative.pk]),
        "initiative_status": reverse("tracks:initiative_status", args=[initiative.pk]),
        "my_milestones": reverse("tracks:my_milestones"),
        "milestone_complete": reverse("tracks:milestone_complete", args=[local_milestone.pk]),
        "milestone_undo": reverse("tracks:milestone_undo", args=[local_milestone.pk]),
    }


def _status_data(initiative, **overrides):
    return {
        "state": "i_gang",
        "health": "groen",
        "progress": "50",
        "narrative": "",
        "next_steps": "",
        "expected_version": str(initiative.version),
        **overrides,
    }


def _complete_data(**overrides):
    return {"completed_on": TODAY.isoformat(), "note": "", **overrides}


# --- anonymous -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "overview",
        "initiative_list",
        "initiative_detail",
        "initiative_status",
        "my_milestones",
        "milestone_complete",
        "milestone_undo",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_sends_anonymous_visitors_to_the_login_page(client, urls, name, method):
    url = urls[name]

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"
    assert response.url.startswith("/log-ind/")


def test_it_writes_nothing_for_anonymous_posts(client, urls, initiative, local_milestone):
    client.post(urls["initiative_status"], _status_data(initiative))
    client.post(urls["milestone_complete"], _complete_data())

    assert StatusUpdate.objects.count() == 0
    assert MilestoneEvent.objects.count() == 0


# --- reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
@pytest.mark.parametrize("page", READ_PAGES)
def test_it_shows_the_reading_pages_to_every_role(client, urls, persona, page, initiative):
    client.force_login(persona)

    response = client.get(urls[page])

    assert response.status_code == 200
    if page == "initiative_detail":
        assert initiative.title in response.content.decode()


def test_it_refuses_reading_pages_to_a_user_without_a_role(client, urls):
    client.force_login(UserFactory(username="uden-rolle", role=""))

    for page in READ_PAGES:
        assert client.get(urls[page]).status_code == 403, page


# --- status form -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_it_opens_the_status_form_only_for_editors(client, urls, persona, request):
    client.force_login(persona)

    response = client.get(urls["initiative_status"])

    name = request.node.callspec.params["persona"]
    assert response.status_code == (200 if name in STATUS_EDITORS else 403)


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_it_saves_a_status_only_for_editors(client, urls, initiative, persona, request):
    client.force_login(persona)

    response = client.post(urls["initiative_status"], _status_data(initiative))

    if request.node.callspec.params["persona"] in STATUS_EDITORS:
        assert response.status_code == 302
        assert StatusUpdate.objects.get().author == persona
    else:
        assert response.status_code == 403
        assert not StatusUpdate.objects.exists()
        initiative.refresh_from_db()
        assert initiative.version == 0
        assert initiative.current_status is None


def test_it_lets_a_member_of_the_owning_body_edit_the_status(client, urls, initiative, support):
    body = GovernanceBodyFactory()
    body.members.add(support)
    initiative.owner_body = body
    initiative.save()
    client.force_login(support)

    assert client.get(urls["initiative_status"]).status_code == 200
    response = client.post(urls["initiative_status"], _status_data(initiative))

    assert response.status_code == 302
    assert StatusUpdate.objects.get().author == support


def test_it_refuses_the_status_to_someone_outside_the_owning_body(
    client, urls, initiative, support, other_owner
):
    body = GovernanceBodyFactory()
    body.members.add(other_owner)
    initiative.owner_body = body
    initiative.save()
    client.force_login(support)

    assert client.get(urls["initiative_status"]).status_code == 403
    assert client.post(urls["initiative_status"], _status_data(initiative)).status_code == 403
    assert not StatusUpdate.objects.exists()


def test_it_never_lets_a_bfu_member_edit_even_as_a_body_member(client, urls, initiative, bfu):
    body = GovernanceBodyFactory()
    body.members.add(bfu)
    initiative.owner_body = body
    initiative.save()
    client.force_login(bfu)

    assert client.get(urls["initiative_status"]).status_code == 403
    assert client.post(urls["initiative_status"], _status_data(initiative)).status_code == 403
    assert not StatusUpdate.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_it_offers_the_status_button_only_to_editors(client, urls, initiative, persona, request):
    client.force_login(persona)

    html = client.get(urls["initiative_detail"]).content.decode()

    offered = f'href="{urls["initiative_status"]}"' in html
    assert offered == (request.node.callspec.params["persona"] in STATUS_EDITORS)


def test_it_hides_the_status_button_from_a_bfu_member_of_the_owning_body(
    client, urls, initiative, bfu
):
    body = GovernanceBodyFactory()
    body.members.add(bfu)
    initiative.owner_body = body
    initiative.save()
    client.force_login(bfu)

    html = client.get(urls["initiative_detail"]).content.decode()

    assert urls["initiative_status"] not in html


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_it_offers_marking_as_done_only_to_editors_and_local_leaders(
    client, urls, persona, request
):
    client.force_login(persona)

    html = client.get(urls["initiative_detail"]).content.decode()

    offered = urls["milestone_complete"] in html
    assert offered == (request.node.callspec.params["persona"] in MILESTONE_EDITORS)


# --- milestones ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_it_opens_the_completion_form_only_for_editors_and_local_leaders(
    client, urls, persona, request
):
    client.force_login(persona)

    response = client.get(urls["milestone_complete"])

    name = request.node.callspec.params["persona"]
    assert response.status_code == (200 if name in MILESTONE_EDITORS else 403)


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_it_completes_a_milestone_only_for_editors_and_local_leaders(
    client, urls, local_milestone, persona, request
):
    client.force_login(persona)

    response = client.post(urls["milestone_complete"], _complete_data())

    local_milestone.refresh_from_db()
    if request.node.callspec.params["persona"] in MILESTONE_EDITORS:
        assert response.status_code == 302
        assert local_milestone.completed_on == TODAY
        assert local_milestone.completed_by == persona
        assert MilestoneEvent.objects.get().kind == MilestoneEvent.Kind.COMPLETED
    else:
        assert response.status_code == 403
        assert local_milestone.completed_on is None
        assert not MilestoneEvent.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_it_undoes_a_completion_only_for_editors_and_local_leaders(
    client, urls, local_milestone, chef, persona, request
):
    milestone_complete(milestone=local_milestone, by=chef, completed_on=TODAY)
    client.force_login(persona)

    response = client.post(urls["milestone_undo"])

    local_milestone.refresh_from_db()
    kinds = list(MilestoneEvent.objects.order_by("pk").values_list("kind", flat=True))
    if request.node.callspec.params["persona"] in MILESTONE_EDITORS:
        assert response.status_code == 302
        assert local_milestone.completed_on is None
        assert kinds == [MilestoneEvent.Kind.COMPLETED, MilestoneEvent.Kind.REOPENED]
    else:
        assert response.status_code == 403
        assert local_milestone.completed_on == TODAY
        assert kinds == [MilestoneEvent.Kind.COMPLETED]


def test_it_refuses_a_leader_a_plan_wide_milestone(client, initiative, leader):
    plan_wide = MilestoneFactory(initiative=initiative, institution=None)
    client.force_login(leader)

    url = reverse("tracks:milestone_complete", args=[plan_wide.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _complete_data()).status_code == 403
    assert not MilestoneEvent.objects.exists()


def test_it_refuses_a_support_user_bound_to_the_institution(client, urls, support):
    # Støttesystemet serves the school but does not own its milestones.
    assert support.institutions.filter(name="Skole A (demo)").exists()
    assert support.role == Role.STOETTESYSTEM
    client.force_login(support)

    assert client.post(urls["milestone_complete"], _complete_data()).status_code == 403
    assert not MilestoneEvent.objects.exists()


def test_it_answers_undo_by_get_with_405(client, urls, leader):
    client.force_login(leader)

    assert client.get(urls["milestone_undo"]).status_code == 405


# --- unknown objects -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("initiative_detail", "get"),
        ("initiative_status", "get"),
        ("initiative_status", "post"),
        ("milestone_complete", "get"),
        ("milestone_complete", "post"),
        ("milestone_undo", "post"),
    ],
)
def test_it_answers_404_for_an_unknown_pk(client, chef, initiative, name, method):
    client.force_login(chef)

    response = getattr(client, method)(reverse(f"tracks:{name}", args=[999_999]))

    assert response.status_code == 404


def test_it_answers_404_on_the_overview_without_a_plan(client, chef):
    client.force_login(chef)

    assert client.get(reverse("tracks:overview")).status_code == 404
    assert client.get(reverse("tracks:initiative_list")).status_code == 404


# --- BFU never writes ------------------------------------------------------------------------


def test_it_refuses_every_write_by_a_bfu_member_and_writes_nothing(
    client, urls, initiative, local_milestone, school, chef, bfu
):
    completed = MilestoneFactory(initiative=initiative, institution=school)
    milestone_complete(milestone=completed, by=chef, completed_on=TODAY)
    statuses_before = StatusUpdate.objects.count()
    events_before = MilestoneEvent.objects.count()
    client.force_login(bfu)

    posts = [
        (urls["initiative_status"], _status_data(initiative)),
        (urls["milestone_complete"], _complete_data()),
        (reverse("tracks:milestone_complete", args=[completed.pk]), _complete_data()),
        (urls["milestone_undo"], {}),
        (reverse("tracks:milestone_undo", args=[completed.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
        assert client.post(url, data, HTTP_HX_REQUEST="true").status_code == 403, url

    assert StatusUpdate.objects.count() == statuses_before
    assert MilestoneEvent.objects.count() == events_before
    initiative.refresh_from_db()
    assert initiative.version == 0
    assert Milestone.objects.get(pk=local_milestone.pk).completed_on is None
    assert Milestone.objects.get(pk=completed.pk).completed_on == TODAY
