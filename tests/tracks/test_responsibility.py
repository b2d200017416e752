"""Who answers for a tiltag and its milestones (tracks.selectors, the one home): the accountable
owner, else the owning group's active members, else chefgruppen. The reminders go to exactly
those people, each once, and "Mine milepæle" shows each person exactly what they answer for."""

import datetime as dt

import pytest
from django.core import mail

from omstilling.models import Role
from omstilling.services import user_apply_role
from reports.reminders import services
from reports.reminders.selectors import reminders_by_user
from tests.factories import GovernanceBodyFactory, InitiativeFactory, MilestoneFactory, UserFactory
from tracks import selectors
from tracks.models import Initiative, Milestone

TODAY = dt.date(2026, 11, 24)  # a Tuesday; 2026-Q3 milestones are overdue
OVERDUE = dt.date(2026, 7, 1)
pytestmark = pytest.mark.django_db


def person(username, role, **kwargs):
    user = UserFactory(username=username, role=role, **kwargs)
    user_apply_role(user=user)
    return user


@pytest.fixture
def people(plan, spor, chef, owner, leader):
    member = person("medlem", Role.INITIATIVEJER)
    left = person("fratraadt", Role.INITIATIVEJER, is_active=False)
    second_chef = person("chef-2", Role.CHEFGRUPPE)
    person("chef-fratraadt", Role.CHEFGRUPPE, is_active=False)
    group = GovernanceBodyFactory(name="Arbejdsgruppe")
    group.members.add(member, left)
    empty = GovernanceBodyFactory(name="Tom gruppe")
    empty.members.add(left)
    return {"member": member, "left": left, "chef_2": second_chef, "group": group, "empty": empty}


@pytest.fixture
def tiltag(people, spor, owner):
    def make(title, **kwargs):
        initiative = InitiativeFactory(spor=spor, title=title, **kwargs)
        MilestoneFactory(initiative=initiative, title=f"{title}: milepæl", planned_quarter=OVERDUE)
        return initiative

    return {
        "owned": make("Ejet", owner=owner, owner_body=people["group"]),
        "owner_left": make("Ejer fratrådt", owner=people["left"], owner_body=people["group"]),
        "group": make("Gruppens", owner_body=people["group"]),
        "empty_group": make("Tom gruppe", owner_body=people["empty"]),
        "nobody": make("Ingen ejer"),
    }


def responsible(initiative):
    initiative = Initiative.objects.select_related("owner", "owner_body").get(pk=initiative.pk)
    return {
        u.username
        for u in selectors.responsible_people(initiative, chefgruppe=selectors.chefgruppe_members())
    }


def test_it_is_the_accountable_owner_first(tiltag):
    assert responsible(tiltag["owned"]) == {"ejer"}


def test_it_falls_back_to_the_owning_groups_active_members(tiltag):
    assert responsible(tiltag["group"]) == {"medlem"}
    # An owner who has left answers for nothing: the group takes over.
    assert responsible(tiltag["owner_left"]) == {"medlem"}


def test_it_falls_back_to_chefgruppen_without_owner_or_active_group(tiltag):
    assert responsible(tiltag["nobody"]) == {"chef", "chef-2"}
    assert responsible(tiltag["empty_group"]) == {"chef", "chef-2"}


def test_the_sql_condition_says_the_same_as_the_python_rule(tiltag, people, chef, owner, leader):
    everyone = [chef, people["chef_2"], owner, people["member"], people["left"], leader]
    chefgruppe = selectors.chefgruppe_members()
    loaded = list(Initiative.objects.select_related("owner", "owner_body"))
    for user in everyone:
        by_rule = {
            i.pk for i in loaded if user in selectors.responsible_people(i, chefgruppe=chefgruppe)
        }
        by_sql = set(
            Initiative.objects.filter(selectors.responsible_condition(user)).values_list(
                "pk", flat=True
            )
        )
        assert by_rule == by_sql, user.username


def test_reminders_go_to_exactly_the_responsible_people(tiltag, people, chef, owner, leader):
    reminders = reminders_by_user(today=TODAY)

    def overdue_of(user):
        return {m.title for m in reminders[user.pk].overdue} if user.pk in reminders else set()

    assert overdue_of(owner) == {"Ejet: milepæl"}
    assert overdue_of(people["member"]) == {"Ejer fratrådt: milepæl", "Gruppens: milepæl"}
    assert (
        overdue_of(chef)
        == overdue_of(people["chef_2"])
        == {
            "Tom gruppe: milepæl",
            "Ingen ejer: milepæl",
        }
    )
    assert people["left"].pk not in reminders and leader.pk not in reminders


def test_nobody_gets_the_same_reminder_twice(spor, chef, owner, leader, school):
    # The owner is also the leader of the milestone's school, and a member of the group.
    owner.role = Role.LEDER
    owner.save()
    owner.institutions.add(school)
    group = GovernanceBodyFactory()
    group.members.add(owner)
    initiative = InitiativeFactory(spor=spor, owner=owner, owner_body=group)
    MilestoneFactory(initiative=initiative, institution=school, planned_quarter=OVERDUE)

    reminders = reminders_by_user(today=TODAY)

    assert len(reminders[owner.pk].overdue) == 1
    assert len(reminders[owner.pk].without_status) == 1
    assert len(reminders[leader.pk].overdue) == 1  # the school's other leader, once too
    assert services.reminders_send(today=TODAY) == 2
    assert services.reminders_send(today=TODAY) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, leader.email])


def test_mine_milepaele_shows_what_each_person_answers_for(client, tiltag, people, chef, owner):
    for user, expected in [
        (owner, {"Ejet: milepæl"}),
        (people["member"], {"Ejer fratrådt: milepæl", "Gruppens: milepæl"}),
        (chef, {"Tom gruppe: milepæl", "Ingen ejer: milepæl"}),
    ]:
        mine = selectors.milestones_for_user(user=user, plan=tiltag["owned"].plan_id, today=TODAY)
        assert {m.title for m in mine} == expected, user.username
    client.force_login(chef)
    html = client.get("/plan/milepaele/mine/").content.decode()
    assert "Ingen ejer: milepæl" in html and "Ejet: milepæl" in html  # the latter: attention


def test_an_owners_page_is_never_empty_while_they_have_work(client, tiltag, owner):
    client.force_login(owner)
    html = client.get("/plan/milepaele/mine/").content.decode()
    assert "Ejet: milepæl" in html
    assert "Du har ingen milepæle" not in html


def test_an_empty_page_says_there_is_nothing(client, plan, other_owner):
    client.force_login(other_owner)
    html = client.get("/plan/milepaele/mine/").content.decode()
    assert "Du har ingen milepæle" in html
    html = client.get("/mine-paamindelser/").content.decode()
    assert "Du har ingen påmindelser i dag" in html


def test_milestones_of_a_leaders_institution_stay_the_leaders(spor, leader, school, owner):
    initiative = InitiativeFactory(spor=spor, owner=owner)
    MilestoneFactory(initiative=initiative, institution=school, title="Lokal")
    mine = selectors.milestones_for_user(user=leader, plan=initiative.plan_id, today=TODAY)
    assert [m.title for m in mine] == ["Lokal"]
    assert Milestone.objects.count() == 1
