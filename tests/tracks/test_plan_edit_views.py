"""The plan's edit pages, role by role, and their forms against bad input."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.factories import MilestoneFactory, UserFactory
from tracks.models import Initiative, Milestone, MilestoneEvent, Spor, Theme
from tracks.services import initiative_edit, milestone_replan, theme_create

NOW = dt.datetime(2025, 11, 24, 10, tzinfo=ZoneInfo("Europe/Copenhagen"))

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

# Pages of the plan's structure: chefgruppen only. Pages of a tiltag's content: its editors
# (chefgruppen and `initiative`'s owner). Its history: those and the administrators.
STRUCTURE_PAGES = ["spor_create", "spor_edit", "theme_create", "theme_edit", "initiative_create"]
CONTENT_PAGES = [
    "initiative_edit",
    "milestone_create",
    "milestone_edit",
    "milestone_replan",
    "milestone_cancel",
]
ARCHIVE_ENDPOINTS = ["spor_archive", "theme_archive", "initiative_archive", "milestone_archive"]
STRUCTURE_EDITORS = {"chef"}
CONTENT_EDITORS = {"chef", "owner"}
HISTORY_READERS = {"chef", "owner", "admin"}


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def persona(request):
    return request.getfixturevalue(PERSONA_FIXTURES[request.param])


@pytest.fixture
def theme(spor, chef):
    return theme_create(spor=spor, by=chef, title="Kompetenceudvikling")


@pytest.fixture
def milestone(initiative):
    return MilestoneFactory(initiative=initiative, planned_quarter=dt.date(2025, 4, 1))


@pytest.fixture
def urls(spor, theme, initiative, milestone):
    return {
        "spor_create": reverse("tracks:spor_create"),
        "spor_edit": reverse("tracks:spor_edit", args=[spor.pk]),
        "spor_archive": reverse("tracks:spor_archive", args=[spor.pk]),
        "theme_create": reverse("tracks:theme_create", args=[spor.pk]),
        "theme_edit": reverse("tracks:theme_edit", args=[theme.pk]),
        "theme_archive": reverse("tracks:theme_archive", args=[theme.pk]),
        "initiative_create": reverse("tracks:initiative_create", args=[spor.pk]),
        "initiative_edit": reverse("tracks:initiative_edit", args=[initiative.pk]),
        "initiative_archive": reverse("tracks:initiative_archive", args=[initiative.pk]),
        "initiative_history": reverse("tracks:initiative_history", args=[initiative.pk]),
        "milestone_create": reverse("tracks:milestone_create", args=[initiative.pk]),
        "milestone_edit": reverse("tracks:milestone_edit", args=[milestone.pk]),
        "milestone_replan": reverse("tracks:milestone_replan", args=[milestone.pk]),
        "milestone_cancel": reverse("tracks:milestone_cancel", args=[milestone.pk]),
        "milestone_archive": reverse("tracks:milestone_archive", args=[milestone.pk]),
        "replanned_list": reverse("tracks:replanned_list"),
    }


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
@pytest.mark.parametrize("page", STRUCTURE_PAGES)
def test_it_opens_structure_pages_to_chefgruppen_only(client, persona, urls, page, request):
    client.force_login(persona)
    expected = 200 if request.node.callspec.params["persona"] in STRUCTURE_EDITORS else 403
    assert client.get(urls[page]).status_code == expected


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
@pytest.mark.parametrize("page", CONTENT_PAGES)
def test_it_opens_content_pages_to_the_tiltag_editors(client, persona, urls, page, request):
    client.force_login(persona)
    expected = 200 if request.node.callspec.params["persona"] in CONTENT_EDITORS else 403
    assert client.get(urls[page]).status_code == expected


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_it_shows_the_history_to_chefgruppen_the_owner_and_administrators(
    client, persona, urls, request
):
    client.force_login(persona)
    expected = 200 if request.node.callspec.params["persona"] in HISTORY_READERS else 403
    assert client.get(urls["initiative_history"]).status_code == expected


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_every_role_reads_the_replanned_list(client, persona, urls):
    client.force_login(persona)
    assert client.get(urls["replanned_list"]).status_code == 200


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "chef"], indirect=True)
@pytest.mark.parametrize("endpoint", ARCHIVE_ENDPOINTS)
def test_only_chefgruppen_archives(client, persona, urls, endpoint, initiative, milestone):
    client.force_login(persona)
    response = client.post(urls[endpoint], {"expected_version": 0})
    assert response.status_code == 403
    assert not Initiative.objects.filter(archived_on__isnull=False).exists()
    assert not Milestone.objects.filter(archived_on__isnull=False).exists()


@pytest.mark.parametrize("page", STRUCTURE_PAGES + CONTENT_PAGES + ARCHIVE_ENDPOINTS)
def test_bfu_gets_403_on_every_write(client, bfu, urls, page, initiative):
    client.force_login(bfu)
    response = client.post(
        urls[page],
        {"title": "BFU skriver", "description": "x", "reason": "x", "expected_version": 0},
    )
    assert response.status_code == 403
    initiative.refresh_from_db()
    assert initiative.title != "BFU skriver"
    assert not Spor.objects.filter(title="BFU skriver").exists()


def test_other_owners_and_leaders_are_refused_writes(client, other_owner, leader, urls, milestone):
    for user in (other_owner, leader):
        client.force_login(user)
        response = client.post(
            urls["milestone_replan"],
            {"quarter": "2025-Q4", "reason": "Ikke min", "expected_version": 0},
        )
        assert response.status_code == 403
    assert not MilestoneEvent.objects.exists()


def test_chefgruppen_creates_a_tiltag(client, chef, spor, area, theme, school):
    client.force_login(chef)
    response = client.post(
        reverse("tracks:initiative_create", args=[spor.pk]),
        {
            "title": "Sprogarbejde i overgangen",
            "description": "En rammebeskrivelse.",
            "theme": theme.pk,
            "lead_area": area.pk,
            "owner": chef.pk,
            "start_quarter": "2025-Q2",
            "end_quarter": "2026-Q4",
            "institutions": [school.pk],
        },
    )
    initiative = Initiative.objects.get(title="Sprogarbejde i overgangen")
    assert response.status_code == 302
    assert response.url == reverse("tracks:initiative_detail", args=[initiative.pk])
    assert initiative.start_quarter == dt.date(2025, 4, 1)
    assert initiative.end_quarter == dt.date(2026, 10, 1)
    assert list(initiative.institutions.all()) == [school]


def test_the_owner_edits_only_the_description(client, owner, initiative):
    client.force_login(owner)
    url = reverse("tracks:initiative_edit", args=[initiative.pk])
    page = client.get(url)
    assert "title" not in page.context["form"].fields
    assert "Arkivér tiltaget" not in page.content.decode()

    response = client.post(
        url, {"description": "Ny beskrivelse", "title": "Forfalsket", "expected_version": 0}
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert (initiative.description, initiative.title) == (
        "Ny beskrivelse",
        "Fælles kompetenceforløb",
    )


def test_a_second_editor_keeps_their_input_and_sees_a_conflict(client, chef, owner, initiative):
    initiative_edit(initiative=initiative, by=owner, expected_version=0, description="Ejerens")
    client.force_login(chef)
    response = client.post(
        reverse("tracks:initiative_edit", args=[initiative.pk]),
        {
            "title": "Chefens titel",
            "description": "Chefens tekst",
            "lead_area": initiative.lead_area_id,
            "start_quarter": "2025-Q1",
            "expected_version": 0,
        },
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "En anden har gemt en ændring imens" in body
    assert "Chefens tekst" in body
    assert response.context["form"]["expected_version"].value() == 1
    initiative.refresh_from_db()
    assert initiative.description == "Ejerens"


def test_replan_needs_a_reason_and_keeps_what_was_typed(client, owner, milestone):
    client.force_login(owner)
    url = reverse("tracks:milestone_replan", args=[milestone.pk])
    response = client.post(url, {"quarter": "2025-Q4", "reason": "", "expected_version": 0})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Skriv en begrundelse."]
    assert 'value="2025-Q4" selected' in response.content.decode()

    response = client.post(
        url, {"quarter": "2025-Q4", "reason": "Underviserne er ikke klar", "expected_version": 0}
    )
    assert response.status_code == 302
    detail = client.get(reverse("tracks:initiative_detail", args=[milestone.initiative_id]))
    assert (
        "Flyttet fra 2. kvartal 2025 til 4. kvartal 2025: Underviserne er ikke klar"
        in detail.content.decode()
    )


def test_cancel_needs_a_reason(client, chef, milestone):
    client.force_login(chef)
    url = reverse("tracks:milestone_cancel", args=[milestone.pk])
    response = client.post(url, {"reason": "   ", "expected_version": 0})
    assert response.context["form"].errors["reason"]
    client.post(url, {"reason": "Indgår i et andet tiltag", "expected_version": 0})
    milestone.refresh_from_db()
    assert milestone.is_cancelled and milestone.cancel_reason == "Indgår i et andet tiltag"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "Skriv en titel."),
        ({"title": "x" * 251}, "title", "højst være 250 tegn"),
        ({"description": "y" * 4001}, "description", "højst være 4000 tegn"),
        ({"description": "Barnet 010190-1234 flytter"}, "description", "CPR-nummer"),
        ({"quarter": "2030-Q1"}, "quarter", "Vælg et af planens kvartaler."),
        ({"quarter": "2025-13"}, "quarter", "Vælg et af planens kvartaler."),
        ({"quarter": "2024-Q2"}, "quarter", "tiltagets periode"),
        ({"quarter": ""}, "quarter", "Vælg et kvartal."),
        ({"institution": "99999999999999999999999"}, "institution", "gyldig valgmulighed"),
    ],
)
def test_the_milestone_form_refuses_bad_input(client, chef, initiative, data, field, message):
    client.force_login(chef)
    values = {"title": "Milepæl", "description": "", "quarter": "2025-Q3", **data}
    response = client.post(reverse("tracks:milestone_create", args=[initiative.pk]), values)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message.replace(".", "") in errors.replace(".", "")
    assert not Milestone.objects.filter(initiative=initiative).exists()


def test_a_script_is_stored_as_text_and_shown_escaped(client, chef, initiative):
    client.force_login(chef)
    client.post(
        reverse("tracks:milestone_create", args=[initiative.pk]),
        {"title": "<script>alert(1)</script>", "description": "", "quarter": "2025-Q3"},
    )
    detail = client.get(reverse("tracks:initiative_detail", args=[initiative.pk])).content.decode()
    assert "<script>alert(1)</script>" not in detail
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail


def test_the_tiltag_form_refuses_a_quarter_outside_the_plan(client, chef, spor, area):
    client.force_login(chef)
    response = client.post(
        reverse("tracks:initiative_create", args=[spor.pk]),
        {"title": "Tiltag", "lead_area": area.pk, "start_quarter": "2023-Q1"},
    )
    assert response.context["form"].errors["start_quarter"]
    assert not Initiative.objects.filter(title="Tiltag").exists()


def _later(minutes: int):
    return time_machine.travel(NOW + dt.timedelta(minutes=minutes), tick=False)


def test_the_history_shows_before_and_after(client, chef, owner, initiative, milestone):
    with _later(1):
        initiative_edit(initiative=initiative, by=owner, expected_version=0, description="Efter")
    with _later(2):
        milestone_replan(
            milestone=milestone,
            by=chef,
            to_quarter=dt.date(2025, 10, 1),
            reason="Forsinket af ferien",
            expected_version=0,
        )
    client.force_login(chef)
    response = client.get(reverse("tracks:initiative_history", args=[initiative.pk]))
    entries = response.context["page"].object_list
    moved = entries[0]
    assert moved.reason == "Forsinket af ferien"
    assert [(c.label, c.before, c.after) for c in moved.changes] == [
        ("Planlagt kvartal", "2. kvartal 2025", "4. kvartal 2025"),
        ("Oprindeligt kvartal", "–", "2. kvartal 2025"),
    ]
    edited = entries[1]
    assert [(c.before, c.after) for c in edited.changes] == [("Et tiltag i planen.", "Efter")]
    assert str(edited.who) == str(owner)


# The history page: 1. session 2. user 3. the tiltag 4–5. the count of each table's records
# 6–7. a page of each (8. the tiltag's institution snapshots) 9–11. the records before them
# (and their snapshots) 12–… the names the changes point to (one query per kind, ≤ 6), whatever
# the length of the history; the unread notifications in the header.
HISTORY_QUERIES = 17


def test_the_history_is_paged_and_bounded(
    client, chef, initiative, milestone, django_assert_max_num_queries
):
    client.force_login(chef)
    url = reverse("tracks:initiative_history", args=[initiative.pk])
    with django_assert_max_num_queries(HISTORY_QUERIES):
        client.get(url)
    for i in range(40):
        with _later(i + 1):
            initiative_edit(initiative=initiative, by=chef, expected_version=i, title=f"Titel {i}")
    with django_assert_max_num_queries(HISTORY_QUERIES):
        response = client.get(url)
    page = response.context["page"]
    assert len(page.object_list) == 20
    assert page.paginator.count == 42  # 2 created + 40 edits
    assert page.object_list[0].changes[0].after == "Titel 39"
    last = client.get(url, {"side": "3"}).context["page"]
    assert [e.kind for e in last.object_list][-2:] == ["created", "created"]


def test_the_history_names_the_institutions_before_and_after(client, chef, initiative, school):
    with _later(1):
        initiative_edit(initiative=initiative, by=chef, expected_version=0, institutions=[school])
    client.force_login(chef)
    response = client.get(reverse("tracks:initiative_history", args=[initiative.pk]))
    changes = response.context["page"].object_list[0].changes
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("Berørte institutioner", "–", "Skole A (demo)")
    ]


def test_archived_content_stays_readable_and_is_marked(client, chef, initiative):
    client.force_login(chef)
    client.post(reverse("tracks:initiative_archive", args=[initiative.pk]), {"expected_version": 0})
    detail = client.get(reverse("tracks:initiative_detail", args=[initiative.pk]))
    assert detail.status_code == 200
    assert "Arkiveret" in detail.content.decode()
    overview = client.get(reverse("tracks:overview")).content.decode()
    assert "1 arkiveret tiltag" in overview
    listing = client.get(reverse("tracks:initiative_list"))
    assert initiative not in listing.context["initiatives"]


def test_a_theme_archive_refusal_is_a_message(client, chef, theme, initiative):
    initiative.theme = theme
    initiative.save()
    client.force_login(chef)
    response = client.post(
        reverse("tracks:theme_archive", args=[theme.pk]), {"expected_version": 0}, follow=True
    )
    assert "Flyt eller arkivér dem først" in response.content.decode()
    assert not Theme.objects.get(pk=theme.pk).is_archived


def test_a_member_of_the_owning_group_edits_content(client, initiative, milestone):
    from tests.factories import GovernanceBodyFactory

    member = UserFactory(role="initiativejer")
    body = GovernanceBodyFactory(plan=initiative.plan)
    body.members.add(member)
    initiative.owner_body = body
    initiative.save()
    client.force_login(member)
    assert client.get(reverse("tracks:milestone_replan", args=[milestone.pk])).status_code == 200


def test_htmx_swaps_the_replan_form_into_the_row_and_the_saved_row_back(client, owner, milestone):
    client.force_login(owner)
    url = reverse("tracks:milestone_replan", args=[milestone.pk])
    form = client.get(url, headers={"HX-Request": "true"})
    body = form.content.decode()
    assert "<html" not in body
    assert f'hx-target="#milestone-{milestone.pk}"' in body
    assert "HX-Request" in form["Vary"]

    refused = client.post(
        url,
        {"quarter": "2025-Q4", "reason": "", "expected_version": 0},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 200
    assert "Skriv en begrundelse." in refused.content.decode()

    saved = client.post(
        url,
        {"quarter": "2025-Q4", "reason": "Ferien kom i vejen", "expected_version": 0},
        headers={"HX-Request": "true"},
    )
    body = saved.content.decode()
    assert saved.status_code == 200
    assert "<html" not in body
    assert "Milepælen er flyttet." in body
    assert "Flyttet fra 2. kvartal 2025 til 4. kvartal 2025: Ferien kom i vejen" in body


def test_htmx_keeps_the_input_of_a_second_editor(client, chef, owner, milestone):
    from tracks.services import milestone_edit

    milestone_edit(milestone=milestone, by=chef, expected_version=0, title="Ny", description="")
    client.force_login(owner)
    response = client.post(
        reverse("tracks:milestone_cancel", args=[milestone.pk]),
        {"reason": "Min begrundelse", "expected_version": 0},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert "En anden har gemt en ændring imens" in body
    assert "Min begrundelse" in body
    milestone.refresh_from_db()
    assert not milestone.is_cancelled


# The re-planned list: 1. session 2. user 3. plan (viewed) 4. the count 5. a page of re-plans
# with their milestone, tiltag and who 6. the plan for the page header (when not cached)
# 7. the unread notifications in the header.
REPLANNED_QUERIES = 7


def test_the_replanned_list_is_paged_and_bounded(
    client, chef, initiative, django_assert_max_num_queries
):
    client.force_login(chef)
    url = reverse("tracks:replanned_list")
    with django_assert_max_num_queries(REPLANNED_QUERIES):
        client.get(url, {"kvartal": "2025-Q4"})
    for i in range(30):
        moved = MilestoneFactory(initiative=initiative, planned_quarter=dt.date(2025, 4, 1))
        milestone_replan(
            milestone=moved,
            by=chef,
            to_quarter=dt.date(2025, 10, 1),
            reason=f"Grund {i}",
            expected_version=0,
        )
    with django_assert_max_num_queries(REPLANNED_QUERIES):
        response = client.get(url, {"kvartal": "2025-Q4"})
    page = response.context["page"]
    assert page.paginator.count == 30
    assert len(page.object_list) == 25
    assert "30 flytninger i 4. kvartal 2025" in response.content.decode()
    assert client.get(url, {"kvartal": "2025-Q3"}).context["page"].paginator.count == 0
    assert client.get(url, {"kvartal": "<script>"}).status_code == 200


# The tiltag's edit form for chefgruppen: session, user, tiltag, current plan's pk, its plan,
# its institutions and recommendations (the initial values), the six choices (themes, areas,
# users, bodies, institutions, recommendations), the plan for the header, the unread
# notifications in the header: 15, whatever the size.
EDIT_FORM_QUERIES = 15


def test_the_edit_form_reads_a_fixed_number_of_queries(
    client, chef, initiative, django_assert_max_num_queries
):
    from tests.factories import (
        InstitutionFactory,
        RecommendationFactory,
        RecommendationThemeFactory,
    )

    client.force_login(chef)
    url = reverse("tracks:initiative_edit", args=[initiative.pk])
    with django_assert_max_num_queries(EDIT_FORM_QUERIES):
        client.get(url)
    theme = RecommendationThemeFactory(plan=initiative.plan)
    for _ in range(20):
        initiative.institutions.add(InstitutionFactory())
        RecommendationFactory(theme=theme).initiatives.add(initiative)
        UserFactory(role="initiativejer")
    with django_assert_max_num_queries(EDIT_FORM_QUERIES):
        response = client.get(url)
    assert len(response.context["form"]["institutions"].value()) == 20
