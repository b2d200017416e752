""" "Mine milepæle": a leader's list, marking milestones as done, undoing, and slippage."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.factories import InitiativeFactory, MilestoneFactory
from tracks.models import Milestone, MilestoneEvent

NOW = dt.datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Europe/Copenhagen"))
TODAY = NOW.date()
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "milestone-row"}
MINE = reverse("tracks:my_milestones")


@pytest.fixture
def traveller():
    with time_machine.travel(NOW) as traveller:
        yield traveller


@pytest.fixture
def milestones(traveller, initiative, school, other_school):
    """The leader's school has one upcoming and one overdue milestone (created in that order)."""
    upcoming = MilestoneFactory(
        initiative=initiative,
        institution=school,
        title="Forældremøde holdt",
        planned_quarter=dt.date(2027, 1, 1),
    )
    overdue = MilestoneFactory(
        initiative=initiative,
        institution=school,
        title="Lokal handleplan vedtaget",
        planned_quarter=dt.date(2026, 7, 1),  # due 30 September 2026
    )
    others = MilestoneFactory(
        initiative=initiative, institution=other_school, title="Den anden skoles milepæl"
    )
    plan_wide = MilestoneFactory(
        initiative=InitiativeFactory(spor=initiative.spor), title="Fælles milepæl for planen"
    )
    return {"upcoming": upcoming, "overdue": overdue, "others": others, "plan_wide": plan_wide}


def _complete_url(milestone):
    return reverse("tracks:milestone_complete", args=[milestone.pk])


def _undo_url(milestone):
    return reverse("tracks:milestone_undo", args=[milestone.pk])


def _kinds(milestone):
    return list(milestone.events.order_by("pk").values_list("kind", flat=True))


# --- the list --------------------------------------------------------------------------------


def test_it_shows_a_leader_only_their_own_institutions_milestones(client, leader, milestones):
    client.force_login(leader)

    response = client.get(MINE)

    html = response.content.decode()
    assert response.context["milestones"] == [milestones["overdue"], milestones["upcoming"]]
    assert "Lokal handleplan vedtaget" in html
    assert "Forældremøde holdt" in html
    assert "Den anden skoles milepæl" not in html
    assert "Fælles milepæl for planen" not in html
    assert "Dine institutioner: Skole A (demo)" in html


def test_it_shows_the_other_leader_only_the_other_school(client, other_leader, milestones):
    client.force_login(other_leader)

    response = client.get(MINE)

    assert response.context["milestones"] == [milestones["others"]]


def test_it_lists_overdue_milestones_first_and_done_ones_last(
    client, leader, milestones, initiative, school
):
    done = MilestoneFactory(
        initiative=initiative,
        institution=school,
        title="Allerede nået",
        planned_quarter=dt.date(2026, 1, 1),
        completed_on=dt.date(2026, 2, 1),
    )
    soon = MilestoneFactory(
        initiative=initiative,
        institution=school,
        title="Snart forfalden",
        planned_quarter=dt.date(2026, 10, 1),
        planned_date=dt.date(2026, 12, 1),
    )
    client.force_login(leader)

    html = client.get(MINE).content.decode()

    positions = [
        html.index(f'id="milestone-{m.pk}"')
        for m in (milestones["overdue"], soon, milestones["upcoming"], done)
    ]
    assert positions == sorted(positions)


def test_it_shows_overdue_milestones_as_delayed(client, leader, milestones):
    client.force_login(leader)

    html = client.get(MINE).content.decode()

    # Due 30 September, today is 24 November: 31 + 24 days.
    assert "Forsinket 55 dage" in html
    assert html.count("Forsinket") == 1
    assert "Planlagt" in html  # the upcoming one


def test_it_shows_late_completion_in_days(client, leader, milestones):
    overdue = milestones["overdue"]
    client.force_login(leader)
    client.post(_complete_url(overdue), {"completed_on": "2026-11-20"})

    html = client.get(MINE).content.decode()

    assert "Nået 51 dage for sent" in html
    assert "Forsinket" not in html


def test_it_shows_completion_on_time_without_slippage(client, leader, milestones):
    upcoming = milestones["upcoming"]
    client.force_login(leader)
    client.post(_complete_url(upcoming), {"completed_on": "2026-11-24"})

    html = client.get(MINE).content.decode()

    assert "for sent" not in html
    assert '<span class="badge badge-small badge-success">Nået</span>' in html


# --- marking as done -------------------------------------------------------------------------


def test_it_marks_a_milestone_as_done_and_returns_to_the_list(client, leader, milestones):
    overdue = milestones["overdue"]
    client.force_login(leader)

    response = client.post(
        _complete_url(overdue), {"completed_on": "2026-11-23", "note": " Vedtaget i MED. "}
    )

    assert response.status_code == 302
    assert response.url == MINE
    overdue.refresh_from_db()
    assert overdue.completed_on == dt.date(2026, 11, 23)
    assert overdue.completed_by == leader
    assert overdue.completion_note == "Vedtaget i MED."
    event = overdue.events.get()
    assert (event.kind, event.completed_on, event.by) == (
        MilestoneEvent.Kind.COMPLETED,
        dt.date(2026, 11, 23),
        leader,
    )
    page = client.get(MINE).content.decode()
    assert "Milepælen “Lokal handleplan vedtaget” er markeret som nået." in page


def test_it_returns_to_a_safe_next_page_only(client, leader, milestones, initiative):
    client.force_login(leader)
    detail = reverse("tracks:initiative_detail", args=[initiative.pk])

    inside = client.post(
        _complete_url(milestones["overdue"]), {"completed_on": "2026-11-24", "next": detail}
    )
    outside = client.post(
        _complete_url(milestones["upcoming"]),
        {"completed_on": "2026-11-24", "next": "https://example.com/"},
    )

    assert inside.url == detail
    assert outside.url == MINE


def test_it_marks_a_milestone_as_done_with_htmx(client, leader, milestones):
    overdue = milestones["overdue"]
    client.force_login(leader)

    form = client.get(_complete_url(overdue), **HTMX).content.decode()
    response = client.post(_complete_url(overdue), {"completed_on": "2026-11-24"}, **HTMX)

    assert "<html" not in form
    assert form.lstrip().startswith(f'<tr id="milestone-{overdue.pk}"')
    assert 'value="2026-11-24"' in form  # today is suggested
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith(f'<tr id="milestone-{overdue.pk}">')
    assert "Milepælen er markeret som nået." in html
    assert f'hx-post="{_undo_url(overdue)}"' in html
    overdue.refresh_from_db()
    assert overdue.completed_on == TODAY


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_refuses_a_completion_date_in_the_future(client, leader, milestones, headers):
    upcoming = milestones["upcoming"]
    client.force_login(leader)

    response = client.post(_complete_url(upcoming), {"completed_on": "2026-11-25"}, **headers)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_completed_on-error"' in html
    assert "Datoen kan ikke ligge i fremtiden." in html
    upcoming.refresh_from_db()
    assert upcoming.completed_on is None
    assert not MilestoneEvent.objects.exists()


def test_it_refuses_to_complete_a_milestone_twice(client, leader, milestones):
    overdue = milestones["overdue"]
    client.force_login(leader)
    client.post(_complete_url(overdue), {"completed_on": "2026-11-20"})

    response = client.post(_complete_url(overdue), {"completed_on": "2026-11-24"})

    assert response.status_code == 200
    assert "Milepælen er allerede markeret som afsluttet." in response.content.decode()
    overdue.refresh_from_db()
    assert overdue.completed_on == dt.date(2026, 11, 20)
    assert overdue.events.count() == 1


# --- undo ------------------------------------------------------------------------------------


def test_it_undoes_a_completion_the_same_day(client, leader, milestones, traveller):
    overdue = milestones["overdue"]
    client.force_login(leader)
    client.post(_complete_url(overdue), {"completed_on": "2026-11-24"})
    traveller.shift(dt.timedelta(hours=13))  # 23:00 the same (Danish) day
    client.force_login(leader)  # sessions last 10 hours

    response = client.post(_undo_url(overdue))

    assert response.status_code == 302
    assert response.url == MINE
    overdue.refresh_from_db()
    assert overdue.completed_on is None
    assert overdue.completed_by is None
    assert _kinds(overdue) == [MilestoneEvent.Kind.COMPLETED, MilestoneEvent.Kind.REOPENED]
    completed = overdue.events.get(kind=MilestoneEvent.Kind.COMPLETED)
    assert completed.completed_on == TODAY  # the log keeps what was undone
    assert (
        "Afslutningen af “Lokal handleplan vedtaget” er fortrudt."
        in client.get(MINE).content.decode()
    )


def test_it_undoes_a_completion_with_htmx(client, leader, milestones):
    overdue = milestones["overdue"]
    client.force_login(leader)
    client.post(_complete_url(overdue), {"completed_on": "2026-11-24"})

    response = client.post(_undo_url(overdue), **HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="milestone-{overdue.pk}">')
    assert "Afslutningen er fortrudt." in html
    assert f'hx-get="{_complete_url(overdue)}"' in html  # can be marked again
    assert _kinds(overdue) == [MilestoneEvent.Kind.COMPLETED, MilestoneEvent.Kind.REOPENED]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_refuses_to_undo_the_next_day(client, leader, milestones, traveller, headers):
    overdue = milestones["overdue"]
    client.force_login(leader)
    client.post(_complete_url(overdue), {"completed_on": "2026-11-24"})
    traveller.shift(dt.timedelta(hours=14))  # 00:00 the next (Danish) day
    client.force_login(leader)  # sessions last 10 hours

    page = client.get(MINE).content.decode()
    response = client.post(_undo_url(overdue), follow=not headers, **headers)

    assert f'action="{_undo_url(overdue)}"' not in page  # no undo button offered
    assert "kun fortrydes samme dag" in response.content.decode()
    overdue.refresh_from_db()
    assert overdue.completed_on == TODAY
    assert _kinds(overdue) == [MilestoneEvent.Kind.COMPLETED]


def test_it_can_complete_again_after_an_undo(client, leader, milestones):
    overdue = milestones["overdue"]
    client.force_login(leader)
    client.post(_complete_url(overdue), {"completed_on": "2026-11-24"})
    client.post(_undo_url(overdue))

    client.post(_complete_url(overdue), {"completed_on": "2026-11-21"})

    overdue.refresh_from_db()
    assert overdue.completed_on == dt.date(2026, 11, 21)
    assert _kinds(overdue) == [
        MilestoneEvent.Kind.COMPLETED,
        MilestoneEvent.Kind.REOPENED,
        MilestoneEvent.Kind.COMPLETED,
    ]


# --- query count -----------------------------------------------------------------------------

# "Mine milepæle" for a leader:
#   1. session  2. user  3. milestones with initiative, spor, institution, completed_by
#   4. the leader's governance bodies  5. the leader's institutions (both once, for access)
#   6–7. the leader's institutions for the page text  8. plan for the page header
#   9. the unread notifications in the header
MINE_QUERIES = 9


def test_it_reads_my_milestones_in_a_fixed_number_of_queries(
    client, leader, milestones, initiative, school, django_assert_max_num_queries
):
    client.force_login(leader)
    with django_assert_max_num_queries(MINE_QUERIES):
        client.get(MINE)

    for i in range(30):
        MilestoneFactory(
            initiative=InitiativeFactory(spor=initiative.spor),
            institution=school,
            planned_quarter=dt.date(2026, 1 + 3 * (i % 4), 1),
        )
    with django_assert_max_num_queries(MINE_QUERIES):
        response = client.get(MINE)

    assert len(response.context["milestones"]) == 32
    assert Milestone.objects.filter(institution=school).count() == 32


def test_row_ids_of_large_primary_keys_are_plain_numbers(client, leader, initiative, school):
    """With pks above 999 a localised "12.345" in an id broke the htmx targets (seen on
    PostgreSQL, whose sequences run on between tests)."""
    from tests.factories import MilestoneFactory

    MilestoneFactory(pk=12345, initiative=initiative, institution=school)
    client.force_login(leader)

    html = client.get("/plan/milepaele/mine/").content.decode()

    assert 'id="milestone-12345"' in html
    assert 'hx-target="#milestone-12345"' in html
