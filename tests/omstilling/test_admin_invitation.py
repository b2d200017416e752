"""Administrators get a new user a first password without setting it: "Send invitation"
e-mails a link (Django's password-reset token) with which the user chooses their own. Only for
a new account the administrator manages; never for one in use, its own, another
administrator's or a superuser's; never with single sign-on."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.urls import reverse

from omstilling.access import can_invite
from omstilling.models import Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:omstilling_user_changelist")


@pytest.fixture
def newcomer(db):
    user = User.objects.create_user("ny-leder", email="ny@kommune.example", role=Role.LEDER)
    assert not user.has_usable_password()
    return user


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@kommune.example", "root-pw")


def invite(client, *users):
    return client.post(
        CHANGELIST,
        {"action": "send_invitation", "_selected_action": [u.pk for u in users]},
        follow=True,
    )


def link_in(message) -> str:
    return re.search(r"https?://\S+/invitation/\S+/", message.body).group(0)


def path_of(link: str) -> str:
    return urlsplit(link).path


def test_an_administrator_invites_a_new_user_who_chooses_a_password(
    client, admin_user, newcomer, settings
):
    settings.SITE_URL = "https://portal.kommune.example"
    client.force_login(admin_user)

    response = invite(client, newcomer)

    assert "Invitation sendt til: ny-leder." in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["ny@kommune.example"]
    assert message.subject == "Invitation til Omstillingsportalen"
    assert "Dit brugernavn er: ny-leder" in message.body and "rollen Leder" in message.body
    link = link_in(message)
    assert link.startswith("https://portal.kommune.example/invitation/")
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()  # the administrator set nothing
    assert LogEntry.objects.filter(object_id=str(newcomer.pk), user=admin_user).exists()

    client.logout()
    path = path_of(link)
    form = client.get(path, follow=True)
    assert "Dit brugernavn er ny-leder" in form.content.decode()
    saved = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Grøn-Skole-2026!", "new_password2": "Grøn-Skole-2026!"},
    )
    assert saved.status_code == 302 and saved["Location"] == reverse("invitation_complete")
    newcomer.refresh_from_db()
    assert newcomer.check_password("Grøn-Skole-2026!")
    logged_in = client.post(
        reverse("login"), {"username": "ny-leder", "password": "Grøn-Skole-2026!"}
    )
    assert logged_in.status_code == 302 and "/log-ind/" not in logged_in["Location"]

    # The link works once.
    client.post(reverse("logout"))
    again = client.get(path, follow=True).content.decode()
    assert "Linket virker ikke" in again


def test_a_weak_password_is_refused_on_its_field(client, admin_user, newcomer):
    client.force_login(admin_user)
    invite(client, newcomer)
    client.logout()
    form = client.get(path_of(link_in(mail.outbox[0])), follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    assert 'class="form-error-message"' in response.content.decode()
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()


def test_an_altered_link_sets_nothing(client, newcomer):
    response = client.get(reverse("invitation", args=["MQ", "forkert-token"]))
    assert response.status_code == 200
    assert "Linket virker ikke" in response.content.decode()
    assert client.get(reverse("invitation_complete")).status_code == 200


@pytest.mark.parametrize(
    "case",
    ["in-use", "has-password", "no-email", "inactive", "administrator", "superuser", "itself"],
)
def test_no_invitation_can_take_an_account_over(client, admin_user, superuser, case):
    target = {
        "in-use": lambda: _logged_in_user(),
        "has-password": lambda: UserFactory(username="med-kode", role=Role.LEDER),
        "no-email": lambda: User.objects.create_user("uden-mail", role=Role.LEDER),
        "inactive": lambda: User.objects.create_user(
            "fratraadt", email="f@kommune.example", role=Role.LEDER, is_active=False
        ),
        "administrator": lambda: User.objects.create_user(
            "admin-2", email="a2@kommune.example", role=Role.ADMIN
        ),
        "superuser": lambda: superuser,
        "itself": lambda: admin_user,
    }[case]()
    client.force_login(admin_user)

    response = invite(client, target)

    assert not can_invite(admin_user, target)
    assert mail.outbox == []
    assert f"Ingen invitation til: {target.username}." in response.content.decode()


def _logged_in_user():
    from django.utils import timezone

    user = User.objects.create_user("i-brug", email="brug@kommune.example", role=Role.LEDER)
    user.last_login = timezone.now()
    user.save()
    return user


def test_no_invitations_with_single_sign_on(admin_user, newcomer, settings):
    settings.OIDC_ENABLED = True
    assert not can_invite(admin_user, newcomer)


@pytest.mark.parametrize("persona", ["chef", "bfu", "owner", "leader", "visitation"])
def test_other_roles_cannot_send_invitations(client, all_personas, newcomer, persona):
    client.force_login(all_personas[persona])
    response = client.post(
        CHANGELIST, {"action": "send_invitation", "_selected_action": [newcomer.pk]}
    )
    assert response.status_code in (302, 403)
    assert mail.outbox == []


def test_a_superuser_may_invite(client, superuser, newcomer):
    client.force_login(superuser)
    invite(client, newcomer)
    assert len(mail.outbox) == 1
