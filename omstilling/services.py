"""Writes to the core: users and their roles, which plan is current, the institutions, the access
log."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from omstilling.models import Institution, Plan, Role, User

# Which Django-admin permissions each staff role gets. The portal's own pages check roles
# through the access helpers; the admin is for master data (administrators) and for the
# plan's content (chefgruppen).
ADMIN_PERMISSIONS = {
    Role.ADMIN: [
        ("omstilling", "user"),
        ("omstilling", "area"),
        ("omstilling", "institution"),
        ("omstilling", "governancebody"),
        ("omstilling", "accesslog"),
    ],
    Role.CHEFGRUPPE: [
        ("tracks", "spor"),
        ("tracks", "theme"),
        ("tracks", "initiative"),
        ("tracks", "milestone"),
        ("tracks", "recommendationtheme"),
        ("tracks", "recommendation"),
        ("omstilling", "governancebody"),
    ],
}


# What a role may only read in the admin: administrators read the plan's content and its
# history of edits (who changed what, before and after) without editing it.
ADMIN_VIEW_PERMISSIONS = {
    Role.ADMIN: [
        ("omstilling", "plan"),
        ("tracks", "spor"),
        ("tracks", "theme"),
        ("tracks", "initiative"),
        ("tracks", "milestone"),
        ("tracks", "recommendationtheme"),
        ("tracks", "recommendation"),
    ],
}


def _group_for(role: str) -> Group | None:
    models = ADMIN_PERMISSIONS.get(role)
    if not models:
        return None
    group, _ = Group.objects.get_or_create(name=Role(role).label)
    perms = Permission.objects.none()
    for app_label, model in models:
        perms |= Permission.objects.filter(
            content_type__app_label=app_label, content_type__model=model
        )
    for app_label, model in ADMIN_VIEW_PERMISSIONS.get(role, []):
        perms |= Permission.objects.filter(
            content_type__app_label=app_label,
            content_type__model=model,
            codename=f"view_{model}",
        )
    if role == Role.CHEFGRUPPE:
        perms = perms.exclude(codename__startswith="delete_")
    group.permissions.set(perms)
    return group


@transaction.atomic
def role_groups_refresh() -> list[str]:
    """Give the role groups that exist the permissions their role has in this version of the
    code (a new page the administrators may view arrives with a new release, and their group
    was made by an earlier one). Run after every `migrate`; returns the groups refreshed."""
    refreshed = []
    for role in ADMIN_PERMISSIONS:
        if Group.objects.filter(name=Role(role).label).exists():
            _group_for(role)
            refreshed.append(str(Role(role).label))
    return refreshed


def refresh_role_groups_after_migrate(sender, **kwargs) -> None:
    """post_migrate receiver: once, after the last app's permissions have been created."""
    from django.apps import apps

    # The signal is sent for each app with models, in INSTALLED_APPS order.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender.label == with_models[-1].label:
        role_groups_refresh()


@transaction.atomic
def user_apply_role(*, user: User) -> None:
    """Give a user the admin access and groups their role implies (and remove other roles').

    A superuser keeps the admin whatever their role (most have none): saving their own account
    in the admin took it away.
    """
    user.is_staff = user.is_superuser or user.role in ADMIN_PERMISSIONS
    user.save(update_fields=["is_staff"])
    user.groups.remove(*Group.objects.filter(name__in=[r.label for r in Role]))
    group = _group_for(user.role)
    if group:
        user.groups.add(group)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    institutions: list[Institution] | None = None,
) -> User:
    user = User.objects.create_user(
        username=username,
        password=password,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    if institutions:
        user.institutions.set(institutions)
    user_apply_role(user=user)
    return user


def access_log_record(
    *, user: User, action: str, obj=None, model: str = "", object_id: str = "", path: str = ""
) -> None:
    """Log a read or write of child-level rows, or a refused access: who, when, which row,
    which action.

    Pass the object (or the model label and pk). The content of the row is never logged.
    """
    from omstilling.models import AccessLog

    if obj is not None:
        model = obj._meta.label
        object_id = str(obj.pk)
    AccessLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        username=getattr(user, "username", "") or "",
        action=action,
        model=model[:100],
        # A refusal's id comes from the URL, where it can be any text.
        object_id=object_id[:64],
        path=path[:300],
    )


def access_log_record_rows(
    *, user: User, action: str, rows: Iterable[tuple[str, object]], path: str = ""
) -> None:
    """Log that `rows`, (model label, pk) pairs, were read together (a list shown): one entry
    per row, all with the same who, when, action and page, in one INSERT.

    For a page that shows child-level rows on every request (the visitation workspace, 40 rows
    a page). On PostgreSQL not `bulk_create`: that builds a model instance per row, prepares
    each of the seven fields of each row in Python and returns ids nobody reads, in a
    transaction of its own (BEGIN, INSERT, COMMIT: 3 round trips). Here the who, when and page
    are sent once and the rows as two arrays: 7 parameters whatever the number of rows, so
    psycopg also reuses its parsed form of the statement (it parses a statement of more than
    50 parameters anew each time). The entries are those `access_log_record` writes, except
    that they share one timestamp: they were shown at once.

    The INSERT commits on its own and synchronously, before the page is rendered: no page of
    child-level rows reaches a user before its entries are on disk. `SET LOCAL
    synchronous_commit TO OFF` would save the wait for the WAL flush (2-5 ms wall a request on
    the test machine, no CPU), but a database crash would then lose the entries of the last
    fraction of a second, for pages already shown, with no trace of which.
    """
    from omstilling.models import AccessLog

    rows = [(model[:100], str(object_id)[:64]) for model, object_id in rows]
    if not rows:
        return
    if connection.vendor != "postgresql":  # SQLite (development): the ORM's bulk insert
        AccessLog.objects.bulk_create(
            AccessLog(
                user=user,
                username=user.username,
                action=action,
                model=model,
                object_id=object_id,
                path=path[:300],
            )
            for model, object_id in rows
        )
        return
    models = [model for model, _ in rows]
    object_ids = [object_id for _, object_id in rows]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AccessLog._meta.db_table} "  # noqa: S608 - the model's own table
            "(at, user_id, username, action, path, model, object_id) "
            "SELECT %s, %s, %s, %s, %s, r.model, r.object_id "
            "FROM UNNEST(%s::varchar[], %s::varchar[]) AS r (model, object_id)",
            [timezone.now(), user.pk, user.username, action, path[:300], models, object_ids],
        )


@transaction.atomic
def user_sync_from_sso(
    *,
    user: User | None,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
) -> User:
    """Create or update a single-sign-on user from the identity provider's claims.

    The provider is the source of truth: names and the role (from its groups) are set again at
    every log-in. A new user gets no password, so only the provider can log them in.
    """
    if user is None:
        user = User.objects.create_user(username, email=email, password=None)
    user.first_name = first_name
    user.last_name = last_name
    user.role = role
    user.save(update_fields=["first_name", "last_name", "role"])
    user_apply_role(user=user)
    return user


@transaction.atomic
def plan_set_current(*, plan: Plan) -> bool:
    """Make `plan` the one the portal runs (a successor plan takes over); every other plan is
    then read-only. False if it already was. The plans' rows are locked, so two switches run
    one after the other."""
    plans = {row.pk: row for row in Plan.objects.select_for_update().order_by("pk")}
    if plans[plan.pk].is_current:
        return False
    for other in plans.values():
        if other.is_current:
            other.is_current = False
            other.save(update_fields=["is_current"])
    plan.is_current = True
    plan.save(update_fields=["is_current"])
    return True


@transaction.atomic
def institutions_import(*, rows: list, by: User | None = None) -> tuple[int, int]:
    """Create or update the municipality's institutions from a checked list
    (`omstilling.institution_import`), matched by name. A column the list leaves empty (area,
    demo) leaves the institution's value as it is. Returns (created, updated)."""
    existing = Institution.objects.in_bulk([row.name for row in rows], field_name="name")
    created = updated = 0
    for row in rows:
        institution = existing.get(row.name)
        values = {"kind": row.kind}
        if row.area_given:
            values["area"] = row.area
        if row.demo is not None:
            values["is_demo"] = row.demo
        if institution is None:
            institution = Institution(name=row.name, **values)
            institution._history_user = by
            institution.save()
            created += 1
            continue
        changed = [name for name, value in values.items() if getattr(institution, name) != value]
        if changed:
            for name in changed:
                setattr(institution, name, values[name])
            institution._history_user = by
            institution.save(update_fields=changed)
            updated += 1
    return created, updated


def user_invite(*, user: User, by: User) -> None:
    """E-mail `user` an invitation to the portal: a link with which they choose their own first
    password (Django's password-reset token: valid for PASSWORD_RESET_TIMEOUT, and only until
    the password is set). Whoever sends it never learns or sets the password. The caller has
    checked `omstilling.access.can_invite`."""
    link = settings.SITE_URL.rstrip("/") + reverse(
        "invitation",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "by": by,
        "link": link,
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "role": user.get_role_display(),
    }
    with translation.override("da"):
        subject = render_to_string("registration/invitation_subject.txt", context)
        body = render_to_string("registration/invitation_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
