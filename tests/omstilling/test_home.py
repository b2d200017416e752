import pytest
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
