import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

LANDINGS = {
    "chef": "tracks:overview",
    "bfu": "reports:dashboard",
    "leader": "tracks:my_milestones",
    "owner": "tracks:overview",
    "support": "supportsystem:forloeb_list",
    "visitation": "visitation:workspace",
    "admin": "tracks:overview",
}


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "landing"), sorted(LANDINGS.items()))
def test_it_sends_each_role_to_where_its_main_job_starts(client, all_personas, persona, landing):
    client.force_login(all_personas[persona])

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == reverse(landing)


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_log_in(client):
    assert client.get("/")["Location"] == reverse("login")


@pytest.mark.django_db
def test_the_footer_links_to_the_accessibility_statement_once_its_address_is_set(
    client, chef, settings
):
    client.force_login(chef)
    settings.ACCESSIBILITY_STATEMENT_URL = ""

    unset = client.get(reverse("tracks:overview")).content.decode()
    settings.ACCESSIBILITY_STATEMENT_URL = "https://www.was.digst.dk/app/portal"
    linked = client.get(reverse("tracks:overview")).content.decode()

    assert "Tilgængelighedserklæringen er ikke offentliggjort endnu." in unset
    assert 'class="footer-link"' not in unset.split("<footer", 1)[1].split("language-form")[0]
    assert (
        '<a href="https://www.was.digst.dk/app/portal" class="footer-link">'
        "Tilgængelighedserklæring</a>" in linked
    )


@pytest.mark.django_db
def test_the_favicon_is_found(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.ico"
    assert finders.find("favicon.ico")
