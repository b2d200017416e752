"""Users change their own password in the portal, unless they log in by single sign-on."""

import pytest
from django.test import Client
from django.urls import reverse

from omstilling.models import Role, User

pytestmark = pytest.mark.django_db

URL = "/adgangskode/"
NEW = "Forårssol-over-Fjorden-7"


def _change(client, user, *, old="pw", new=NEW, repeat=None):
    client.force_login(user)
    return client.post(
        URL, {"old_password": old, "new_password1": new, "new_password2": repeat or new}
    )


def test_the_url_is_named():
    assert reverse("password_change") == URL


@pytest.mark.parametrize("persona", ["chef", "bfu", "leader", "visitation", "admin"])
def test_it_changes_the_password_and_keeps_the_session(client, all_personas, persona):
    user = all_personas[persona]

    response = _change(client, user)

    assert response.status_code == 302
    assert response["Location"] == URL
    user.refresh_from_db()
    assert user.check_password(NEW)
    # Still logged in, with the confirmation in Danish.
    page = client.get(URL)
    assert page.status_code == 200
    assert "Din adgangskode er skiftet." in page.content.decode()


def test_other_sessions_of_the_user_end(client, bfu):
    elsewhere = Client()
    elsewhere.force_login(bfu)  # keeps the password's hash in the session, as a log-in does

    _change(client, bfu)

    assert elsewhere.get(URL).status_code == 302  # sent to log in
    assert client.get(URL).status_code == 200


def test_a_wrong_old_password_is_an_error_on_that_field(client, bfu):
    response = _change(client, bfu, old="forkert")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_old_password-error"' in html
    assert "Din gamle adgangskode blev ikke indtastet korrekt" in html
    assert 'aria-describedby="id_old_password-error"' in html
    assert 'aria-invalid="true"' in html
    bfu.refresh_from_db()
    assert bfu.check_password("pw")


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("12345678901", "udelukkende numerisk"),
        ("kort1", "mindst 8 tegn"),
        ("password123", "ofte anvendt"),
    ],
)
def test_the_password_validators_apply(client, bfu, new, message):
    response = _change(client, bfu, new=new)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'class="form-error-message" id="id_new_password2-error"' in html
    bfu.refresh_from_db()
    assert bfu.check_password("pw")


def test_the_rules_are_a_hint_tied_to_the_new_password(client, bfu):
    client.force_login(bfu)

    html = client.get(URL).content.decode()

    assert 'aria-describedby="id_new_password1-hint"' in html
    assert "mindst 8 tegn" in html
    assert "<ul" not in html.split('id="id_new_password1-hint"')[1].split("</span>")[0]


@pytest.fixture
def sso_user(db):
    """A user created by single sign-on: no password of ours (user_sync_from_sso)."""
    return User.objects.create_user("sso", email="sso@kommune.example", role=Role.BFU)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_single_sign_on_user_is_refused(client, sso_user, method):
    client.force_login(sso_user)

    response = getattr(client, method)(
        URL, {"old_password": "", "new_password1": NEW, "new_password2": NEW}
    )

    assert response.status_code == 403
    sso_user.refresh_from_db()
    assert not sso_user.has_usable_password()


def test_the_header_offers_it_only_to_users_with_a_password(client, bfu, sso_user):
    link = f'href="{URL}"'
    client.force_login(bfu)
    assert link in client.get(reverse("reports:dashboard")).content.decode()

    client.force_login(sso_user)
    assert link not in client.get(reverse("reports:dashboard")).content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in(client, method):
    response = getattr(client, method)(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/")


def test_an_empty_post_names_every_missing_field(client, bfu):
    client.force_login(bfu)

    html = client.post(URL, {}).content.decode()

    for field in ("old_password", "new_password1", "new_password2"):
        assert f'id="id_{field}-error"' in html
