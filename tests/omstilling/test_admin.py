"""The Django admin: administrators keep master data, chefgruppen edits the plan's content."""

import pytest

pytestmark = pytest.mark.django_db


def test_it_lets_chefgruppen_edit_an_initiative_and_keeps_the_history(client, chef, initiative):
    client.force_login(chef)
    url = f"/admin/tracks/initiative/{initiative.pk}/change/"

    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "plan": initiative.plan_id,
            "spor": initiative.spor_id,
            "slug": initiative.slug,
            "title": "Nyt navn",
            "description": "Ny beskrivelse",
            "lead_area": initiative.lead_area_id,
            "start_quarter": "2025-01-01",
            "end_quarter": "2025-10-01",
            "order": 0,
            "milestones-TOTAL_FORMS": 0,
            "milestones-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    initiative.refresh_from_db()
    assert initiative.title == "Nyt navn"
    latest = initiative.history.first()
    assert (latest.title, latest.history_user) == ("Nyt navn", chef)


def test_it_refuses_a_quarter_that_does_not_start_a_quarter(client, chef, initiative):
    client.force_login(chef)
    response = client.post(
        f"/admin/tracks/initiative/{initiative.pk}/change/",
        {
            "plan": initiative.plan_id,
            "spor": initiative.spor_id,
            "slug": initiative.slug,
            "title": "X",
            "lead_area": initiative.lead_area_id,
            "start_quarter": "2025-02-03",
            "order": 0,
            "milestones-TOTAL_FORMS": 0,
            "milestones-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 200
    assert "Et kvartal angives ved sin første dag" in response.content.decode()


def test_it_keeps_chefgruppen_out_of_user_administration(client, chef):
    client.force_login(chef)

    assert client.get("/admin/omstilling/user/").status_code == 403


def test_it_lets_administrators_manage_users_but_not_plan_content(client, admin_user, initiative):
    client.force_login(admin_user)
    change = f"/admin/tracks/initiative/{initiative.pk}/change/"

    assert client.get("/admin/omstilling/user/").status_code == 200
    assert client.get("/admin/omstilling/institution/add/").status_code == 200
    # The plan's content is read-only to administrators: shown, never saved.
    page = client.get(change).content.decode()
    assert 'name="_save"' not in page and initiative.title in page
    assert client.post(change, {"title": "Ændret af administrator"}).status_code == 403
    assert client.get("/admin/tracks/initiative/add/").status_code == 403
    initiative.refresh_from_db()
    assert initiative.title != "Ændret af administrator"


def test_administrators_read_the_history_of_plan_edits(client, chef, admin_user, initiative):
    from tracks.services import initiative_assign_owner

    initiative_assign_owner(
        initiative=initiative, by=chef, owner=chef, expected_version=initiative.version
    )
    client.force_login(admin_user)

    for path in (
        f"/admin/tracks/initiative/{initiative.pk}/history/",
        f"/admin/omstilling/plan/{initiative.plan_id}/history/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
    history = client.get(f"/admin/tracks/initiative/{initiative.pk}/history/").content.decode()
    assert str(chef) in history  # who changed it
    entry = initiative.history.first()
    version = f"/admin/tracks/initiative/{initiative.pk}/history/{entry.history_id}/"
    assert client.get(version).status_code == 200
    # A forged revert, with every field the version's form would post, is refused.
    forged = {
        "plan": initiative.plan_id,
        "spor": initiative.spor_id,
        "slug": initiative.slug,
        "title": "Tilbageført af administrator",
        "lead_area": initiative.lead_area_id,
        "start_quarter": "2025-01-01",
        "order": 0,
        "milestones-TOTAL_FORMS": 0,
        "milestones-INITIAL_FORMS": 0,
    }
    assert client.post(version, forged).status_code == 403
    initiative.refresh_from_db()
    assert initiative.title != "Tilbageført af administrator" and initiative.owner == chef
    # Chefgruppen, who edits the plan, may still revert.
    client.force_login(chef)
    assert client.post(version, {**forged, "title": "Tilbageført"}).status_code == 302


def test_quarters_are_picked_in_words_in_the_admin(client, chef, initiative):
    client.force_login(chef)

    page = client.get(f"/admin/tracks/initiative/{initiative.pk}/change/").content.decode()

    assert '<option value="2025-01-01" selected>1. kvartal 2025</option>' in page
    assert 'type="date"' not in page and 'name="start_quarter" type="text"' not in page


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/admin/omstilling/user/", "q=leder&role=leder&is_active__exact=1"),
        ("/admin/omstilling/institution/", "q=skole&kind__exact=skole"),
        ("/admin/omstilling/governancebody/", "q=gruppe"),
        ("/admin/omstilling/area/", "q=dag"),
        ("/admin/supportsystem/supportactor/", "q=ppr"),
        ("/admin/tracks/initiative/", "q=forløb&owner__isempty=1"),
        ("/admin/tracks/milestone/", "q=møde"),
    ],
)
def test_administrators_filter_and_search_the_lists(client, admin_user, initiative, path, query):
    client.force_login(admin_user)

    response = client.get(f"{path}?{query}")

    assert response.status_code == 200
    assert "?e=1" not in response.get("Location", "")  # an unknown filter redirects with e=1


@pytest.mark.parametrize("persona", ["bfu", "leader", "owner", "support", "visitation"])
def test_it_keeps_other_roles_out_of_the_admin(client, all_personas, persona):
    client.force_login(all_personas[persona])

    response = client.get("/admin/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize(
    "path",
    [
        "/admin/tracks/initiative/abc/history/",
        "/admin/tracks/initiative/{pk}/history/abc/",
        "/admin/omstilling/plan/abc/history/",
        "/admin/supportsystem/supportactor/abc/history/",
    ],
)
def test_a_history_url_with_an_id_that_is_no_id_answers_404(client, initiative, path):
    from omstilling.models import User

    client.force_login(User.objects.create_superuser("root", "root@kommune.example", "x"))

    assert client.get(path.format(pk=initiative.pk)).status_code == 404


def test_the_history_of_an_initiative_is_still_shown(client, chef, initiative):
    client.force_login(chef)

    response = client.get(f"/admin/tracks/initiative/{initiative.pk}/history/")

    assert response.status_code == 200
    assert initiative.title in response.content.decode()
