"""N times the demo data, for measuring pages and reports at scale (`manage.py seed_scale`).

Factor 1 is the demo itself (`seed_demo`). Every factor beyond it adds one *unit*: as many
institutions as the demo has and a set of users per role, and, through the apps' seeders, at
the density the issue measured (a tenth of its 10× data set): 50 tiltag with about 11
milestones and 100 status updates each, 14 investments, and about 2 000 child-level rows
(forløb with their steps, før-henvisninger, henvisninger with their decisions). `--factor 10`
thus gives about 500 tiltag, 5 500 milestones, 50 000 status updates, 140 investments and
20 000 child-level rows.

Deterministic: the same factor and `today` give the same rows. Each kind of data draws from
its own random generator seeded with its name, the factor and `today`, and every timestamp is
derived from a date. Only the columns the database stamps itself (`auto_now_add`: the access
log's time, a case's "registreret") carry the moment of seeding.

Written for speed with `bulk_create`, which skips the `pre_save` screening guard
(`omstilling.fields`), so the data keeps the rules itself: every text comes from fixed phrase
lists (screened in the tests), within its field's length; every date lies in its window and
not after yesterday (so no timestamp lies in the future); and history rows are inserted
complete, never updated or deleted afterwards (the append-only triggers,
`omstilling.append_only`).

The core makes the institutions and users; each app adds its own data through a seeder it
registers with `register_scale_seeder` (the core imports none of them). Seeders run in the
order the apps are installed, so an app may use what the apps below it have made.
"""

import datetime as dt
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from omstilling.cache import bump_all
from omstilling.demo import DEMO_PASSWORD
from omstilling.models import AccessLog, Institution, Role, User
from omstilling.services import user_apply_role

BATCH_SIZE = 1000
M = TypeVar("M", bound=models.Model)

# What one unit adds to the core: users per role (the demo has one of each). Institutions are
# the demo's own count per kind.
USERS_PER_UNIT = {
    Role.CHEFGRUPPE: 1,
    Role.BFU: 2,
    Role.LEDER: 10,
    Role.INITIATIVEJER: 5,
    Role.STOETTESYSTEM: 2,
    Role.VISITATION: 1,
}
# How many institutions one support-system user serves.
SERVED_PER_SUPPORT_USER = 10

_INSTITUTION_WORD = {
    Institution.Kind.SKOLE: "Skole",
    Institution.Kind.DAGTILBUD: "Børnehave",
    Institution.Kind.SPECIALTILBUD: "Specialtilbud",
}
_FIRST_NAMES = [
    "Anne", "Bo", "Camilla", "Dorthe", "Erik", "Frida", "Gitte", "Henrik", "Ida", "Jens",
    "Karen", "Lars", "Mette", "Niels", "Ole", "Pia", "Rasmus", "Susanne", "Thomas", "Ulla",
]  # fmt: skip
_LAST_NAMES = {
    Role.CHEFGRUPPE: "Chefgruppe",
    Role.BFU: "Udvalgsmedlem",
    Role.LEDER: "Leder",
    Role.INITIATIVEJER: "Initiativejer",
    Role.STOETTESYSTEM: "Støttesystem",
    Role.VISITATION: "Visitation",
}


class ScaleError(Exception):
    """The database is not ready for scale data (no demo data, or scaled already)."""


@dataclass
class ScaleContext:
    """What every seeder gets: the factor, the day, and the core's rows (demo's first)."""

    factor: int
    today: dt.date
    users: dict[str, list[User]]
    institutions: list[Institution]
    new_institutions: list[Institution]
    # institution pk → the leaders and support-system users who may write its forløb
    writers_of: dict[int, list[User]] = field(default_factory=dict)

    @property
    def units(self) -> int:
        return self.factor - 1

    @property
    def last_day(self) -> dt.date:
        """The last day anything happened: yesterday, so no timestamp lies in the future."""
        return self.today - dt.timedelta(days=1)

    @property
    def chef(self) -> User:
        return self.users[Role.CHEFGRUPPE][0]

    def random(self, name: str) -> random.Random:
        """A generator of its own for each kind of data: adding one kind leaves the others."""
        # Reproducible on purpose: nothing secret is drawn from it.
        return random.Random(f"{name}:{self.factor}:{self.today.isoformat()}")  # noqa: S311

    def at(self, day: dt.date, minute: int = 0) -> dt.datetime:
        """A timestamp on `day`: working hours, from 08:00 plus `minute` minutes."""
        start = dt.datetime.combine(day, dt.time(8)) + dt.timedelta(minutes=minute % 600)
        return timezone.make_aware(start)

    def general_institutions(self) -> list[Institution]:
        """The daycares and schools (children are referred from these), demo's first."""
        general = (Institution.Kind.DAGTILBUD, Institution.Kind.SKOLE)
        return [i for i in self.institutions if i.kind in general]


ScaleSeeder = Callable[[ScaleContext], None]
_SEEDERS: list[ScaleSeeder] = []


def register_scale_seeder(seeder: ScaleSeeder) -> ScaleSeeder:
    """Apps above the core add their scale data here (the core imports none of them)."""
    if seeder not in _SEEDERS:
        _SEEDERS.append(seeder)
    return seeder


def seed_scale(*, factor: int, today: dt.date) -> ScaleContext:
    """Add `factor` − 1 units of data to the demo data. Refuses without the demo or twice."""
    if factor < 1:
        raise ValueError("factor must be at least 1")
    demo_users = {
        role: User.objects.filter(username=role).first() for role in (*USERS_PER_UNIT, Role.ADMIN)
    }
    if demo_users[Role.CHEFGRUPPE] is None:
        raise ScaleError("Der er ingen demo-data: kør load_plan og seed_demo først.")
    if User.objects.filter(username=_username(Role.CHEFGRUPPE, 2)).exists():
        raise ScaleError("Skaladata findes allerede: start fra en tom database.")
    demo_institutions = list(Institution.objects.filter(is_demo=True).order_by("pk"))
    context = ScaleContext(
        factor=factor,
        today=today,
        users={role: [user] for role, user in demo_users.items() if user is not None},
        institutions=demo_institutions,
        new_institutions=[],
    )
    if context.units == 0:
        return context
    with transaction.atomic():
        seed_institutions(context)
        seed_users(context)
        for seeder in _SEEDERS:
            seeder(context)
        # bulk_create sends no signal: every cached aggregate is stale now.
        bump_all()
    return context


# --- the core's own rows -----------------------------------------------------------------------


def seed_institutions(context: ScaleContext) -> None:
    """Per unit, as many schools, daycares and special offers as the demo has, "(demo)" too."""
    per_kind: dict[str, int] = {}
    for institution in context.institutions:
        per_kind[institution.kind] = per_kind.get(institution.kind, 0) + 1
    new = []
    for kind, count in sorted(per_kind.items()):
        for number in range(count + 1, count * context.factor + 1):
            new.append(
                Institution(
                    name=f"{_INSTITUTION_WORD[kind]} {number} (demo)", kind=kind, is_demo=True
                )
            )
    context.new_institutions = bulk_insert(Institution, new)
    context.institutions = [*context.institutions, *context.new_institutions]


def _username(role: str, number: int) -> str:
    return f"{role}-{number:03d}"


def seed_users(context: ScaleContext) -> None:
    """Users per role and unit, password `demo` like the demo users (one hash: it is slow)."""
    password = make_password(DEMO_PASSWORD)
    joined = context.at(context.last_day - dt.timedelta(days=365))
    new: list[User] = []
    for role, per_unit in USERS_PER_UNIT.items():
        for number in range(2, per_unit * context.units + 2):
            first = _FIRST_NAMES[(len(new) + number) % len(_FIRST_NAMES)]
            new.append(
                User(
                    username=_username(role, number),
                    password=password,
                    role=role,
                    first_name=first,
                    last_name=_LAST_NAMES[role],
                    email=f"{_username(role, number)}@demo.invalid",
                    date_joined=joined,
                )
            )
    new = bulk_insert(User, new)
    for user in new:
        context.users.setdefault(user.role, []).append(user)
        if user.role == Role.CHEFGRUPPE:
            user_apply_role(user=user)  # the admin group, as for the demo's chefgruppe
    _scope_users(context)


def _scope_users(context: ScaleContext) -> None:
    """Each new leader leads a school and a daycare; each support user serves ten institutions."""
    through = User.institutions.through
    links = []
    general = [i for i in context.new_institutions if i.kind != Institution.Kind.SPECIALTILBUD]
    schools = [i for i in general if i.kind == Institution.Kind.SKOLE]
    daycares = [i for i in general if i.kind == Institution.Kind.DAGTILBUD]
    leaders = context.users[Role.LEDER][1:]
    for index, leader in enumerate(leaders):
        for group in (schools, daycares):
            if index < len(group):
                links.append(through(user_id=leader.pk, institution_id=group[index].pk))
    for index, supporter in enumerate(context.users[Role.STOETTESYSTEM][1:]):
        start = index * SERVED_PER_SUPPORT_USER
        for institution in general[start : start + SERVED_PER_SUPPORT_USER]:
            links.append(through(user_id=supporter.pk, institution_id=institution.pk))
    bulk_insert(through, links)
    scoped = {
        user.pk: user
        for role in (Role.LEDER, Role.STOETTESYSTEM)
        for user in context.users.get(role, [])
    }
    for user_id, institution_id in (
        through.objects.filter(user_id__in=scoped)
        .order_by("pk")
        .values_list("user_id", "institution_id")
    ):
        context.writers_of.setdefault(institution_id, []).append(scoped[user_id])


# --- helpers for the seeders -------------------------------------------------------------------


def bulk_insert(
    model: type[M], rows: Sequence[M], *, history: bool = False, history_user: User | None = None
) -> list[M]:
    """Insert `rows` in batches and return them with their primary keys.

    With `history`, the model's django-simple-history rows are inserted too (one "+" row each,
    dated by the row's `_history_date`, by `history_user`), as a save through the services
    would leave them.
    """
    created = model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
    if history:
        model.history.bulk_history_create(created, batch_size=BATCH_SIZE, default_user=history_user)
    return created


def access_log_rows(
    *, user: User, action: str, objects: Iterable[models.Model], path: str = ""
) -> list[AccessLog]:
    """The access-log rows the services write for these child-level rows (inserted by the
    caller with `bulk_insert`): who, which row, which action, never the content."""
    return [
        AccessLog(
            user=user,
            username=user.username,
            action=action,
            model=obj._meta.label,
            object_id=str(obj.pk),
            path=path,
        )
        for obj in objects
    ]


def random_dates(rng: random.Random, first: dt.date, last: dt.date, count: int) -> list[dt.date]:
    """`count` dates from `first` to `last` (both included), drawn evenly, in order."""
    if count <= 0 or last < first:
        return []
    span = (last - first).days
    return sorted(first + dt.timedelta(days=rng.randint(0, span)) for _ in range(count))


def table_counts() -> dict[str, int]:
    """Rows per portal table (history tables included): what `seed_scale` reports it added."""
    from omstilling.checks import PORTAL_APPS

    counts = {}
    for app_label in PORTAL_APPS:
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
            counts[model._meta.label] = model._base_manager.count()
    return counts
