""" "Kræver opmærksomhed": chefgruppen's start page and Mine pages show the tiltag without an
owner, the overdue milestones and the tiltag without an update this quarter, each bounded to
ten with its count and a link to the whole list; "Tildel ejer" gives a tiltag its owner."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from omstilling.models import AccessLog
from tests.factories import InitiativeFactory, MilestoneFactory
from tracks import selectors
from tracks.models import Initiative
from tracks.services import EditConflict, initiative_assign_owner, initiative_update_status

NOW = dt.datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Europe/Copenhagen"))
pytestmark = pytest.mark.django_db
PAGES = ["/plan/", "/plan/milepaele/mine/", "/mine-paamindelser/"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def work(spor, owner):
    unowned = InitiativeFactory(spor=spor, title="Tiltag uden ejer")
    owned = InitiativeFactory(spor=spor, owner=owner, title="Ejet tiltag")
    MilestoneFactory(
        initiative=owned, title="Forsinket milepæl", planned_quarter=dt.date(2026, 4, 1)
    )
    return {"unowned": unowned, "owned": owned}


@pytest.mark.parametrize("url", PAGES)
def test_chefgruppen_sees_what_needs_attention(client, chef, work, url):
    client.force_login(chef)
    html = client.get(url).content.decode()
    assert "Kræver opmærksomhed" in html
    assert "1 tiltag uden ejer" in html and "Tiltag uden ejer" in html
    assert "1 forsinket milepæl" in html and "Forsinket milepæl" in html
    assert "2 tiltag uden statusopdatering i dette kvartal" in html
    assert reverse("tracks:initiative_owner", args=[work["unowned"].pk]) in html


@pytest.mark.parametrize("url", PAGES)
def test_other_roles_see_no_attention_list(client, all_personas, work, url):
    for name in ("owner", "leader"):
        client.force_login(all_personas[name])
        assert "Kræver opmærksomhed" not in client.get(url).content.decode()


def test_it_says_so_when_nothing_needs_attention(client, chef, plan):
    client.force_login(chef)
    html = client.get("/plan/").content.decode()
    assert "Intet kræver opmærksomhed lige nu" in html


def test_the_lists_are_bounded_with_a_count_and_a_link_to_all(
    client, chef, spor, django_assert_max_num_queries
):
    for n in range(25):
        initiative = InitiativeFactory(spor=spor, title=f"Uden ejer {n:02}")
        MilestoneFactory(initiative=initiative, planned_quarter=dt.date(2026, 4, 1))
    client.force_login(chef)
    with django_assert_max_num_queries(40):
        page = client.get("/plan/").content.decode()
    html = page.split('id="attention-heading"')[1].split("</section>")[0]
    assert "25 tiltag uden ejer" in html and "Se alle 25 tiltag uden ejer" in html
    assert "Uden ejer 09" in html and "Uden ejer 10" not in html
    assert "Se alle 25 forsinkede milepæle" in html
    attention = selectors.attention(plan=spor.plan, today=NOW.date(), since=NOW)
    assert (attention.without_owner.count, len(attention.without_owner.items)) == (25, 10)


def test_the_full_list_is_paged_and_read_by_every_role(client, all_personas, spor):
    for n in range(30):
        InitiativeFactory(spor=spor, title=f"Uden ejer {n:02}")
    for user in all_personas.values():
        client.force_login(user)
        response = client.get("/plan/opmaerksomhed/?liste=uden-ejer&side=2")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Uden ejer 25" in html and "Uden ejer 24" not in html and "Side 2 af 2" in html
        assert ("Tildel ejer" in html) == (user.role == "chefgruppe")
    for liste in ("forsinkede", "uden-status", "noget-andet"):
        assert client.get(f"/plan/opmaerksomhed/?liste={liste}").status_code == 200


def test_it_refuses_an_anonymous_visitor(client, plan):
    assert client.get("/plan/opmaerksomhed/").status_code == 302


# --- Tildel ejer -------------------------------------------------------------------------------


def test_chefgruppen_assigns_an_owner_who_then_gets_the_reminder(client, chef, other_owner, work):
    from reports.reminders.selectors import reminders_for

    unowned = work["unowned"]
    MilestoneFactory(initiative=unowned, title="Glemt milepæl", planned_quarter=dt.date(2026, 4, 1))
    assert not reminders_for(user=other_owner, today=NOW.date()).overdue
    client.force_login(chef)
    url = reverse("tracks:initiative_owner", args=[unowned.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"owner": other_owner.pk, "expected_version": 0})

    assert response.status_code == 302
    unowned.refresh_from_db()
    assert unowned.owner == other_owner and unowned.edit_version == 1
    assert unowned.history.first().history_user == chef
    assert [m.title for m in reminders_for(user=other_owner, today=NOW.date()).overdue] == [
        "Glemt milepæl"
    ]
    assert (
        "Glemt milepæl"
        not in client.get("/mine-paamindelser/").content.decode().split("Dine egne påmindelser")[1]
    )


def test_the_inline_form_answers_with_a_fragment(client, chef, other_owner, work):
    client.force_login(chef)
    url = reverse("tracks:initiative_owner", args=[work["unowned"].pk])
    htmx = {"HTTP_HX_REQUEST": "true"}
    response = client.get(url, **htmx)
    form = response.content.decode()
    assert "<html" not in form and 'name="owner"' in form
    assert "HX-Request" in response["Vary"]
    done = client.post(url, {"owner": other_owner.pk, "expected_version": 0}, **htmx)
    assert "er nu ansvarlig ejer" in done.content.decode()


@pytest.mark.parametrize("name", ["owner", "leader", "support", "visitation", "admin", "bfu"])
def test_only_chefgruppen_assigns_an_owner(client, all_personas, work, name):
    client.force_login(all_personas[name])
    url = reverse("tracks:initiative_owner", args=[work["unowned"].pk])
    me = all_personas[name]
    assert client.get(url).status_code == 403
    assert client.post(url, {"owner": me.pk, "expected_version": 0}).status_code == 403
    assert Initiative.objects.get(pk=work["unowned"].pk).owner is None
    assert AccessLog.objects.filter(action=AccessLog.Action.REFUSED, username=me.username).exists()


def test_an_owner_must_be_someone_whose_work_reaches_them(client, chef, bfu, admin_user, work):
    client.force_login(chef)
    url = reverse("tracks:initiative_owner", args=[work["unowned"].pk])
    for user in (bfu, admin_user):
        response = client.post(url, {"owner": user.pk, "expected_version": 0})
        assert (
            response.status_code == 200
            and 'class="form-error-message"' in response.content.decode()
        )
    with pytest.raises(Exception, match="kan ikke være ejer"):
        initiative_assign_owner(initiative=work["unowned"], by=chef, owner=bfu, expected_version=0)
    assert Initiative.objects.get(pk=work["unowned"].pk).owner is None


def test_a_concurrent_edit_is_not_overwritten(client, chef, owner, other_owner, work):
    initiative = work["unowned"]
    initiative_assign_owner(initiative=initiative, by=chef, owner=owner, expected_version=0)
    with pytest.raises(EditConflict):
        initiative_assign_owner(
            initiative=initiative, by=chef, owner=other_owner, expected_version=0
        )
    client.force_login(chef)
    url = reverse("tracks:initiative_owner", args=[initiative.pk])
    response = client.post(url, {"owner": other_owner.pk, "expected_version": 0})
    assert response.status_code == 409
    assert "Tiltaget er ændret imens" in response.content.decode()
    assert Initiative.objects.get(pk=initiative.pk).owner == owner


def test_a_status_update_meanwhile_is_no_conflict(chef, owner, work):
    """The owner is part of the tiltag's content (its edit version), not of its status: a
    status update saved while the form was open does not turn the assignment away."""
    initiative = work["unowned"]
    initiative_update_status(
        initiative=initiative,
        by=chef,
        state="i_gang",
        health="groen",
        progress=10,
        expected_version=0,
    )
    initiative_assign_owner(initiative=initiative, by=chef, owner=owner, expected_version=0)
    initiative.refresh_from_db()
    assert initiative.owner == owner and initiative.version == 1


def test_the_tiltag_page_offers_the_action_to_chefgruppen_only(client, chef, owner, work):
    url = reverse("tracks:initiative_detail", args=[work["unowned"].pk])
    action = reverse("tracks:initiative_owner", args=[work["unowned"].pk])
    client.force_login(chef)
    assert action in client.get(url).content.decode()
    client.force_login(owner)
    assert action not in client.get(url).content.decode()
