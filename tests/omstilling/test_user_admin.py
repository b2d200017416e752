"""User administration: the administrator role manages other users but can never raise rights.

The requests below are forged as a reviewer would forge them (fields the form does not offer,
accounts it shows read-only), not only filled in the way the rendered form allows.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from omstilling.access import AccountRights, check_account_change
from omstilling.admin import UserAdmin
from omstilling.models import AccessLog, Role, User
from tests.factories import GovernanceBodyFactory, UserFactory
from tracks.access import can_edit_initiative

pytestmark = pytest.mark.django_db


def _change_url(user: User) -> str:
    return reverse("admin:omstilling_user_change", args=[user.pk])


def _form_data(user: User, **changes) -> dict:
    """What the administrator's change form posts, with `changes` on top."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "is_active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


ESCALATION = {
    "is_superuser": "on",
    "is_staff": "on",
    "groups": [],  # filled in per test: an existing group
    "user_permissions": [],  # filled in per test: delete rights on everything
}


def _escalation() -> dict:
    return {
        **ESCALATION,
        "groups": [Group.objects.get_or_create(name="Alt")[0].pk],
        "user_permissions": list(
            Permission.objects.filter(codename__startswith="delete_").values_list("pk", flat=True)
        ),
    }


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@kommune.example", "root-pw")


# --- Its own account --------------------------------------------------------------------------


def test_its_own_account_is_read_only_to_an_administrator(client, admin_user):
    client.force_login(admin_user)

    page = client.get(_change_url(admin_user))

    assert page.status_code == 200
    html = page.content.decode()
    for field in ("role", "is_superuser", "is_staff", "is_active", "groups", "user_permissions"):
        assert f'name="{field}"' not in html


@pytest.mark.parametrize(
    "forged",
    [
        {"is_superuser": "on"},
        {"role": Role.VISITATION},
        {"is_active": None, "is_staff": "on"},
        "escalation",
    ],
    ids=["superuser", "visitation-role", "staff", "groups-and-permissions"],
)
def test_an_administrator_cannot_raise_its_own_rights(client, admin_user, forged):
    forged = _escalation() if forged == "escalation" else forged
    client.force_login(admin_user)

    response = client.post(_change_url(admin_user), _form_data(admin_user, **forged))

    assert response.status_code == 403
    admin_user.refresh_from_db()
    assert (admin_user.is_superuser, admin_user.role, admin_user.is_active) == (
        False,
        Role.ADMIN,
        True,
    )
    assert not admin_user.user_permissions.exists()
    assert list(admin_user.groups.values_list("name", flat=True)) == ["Administrator"]


def test_the_refused_attempt_is_in_the_access_log(client, admin_user):
    client.force_login(admin_user)

    client.post(_change_url(admin_user), _form_data(admin_user, is_superuser="on"))

    entry = AccessLog.objects.get(action=AccessLog.Action.REFUSED)
    assert (entry.username, entry.object_id, entry.path) == (
        "administrator",
        str(admin_user.pk),
        _change_url(admin_user),
    )


# --- Other users' accounts --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "is_staff"),
    [(Role.VISITATION, False), (Role.LEDER, False), (Role.CHEFGRUPPE, True), ("", False)],
)
def test_an_administrator_gives_another_user_a_portal_role(client, admin_user, bfu, role, is_staff):
    client.force_login(admin_user)

    response = client.post(_change_url(bfu), _form_data(bfu, role=role))

    assert response.status_code == 302, response.content.decode()[:3000]
    bfu.refresh_from_db()
    assert (bfu.role, bfu.is_staff, bfu.is_superuser) == (role, is_staff, False)


def test_an_administrator_deactivates_another_user(client, admin_user, bfu):
    client.force_login(admin_user)

    client.post(_change_url(bfu), _form_data(bfu, is_active=None))

    bfu.refresh_from_db()
    assert not bfu.is_active


def test_an_administrator_never_makes_another_administrator(client, admin_user, bfu):
    client.force_login(admin_user)

    response = client.post(_change_url(bfu), _form_data(bfu, role=Role.ADMIN))

    assert response.status_code == 200  # the form again, with the choice refused
    assert "admin er ikke en af de tilgængelige valgmuligheder" in response.content.decode()
    bfu.refresh_from_db()
    assert bfu.role == Role.BFU
    assert 'value="admin"' not in client.get(_change_url(bfu)).content.decode()


def test_superuser_staff_groups_and_permissions_are_not_given_by_a_forged_post(
    client, admin_user, bfu
):
    client.force_login(admin_user)

    client.post(_change_url(bfu), _form_data(bfu, role=Role.CHEFGRUPPE, **_escalation()))

    bfu.refresh_from_db()
    assert not bfu.is_superuser
    assert not bfu.user_permissions.exists()
    # Staff and the group follow from the role it was given, nothing more.
    assert bfu.is_staff
    assert list(bfu.groups.values_list("name", flat=True)) == ["Chefgruppe"]


@pytest.mark.parametrize("whose", ["another administrator", "a superuser"])
def test_other_administrators_and_superusers_are_read_only_to_an_administrator(
    client, admin_user, superuser, whose
):
    other = superuser if whose == "a superuser" else UserFactory(username="anden", role=Role.ADMIN)
    client.force_login(admin_user)

    assert client.get(_change_url(other)).status_code == 200  # to look at
    response = client.post(_change_url(other), _form_data(other, is_active=None))

    assert response.status_code == 403
    other.refresh_from_db()
    assert other.is_active


# --- Passwords --------------------------------------------------------------------------------


def test_an_administrator_never_sets_a_password(client, admin_user, visitation):
    client.force_login(admin_user)
    url = reverse("admin:auth_user_password_change", args=[visitation.pk])

    assert client.get(url).status_code == 403
    new = "Ny-kode-til-2026!"
    response = client.post(url, {"password1": new, "password2": new})

    assert response.status_code == 403
    visitation.refresh_from_db()
    assert visitation.check_password("pw")


def test_an_administrators_new_account_has_no_password_and_no_extra_rights(client, admin_user):
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:omstilling_user_add"),
        {
            "username": "ny",
            "role": Role.VISITATION,
            "usable_password": "true",
            "password1": "Ny-kode-til-2026!",
            "password2": "Ny-kode-til-2026!",
            **_escalation(),
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="ny")
    assert not user.has_usable_password()
    assert (user.role, user.is_superuser, user.is_staff) == (Role.VISITATION, False, False)
    assert not user.user_permissions.exists()


def test_an_administrator_cannot_create_an_administrator(client, admin_user):
    client.force_login(admin_user)

    client.post(
        reverse("admin:omstilling_user_add"),
        {
            "username": "ny",
            "role": Role.ADMIN,
            "usable_password": "true",
            "password1": "Ny-kode-til-2026!",
            "password2": "Ny-kode-til-2026!",
        },
    )

    assert not User.objects.filter(username="ny").exists()


# --- The check when the change is saved -------------------------------------------------------


def test_the_save_check_refuses_a_field_the_form_should_not_have_offered(
    client, admin_user, bfu, monkeypatch
):
    """If the form offered is_superuser after all (a future change), the save is refused and
    rolled back."""
    leaky = (*UserAdmin.administrator_fieldsets, ("Leak", {"fields": ("is_superuser",)}))
    monkeypatch.setattr(UserAdmin, "administrator_fieldsets", leaky)
    client.force_login(admin_user)

    response = client.post(
        _change_url(bfu), _form_data(bfu, is_superuser="on", first_name="Ændret")
    )

    assert response.status_code == 403
    bfu.refresh_from_db()
    assert (bfu.is_superuser, bfu.first_name == "Ændret") == (False, False)


def _rights(**changes) -> AccountRights:
    base = {
        "pk": 7,
        "is_superuser": False,
        "is_staff": False,
        "role": Role.BFU,
        "password": "md5$x$y",
        "group_ids": frozenset(),
        "permission_ids": frozenset(),
    }
    return AccountRights(**{**base, **changes})


@pytest.mark.parametrize(
    "after",
    [
        {"is_superuser": True},
        {"is_staff": True},
        {"password": "md5$a$b"},
        {"group_ids": frozenset({1})},
        {"permission_ids": frozenset({1})},
        {"role": Role.ADMIN},
    ],
    ids=["superuser", "staff", "password", "groups", "permissions", "admin-role"],
)
def test_the_save_check_refuses_every_rise_in_rights(admin_user, after):
    with pytest.raises(PermissionDenied):
        check_account_change(admin_user, before=_rights(), after=_rights(**after))


def test_the_save_check_lets_an_administrator_change_a_role(admin_user):
    check_account_change(admin_user, before=_rights(), after=_rights(role=Role.VISITATION))


def test_the_save_check_refuses_a_new_account_with_a_password(admin_user):
    with pytest.raises(PermissionDenied):
        check_account_change(admin_user, before=None, after=_rights())

    check_account_change(admin_user, before=None, after=_rights(password="!unusable"))


# --- Superusers -------------------------------------------------------------------------------


def test_a_superuser_can_do_more(client, superuser, bfu):
    client.force_login(superuser)
    page = client.get(_change_url(bfu)).content.decode()
    assert 'name="is_superuser"' in page

    response = client.post(
        reverse("admin:auth_user_password_change", args=[bfu.pk]),
        {"password1": "Ny-kode-til-2026!", "password2": "Ny-kode-til-2026!"},
    )

    assert response.status_code == 302
    bfu.refresh_from_db()
    assert bfu.check_password("Ny-kode-til-2026!")


def test_a_superuser_keeps_the_admin_after_saving_their_own_account(client, superuser):
    client.force_login(superuser)
    data = {
        "username": "root",
        "email": "root@kommune.example",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "role": "",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "08:00:00",
    }

    response = client.post(_change_url(superuser), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    superuser.refresh_from_db()
    assert superuser.is_staff
    assert client.get(reverse("admin:index")).status_code == 200


# --- Memberships of bodies (members edit the tiltag their body owns) --------------------------


def _body_data(body, members) -> dict:
    return {"slug": body.slug, "name": body.name, "kind": body.kind, "members": members}


def test_an_administrator_cannot_join_a_body_to_edit_its_tiltag(client, admin_user, initiative):
    body = GovernanceBodyFactory()
    initiative.owner_body = body
    initiative.save(update_fields=["owner_body"])
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:omstilling_governancebody_change", args=[body.pk]),
        _body_data(body, [admin_user.pk]),
    )

    assert response.status_code == 403
    assert not body.members.filter(pk=admin_user.pk).exists()
    assert not can_edit_initiative(User.objects.get(pk=admin_user.pk), initiative)


def test_an_administrator_manages_other_members_of_a_body(client, admin_user, owner):
    body = GovernanceBodyFactory()
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:omstilling_governancebody_change", args=[body.pk]),
        _body_data(body, [owner.pk]),
    )

    assert response.status_code == 302
    assert list(body.members.all()) == [owner]


def test_migrate_gives_an_existing_role_group_the_permissions_of_this_release(admin_user):
    """A group made by an earlier release lacks what a later release lets the role view; the
    next `migrate` (every deployment runs it) brings it up to date, with no re-save of users."""
    from django.contrib.auth.models import Group, Permission
    from django.core.management import call_command

    from omstilling.models import Role

    group = Group.objects.get(name=Role.ADMIN.label)
    view_plan = Permission.objects.get(codename="view_initiative", content_type__app_label="tracks")
    assert view_plan in group.permissions.all()
    group.permissions.remove(view_plan)  # as an earlier release made it

    call_command("migrate", verbosity=0)

    assert view_plan in group.permissions.all()
    assert admin_user.has_perm("tracks.view_initiative")
