"""Reminders: who is told about which milestones and initiatives, at most one e-mail per person
per day, in Danish with links that work outside the portal, and the same list on a page.

Today is Tuesday 24 November 2026; the quarter began 1 October; 14 days ahead is 8 December.
"""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, connection, transaction

from omstilling.models import Role
from reports import tasks
from reports.models import ReminderSent
from reports.reminders import services
from reports.reminders.selectors import reminders_by_user, reminders_for
from tests.concurrency import run_at_once
from tests.factories import (
    GovernanceBodyFactory,
    InitiativeFactory,
    MilestoneFactory,
    SporFactory,
    UserFactory,
)
from tests.reports.report_support import at, complete, set_status

TODAY = dt.date(2026, 11, 24)
pytestmark = pytest.mark.django_db


@pytest.fixture
def situation(plan, spor, chef, owner, other_owner, leader, school, settings):
    settings.SITE_URL = "https://portal.vejle.example/"
    d = dt.date
    member = UserFactory(username="medlem", role=Role.INITIATIVEJER, email="medlem@example.invalid")
    group = GovernanceBodyFactory(name="Arbejdsgruppe for overgange")
    group.members.add(member)
    retired = UserFactory(username="tidligere-leder", role=Role.LEDER, is_active=False)
    retired.institutions.add(school)
    spor_2 = SporFactory(plan=plan, number=2)
    a = InitiativeFactory(spor=spor, owner=owner, title="Fælles kompetenceforløb")
    b = InitiativeFactory(spor=spor, owner=owner, title="Særskilt forløb for dagplejen")
    c = InitiativeFactory(spor=spor_2, owner=other_owner, title="Lederudvikling")
    e = InitiativeFactory(spor=spor_2, owner_body=group, title="Overgange")
    done = InitiativeFactory(spor=spor_2, owner=other_owner, title="Kvalitetsprogrammet")
    set_status(a, chef, "i_gang", progress=30, when=at(2026, 11, 10))  # this quarter
    set_status(b, chef, "i_gang", progress=20, when=at(2026, 9, 15))  # last quarter
    set_status(e, chef, "i_gang", progress=20, when=at(2026, 10, 2))
    set_status(done, chef, "afsluttet", progress=100, when=at(2026, 3, 1))
    m = {
        "overdue": MilestoneFactory(
            initiative=a,
            title="Kick-off holdt",
            planned_quarter=d(2026, 10, 1),
            planned_date=d(2026, 11, 1),
        ),
        "soon": MilestoneFactory(
            initiative=a,
            title="Første modul afholdt",
            planned_quarter=d(2026, 10, 1),
            planned_date=d(2026, 12, 8),
        ),
        "later": MilestoneFactory(
            initiative=a, title="Forløbet afrundet", planned_quarter=d(2026, 10, 1)
        ),  # due 31 December: not within 14 days
        "done": MilestoneFactory(
            initiative=a, title="Tilmelding åbnet", planned_quarter=d(2026, 7, 1)
        ),
        "local": MilestoneFactory(
            initiative=c,
            title="Lokal proces afholdt",
            institution=school,
            planned_quarter=d(2026, 10, 1),
            planned_date=d(2026, 11, 30),
        ),
        "group": MilestoneFactory(
            initiative=e, title="Overgangsmøde holdt", planned_quarter=d(2026, 7, 1)
        ),  # due 30 September: overdue
    }
    complete(m["done"], chef, d(2026, 9, 1))
    return {"member": member, "initiatives": {"a": a, "b": b, "c": c, "e": e}, "milestones": m}


def titles(items):
    return [item.title for item in items]


def test_it_finds_each_persons_milestones_and_initiatives_without_status(
    situation, owner, other_owner, leader, chef, bfu
):
    reminders = reminders_by_user(today=TODAY)

    mine = reminders[owner.pk]
    assert titles(mine.overdue) == ["Kick-off holdt"]
    assert titles(mine.due_soon) == ["Første modul afholdt"]
    assert titles(mine.without_status) == ["Særskilt forløb for dagplejen"]
    assert mine.overdue[0].days_overdue == 23 and mine.due_soon[0].days_left == 14
    theirs = reminders[other_owner.pk]
    assert titles(theirs.due_soon) == ["Lokal proces afholdt"]
    assert titles(theirs.without_status) == ["Lederudvikling"]  # afsluttet ones need none
    assert titles(reminders[leader.pk].due_soon) == ["Lokal proces afholdt"]
    assert not reminders[leader.pk].without_status
    assert titles(reminders[situation["member"].pk].overdue) == ["Overgangsmøde holdt"]
    assert chef.pk not in reminders and bfu.pk not in reminders
    assert {u.username for u in (r.user for r in reminders.values())} == {
        "ejer",
        "anden-ejer",
        "leder",
        "medlem",
    }  # the inactive leader of the same school gets nothing


def test_it_reads_everyones_reminders_in_a_fixed_number_of_queries(
    situation, plan, spor, owner, django_assert_max_num_queries
):
    # plan · chefgruppen (who answers when nobody else does) ·
    # milestones due (with owner, group, institution) · their groups' members ·
    # their institutions' leaders · initiatives without an update this quarter · their groups'
    # members (a prefetch with nothing to fetch is skipped)
    with django_assert_max_num_queries(7):
        reminders_by_user(today=TODAY)
    for n in range(30):
        initiative = InitiativeFactory(spor=spor, owner=owner, title=f"Ekstra {n}")
        MilestoneFactory(initiative=initiative, planned_quarter=dt.date(2026, 7, 1))
    with django_assert_max_num_queries(7):
        assert len(reminders_by_user(today=TODAY)[owner.pk].overdue) == 31


def test_it_sends_one_danish_email_per_person_with_absolute_links(situation, owner):
    sent = services.reminders_send(today=TODAY)

    assert sent == 4
    assert len(mail.outbox) == 4
    message = next(m for m in mail.outbox if m.to == [owner.email])
    a = situation["initiatives"]["a"]
    b = situation["initiatives"]["b"]
    assert message.subject == (
        "Påmindelse fra Omstillingsportalen: 1 forsinket milepæl, "
        "1 milepæl med frist snart, 1 tiltag mangler status"
    )
    body = message.body
    assert "FORSINKEDE MILEPÆLE" in body and "Kick-off holdt" in body
    assert "Frist 1. november 2026, forsinket 23 dage" in body
    assert "Frist 8. december 2026, om 14 dage" in body
    assert f"https://portal.vejle.example/plan/tiltag/{a.pk}/" in body
    assert f"https://portal.vejle.example/plan/tiltag/{b.pk}/" in body
    assert "https://portal.vejle.example/mine-paamindelser/" in body
    assert "senest opdateret 15. september 2026" in body
    assert "Forløbet afrundet" not in body and "Tilmelding åbnet" not in body


def test_it_sends_at_most_one_email_per_person_per_day(situation):
    assert services.reminders_send(today=TODAY) == 4
    assert services.reminders_send(today=TODAY) == 0
    assert tasks.send_reminders(today=TODAY.isoformat()) == 0

    assert len(mail.outbox) == 4
    assert ReminderSent.objects.filter(date=TODAY).count() == 4
    assert services.reminders_send(today=TODAY + dt.timedelta(days=1)) == 4


def test_the_database_allows_one_reminder_per_person_and_day(owner):
    ReminderSent.objects.create(user=owner, date=TODAY)

    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.create(user=owner, date=TODAY)


def test_a_failed_send_is_tried_again_on_the_next_run(situation):
    with (
        mock.patch.object(services, "send_mail", side_effect=OSError("SMTP nede")),
        pytest.raises(OSError),
    ):
        services.reminders_send(today=TODAY)

    assert ReminderSent.objects.count() == 0
    assert services.reminders_send(today=TODAY) == 4


def test_nobody_without_an_email_address_or_anything_due_is_written_to(situation, owner):
    owner.email = ""
    owner.save()

    services.reminders_send(today=TODAY)

    assert owner.email not in [to for m in mail.outbox for to in m.to]
    assert len(mail.outbox) == 3


def test_the_job_sends_nothing_on_a_public_holiday(situation):
    assert tasks.send_reminders(today="2026-12-25") == 0
    assert mail.outbox == []


def test_the_page_shows_the_same_list_as_the_email(client, situation, owner):
    with time_machine.travel(at(2026, 11, 24), tick=False):
        client.force_login(owner)
        html = client.get("/mine-paamindelser/").content.decode()
        reminders = reminders_for(user=owner, today=TODAY)

    for item in reminders.overdue + reminders.due_soon + reminders.without_status:
        assert item.title in html
    assert "1 forsinket milepæl" in html
    assert "frist 1. november 2026, forsinket 23 dage" in html
    assert "Forløbet afrundet" not in html


@time_machine.travel(at(2026, 11, 24), tick=False)
def test_someone_with_nothing_due_is_told_so(client, situation, bfu):
    client.force_login(bfu)

    html = client.get("/mine-paamindelser/").content.decode()

    assert "Du har ingen påmindelser i dag." in html


@pytest.mark.django_db(transaction=True)
def test_two_reminder_jobs_at_once_send_each_person_one_email(situation):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent inserts race on the constraint only on PostgreSQL")
    counts = run_at_once(
        lambda: services.reminders_send(today=TODAY),
        lambda: services.reminders_send(today=TODAY),
    )

    assert sum(counts) == 4
    assert len(mail.outbox) == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ReminderSent.objects.values_list("user__email", flat=True)
    )
