"""Update rounds (issue 13, part 1): chefgruppen opens a round, owners see "Mine opgaver" and
are notified on opening, before the deadline and after it (once each), chefgruppen follows the
round and asks an owner with one click, and closing it compiles the quarterly report once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications.models import Notification, NotificationKind
from omstilling.quarters import Quarter
from reports.archive.services import reports_request_scheduled
from reports.models import Report
from rounds.models import RoundItem, UpdateRound
from rounds.selectors import ItemState, add_working_days, reminder_day, round_overview
from rounds.services import (
    round_close,
    round_open,
    round_reminders_send,
    round_request_update,
    send_round_reminders,
)
from tests.factories import InitiativeFactory
from tracks.models import PlanWorkflow
from tracks.services import initiative_update_status, status_review

NOW = dt.datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Europe/Copenhagen"))  # a Tuesday
TODAY = NOW.date()
DEADLINE = dt.date(2026, 12, 4)  # a Friday
Q4 = Quarter(2026, 4)

PERSONA_FIXTURES = {
    "chef": "chef",
    "bfu": "bfu",
    "owner": "owner",
    "leader": "leader",
    "support": "support",
    "visitation": "visitation",
    "admin": "admin_user",
}


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def other_initiative(spor, other_owner, area):
    return InitiativeFactory(spor=spor, owner=other_owner, lead_area=area, title="Andet tiltag")


@pytest.fixture
def the_round(plan, chef, initiative, other_initiative):
    return round_open(
        plan=plan,
        by=chef,
        quarter=Q4,
        deadline=DEADLINE,
        initiatives=[initiative, other_initiative],
        today=TODAY,
    )


def _update(initiative, by, progress=50):
    initiative.refresh_from_db()
    return initiative_update_status(
        initiative=initiative,
        by=by,
        state="i_gang",
        health="groen",
        progress=progress,
        expected_version=initiative.version,
    )


# --- working days --------------------------------------------------------------------------


def test_working_days_skip_weekends_and_danish_holidays():
    assert add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 28)  # juledag
    assert add_working_days(dt.date(2026, 12, 28), -1) == dt.date(2026, 12, 24)
    assert reminder_day(DEADLINE) == dt.date(2026, 12, 2)


# --- opening -------------------------------------------------------------------------------


def test_opening_notifies_each_owner_once(the_round, owner, other_owner):
    assert list(the_round.items.values_list("initiative__title", flat=True)) == [
        "Fælles kompetenceforløb",
        "Andet tiltag",
    ]
    notes = Notification.objects.filter(kind=NotificationKind.ROUND_OPENED)
    assert sorted(n.recipient.username for n in notes) == sorted(
        [owner.username, other_owner.username]
    )
    assert notes.first().url == reverse("rounds:my_tasks")
    assert "4. december 2026" in notes.first().text


@pytest.mark.parametrize(
    ("deadline", "field"),
    [
        (dt.date(2026, 12, 5), "deadline"),
        (dt.date(2026, 12, 25), "deadline"),
        (TODAY - dt.timedelta(days=1), "deadline"),
    ],
)
def test_a_deadline_is_a_working_day_not_in_the_past(plan, chef, initiative, deadline, field):
    with pytest.raises(ValidationError) as caught:
        round_open(
            plan=plan, by=chef, quarter=Q4, deadline=deadline, initiatives=[initiative], today=TODAY
        )
    assert field in caught.value.message_dict
    assert not UpdateRound.objects.exists()


def test_one_open_round_and_one_round_per_quarter(the_round, plan, chef, initiative):
    with pytest.raises(ValidationError):
        round_open(
            plan=plan, by=chef, quarter=Q4.next(), deadline=DEADLINE, initiatives=[initiative]
        )
    round_close(round_=the_round, by=chef)
    with pytest.raises(ValidationError) as caught:
        round_open(plan=plan, by=chef, quarter=Q4, deadline=DEADLINE, initiatives=[initiative])
    assert "period" in caught.value.message_dict


# --- states, asking, reminders ---------------------------------------------------------------


def test_the_overview_tells_updated_waiting_sent_back_and_missing(
    plan, chef, owner, other_owner, initiative, other_initiative, spor, area
):
    PlanWorkflow.objects.create(plan=plan, approval=True)
    third = InitiativeFactory(spor=spor, owner=owner, lead_area=area, title="Tredje")
    fourth = InitiativeFactory(spor=spor, owner=owner, lead_area=area, title="Fjerde")
    with time_machine.travel(NOW - dt.timedelta(hours=1), tick=False):
        _update(fourth, owner, progress=5)  # before the round: does not count
    round_ = round_open(
        plan=plan,
        by=chef,
        quarter=Q4,
        deadline=DEADLINE,
        initiatives=[initiative, other_initiative, third, fourth],
    )
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        draft = _update(initiative, owner)
        sent_back = _update(third, owner)
        status_review(update=sent_back, by=chef, decision="sendt_tilbage", comment="Ret")
        _update(other_initiative, chef)
    states = {i.initiative.title: i.state for i in round_overview(round_).items}
    assert states == {
        "Fælles kompetenceforløb": ItemState.WAITING,
        "Andet tiltag": ItemState.UPDATED,
        "Tredje": ItemState.SENT_BACK,
        "Fjerde": ItemState.MISSING,
    }
    status_review(update=draft, by=chef, decision="godkendt")
    states = {i.initiative.title: i.state for i in round_overview(round_).items}
    assert states["Fælles kompetenceforløb"] == ItemState.UPDATED


def test_asking_for_an_update_notifies_the_owners_once_a_day(the_round, chef, owner, initiative):
    assert round_request_update(round_=the_round, initiative=initiative, by=chef) == 1
    assert round_request_update(round_=the_round, initiative=initiative, by=chef) == 0
    note = Notification.objects.get(kind=NotificationKind.UPDATE_REQUESTED)
    assert note.recipient == owner
    assert note.target == initiative
    tomorrow = TODAY + dt.timedelta(days=1)
    assert (
        round_request_update(round_=the_round, initiative=initiative, by=chef, today=tomorrow) == 1
    )


def test_asking_for_a_tiltag_outside_the_round_is_refused(the_round, chef, spor, area):
    outside = InitiativeFactory(spor=spor, lead_area=area)
    with pytest.raises(ValidationError):
        round_request_update(round_=the_round, initiative=outside, by=chef)


def test_reminders_go_before_and_after_the_deadline_once_each(
    the_round, chef, owner, other_owner, initiative, other_initiative
):
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        _update(other_initiative, other_owner)  # updated: no reminder
    assert round_reminders_send(today=dt.date(2026, 12, 1)) == 0  # before the reminder day
    assert round_reminders_send(today=dt.date(2026, 12, 2)) == 1
    assert round_reminders_send(today=dt.date(2026, 12, 3)) == 0  # never twice
    assert round_reminders_send(today=DEADLINE) == 0
    assert round_reminders_send(today=dt.date(2026, 12, 7)) == 1
    assert round_reminders_send(today=dt.date(2026, 12, 8)) == 0
    kinds = list(
        Notification.objects.filter(recipient=owner)
        .exclude(kind=NotificationKind.ROUND_OPENED)
        .values_list("kind", flat=True)
        .order_by("created_at", "pk")
    )
    assert kinds == [NotificationKind.ROUND_DEADLINE, NotificationKind.ROUND_OVERDUE]
    assert not Notification.objects.filter(
        recipient=other_owner, kind=NotificationKind.ROUND_DEADLINE
    ).exists()


def test_the_beat_task_sends_nothing_on_a_holiday_and_is_scheduled(the_round, settings):
    assert send_round_reminders("2026-12-25") == 0
    assert send_round_reminders("2026-12-07") == 2  # both owners: neither has updated
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "rounds.tasks.send_round_reminders" in tasks


def test_a_closed_round_reminds_nobody(the_round, chef):
    round_close(round_=the_round, by=chef)
    assert round_reminders_send(today=dt.date(2026, 12, 7)) == 0


# --- closing ----------------------------------------------------------------------------------


def test_closing_asks_for_the_quarterly_report_once(the_round, chef):
    report = round_close(round_=the_round, by=chef)
    the_round.refresh_from_db()
    assert not the_round.is_open
    assert the_round.report == report
    assert (report.kind, report.period) == ("kvartalsrapport", "2026-K4")
    with pytest.raises(ValidationError):
        round_close(round_=the_round, by=chef)
    # the schedule's run after the quarter makes no second report for it
    reports_request_scheduled(today=dt.date(2027, 1, 4))
    assert Report.objects.filter(kind="kvartalsrapport", period="2026-K4").count() == 1


# --- pages: who may do what ------------------------------------------------------------------


@pytest.fixture
def persona(request):
    return request.getfixturevalue(PERSONA_FIXTURES[request.param])


@pytest.mark.parametrize("persona", list(PERSONA_FIXTURES), indirect=True)
def test_only_chefgruppen_opens_the_round_pages(client, persona, the_round, initiative):
    client.force_login(persona)
    chef = persona.role == "chefgruppe"
    for url in (
        reverse("rounds:list"),
        reverse("rounds:open"),
        reverse("rounds:detail", args=[the_round.pk]),
    ):
        assert client.get(url).status_code == (200 if chef else 403), url
    ask = reverse("rounds:request_update", args=[the_round.pk, initiative.pk])
    assert client.post(ask).status_code == (302 if chef else 403)
    close = reverse("rounds:close", args=[the_round.pk])
    assert client.post(close).status_code == (302 if chef else 403)
    the_round.refresh_from_db()
    assert the_round.is_open is not chef


@pytest.mark.parametrize("persona", list(PERSONA_FIXTURES), indirect=True)
def test_my_tasks_for_every_role(client, persona, the_round):
    client.force_login(persona)
    response = client.get(reverse("rounds:my_tasks"))
    if persona.role == "bfu":
        assert response.status_code == 403
        return
    assert response.status_code == 200
    titles = [item.initiative.title for item in response.context["items"]]
    assert titles == (["Fælles kompetenceforløb"] if persona.username == "ejer" else [])


def test_my_tasks_reach_the_owning_group(client, the_round, other_initiative, visitation):
    from tests.factories import GovernanceBodyFactory

    body = GovernanceBodyFactory()
    body.members.add(visitation)
    other_initiative.owner_body = body
    other_initiative.save()
    client.force_login(visitation)
    response = client.get(reverse("rounds:my_tasks"))
    assert [i.initiative.title for i in response.context["items"]] == ["Andet tiltag"]
    assert "Opdatér status" in response.content.decode()


def test_chefgruppen_opens_a_round_from_the_form(client, chef, plan, initiative, other_initiative):
    client.force_login(chef)
    form = client.get(reverse("rounds:open")).context["form"]
    assert set(form.initial["initiatives"]) == {initiative.pk, other_initiative.pk}
    response = client.post(
        reverse("rounds:open"),
        {"quarter": Q4.code, "deadline": "2026-12-04", "initiatives": [initiative.pk]},
    )
    round_ = UpdateRound.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("rounds:detail", args=[round_.pk])
    assert list(RoundItem.objects.values_list("initiative", flat=True)) == [initiative.pk]


def test_the_form_keeps_the_input_and_shows_the_error_on_its_field(client, chef, plan, initiative):
    client.force_login(chef)
    response = client.post(
        reverse("rounds:open"),
        {"quarter": Q4.code, "deadline": "2026-12-05", "initiatives": [initiative.pk]},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "hverdag" in form.errors["deadline"][0]
    assert 'value="2026-12-05"' in response.content.decode()
    assert not UpdateRound.objects.exists()


def test_asking_with_htmx_swaps_the_row(client, chef, the_round, initiative):
    client.force_login(chef)
    response = client.post(
        reverse("rounds:request_update", args=[the_round.pk, initiative.pk]),
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="item-{initiative.pk}"' in body
    assert "har fået besked" in body
    assert "<h1>" not in body


def test_asking_for_a_tiltag_not_in_the_round_is_404(client, chef, the_round, spor, area):
    outside = InitiativeFactory(spor=spor, lead_area=area)
    client.force_login(chef)
    url = reverse("rounds:request_update", args=[the_round.pk, outside.pk])
    assert client.post(url).status_code == 404


def test_the_overview_is_bounded(
    client, chef, plan, spor, owner, area, django_assert_max_num_queries
):
    initiatives = [
        InitiativeFactory(spor=spor, owner=owner, lead_area=area, title=f"T{i}") for i in range(40)
    ]
    round_ = round_open(plan=plan, by=chef, quarter=Q4, deadline=DEADLINE, initiatives=initiatives)
    client.force_login(chef)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("rounds:detail", args=[round_.pk]))
    assert len(response.context["overview"].items) == 40
    client.force_login(owner)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("rounds:my_tasks"))
    assert len(response.context["items"]) == 40


def test_asking_for_a_tiltag_without_owner_says_so(client, chef, plan, spor, area):
    orphan = InitiativeFactory(spor=spor, lead_area=area, owner=None, title="Uden ejer")
    round_ = round_open(plan=plan, by=chef, quarter=Q4, deadline=DEADLINE, initiatives=[orphan])
    client.force_login(chef)
    url = reverse("rounds:request_update", args=[round_.pk, orphan.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert "har ingen ejer at spørge" in response.content.decode()


def test_the_form_says_when_a_round_is_open(client, chef, the_round):
    client.force_login(chef)
    page = client.get(reverse("rounds:open")).content.decode()
    assert "Der er allerede en åben opdateringsrunde" in page
