"""Deterministic demo data, written through the services (style rule 10).

The seeds name no individual schools or daycares, so the demo institutions are plainly marked
"(demo)". Real institutions come from the admin or an import.
"""

import datetime as dt
from collections.abc import Callable

from omstilling.models import Institution, Role, User
from omstilling.services import user_create

DEMO_PASSWORD = "demo"  # noqa: S105 (demo only; the command refuses to run without DEBUG)

DEMO_INSTITUTIONS = [
    ("Skole A (demo)", Institution.Kind.SKOLE),
    ("Skole B (demo)", Institution.Kind.SKOLE),
    ("Børnehave A (demo)", Institution.Kind.DAGTILBUD),
    ("Børnehave B (demo)", Institution.Kind.DAGTILBUD),
    ("Specialtilbud A (demo)", Institution.Kind.SPECIALTILBUD),
]

# username, role, first name, last name, what the user is for
DEMO_USERS = [
    ("chefgruppe", "Chefgruppe", "Chris", "Chefgruppe", "opdaterer status, styrer planen"),
    ("bfu", "Udvalgsmedlem", "Bente", "Udvalgsmedlem", "læser kun"),
    ("leder", "Leder", "Lene", "Leder", "Skole A (demo) og Børnehave A (demo)"),
    ("initiativejer", "Initiativejer", "Ivan", "Initiativejer", "ejer to tiltag"),
    ("stoettesystem", "Støttesystem", "Sara", "Støttesystem", "betjener Skole A og Børnehave A"),
    ("visitation", "Visitation", "Vibeke", "Visitation", "visitationsudvalget"),
    ("admin", "Administrator", "Anders", "Administrator", "brugere og stamdata (/admin/)"),
]


def seed_demo(*, today: dt.date) -> bool:
    """Create the demo institutions, users, local milestones and statuses. False if they exist."""
    if User.objects.filter(username="chefgruppe").exists():
        return False
    institutions = {
        name: Institution.objects.get_or_create(
            name=name, defaults={"kind": kind, "is_demo": True}
        )[0]
        for name, kind in DEMO_INSTITUTIONS
    }
    roles = {
        "chefgruppe": Role.CHEFGRUPPE,
        "bfu": Role.BFU,
        "leder": Role.LEDER,
        "initiativejer": Role.INITIATIVEJER,
        "stoettesystem": Role.STOETTESYSTEM,
        "visitation": Role.VISITATION,
        "admin": Role.ADMIN,
    }
    scoped = [institutions["Skole A (demo)"], institutions["Børnehave A (demo)"]]
    users = {}
    for username, _label, first, last, _note in DEMO_USERS:
        users[username] = user_create(
            username=username,
            password=DEMO_PASSWORD,
            role=roles[username],
            first_name=first,
            last_name=last,
            email=f"{username}@demo.invalid",
            institutions=scoped if username in ("leder", "stoettesystem") else None,
        )
    for seeder in _SEEDERS:
        seeder(users=users, institutions=institutions, today=today)
    return True


DemoSeeder = Callable[..., None]
_SEEDERS: list[DemoSeeder] = []


def register_demo_seeder(seeder: DemoSeeder) -> DemoSeeder:
    """Apps above the core add their demo data here (the core imports none of them)."""
    if seeder not in _SEEDERS:
        _SEEDERS.append(seeder)
    return seeder
