"""Demo statuses, owners and local milestones for the loaded plan, written through the services."""

import datetime as dt

from notifications.services import follow
from omstilling.demo import DEMO_PASSWORD, register_demo_seeder
from omstilling.models import Institution, Plan, Role, User
from omstilling.quarters import Quarter
from omstilling.services import user_create
from tracks.models import Health, Initiative, Milestone, WorkState
from tracks.services import (
    initiative_assign_owner,
    initiative_update_status,
    milestone_complete,
    milestone_create,
)

# A fixed pattern, so every run gives the same portal: (state, health, progress, narrative)
_PATTERN = [
    (WorkState.I_GANG, Health.GROEN, 40, ""),
    (
        WorkState.I_GANG,
        Health.GUL,
        25,
        "Bearbejdningen tager længere tid end planlagt; arbejdsgruppen mangler praktikere.",
    ),
    (WorkState.AFSLUTTET, Health.GROEN, 100, ""),
    (WorkState.I_GANG, Health.GROEN, 60, ""),
    (WorkState.IKKE_STARTET, Health.GROEN, 0, ""),
    (
        WorkState.I_GANG,
        Health.ROED,
        15,
        "Tiltaget er bagud i forhold til kadencen; beslutning udskudt til næste chefgruppemøde.",
    ),
    (None, None, None, None),  # no status yet
]


# Owners as a department would name them: the head of each lead area owns most of its spor's
# tiltag (username, first name, last name, the spor they own). The demo initiative owner owns
# the first tiltag of spor 2 and 3; a tiltag an owning group holds stays the group's; and the
# last tiltag of spor 1 and of spor 4 stay without an owner, so the attention lists show one.
_OWNERS = [
    ("ejer-dagtilbud", "Dorte", "Dagtilbudschef", 1),
    ("ejer-skole", "Søren", "Skolechef", 2),
    ("ejer-overgang", "Olga", "Overgangskoordinator", 3),
    ("ejer-stoette", "Peter", "PPR-leder", 4),
]


def _seed_owners(
    *, plan: Plan, initiatives: list[Initiative], users: dict[str, User], chef: User
) -> None:
    owners = {
        number: user_create(
            username=username,
            password=DEMO_PASSWORD,
            role=Role.INITIATIVEJER,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.invalid",
        )
        for username, first, last, number in _OWNERS
    }
    # Chefgruppen's own group answers for what it owns (spor 5): its members are chefgruppen.
    for body in plan.governance_bodies.filter(owned_initiatives__isnull=False).distinct():
        if body.kind == body.Kind.STYREGRUPPE:
            body.members.add(chef)
        else:
            body.members.add(users["initiativejer"], owners.get(3, users["initiativejer"]))
    by_spor: dict[int, list[Initiative]] = {}
    for initiative in initiatives:
        by_spor.setdefault(initiative.spor.number, []).append(initiative)
    for number, items in by_spor.items():
        for index, initiative in enumerate(items):
            if initiative.owner_body_id:
                continue
            if number in (2, 3) and index == 0:
                owner = users["initiativejer"]
            elif number in (1, 4) and index == len(items) - 1:
                continue  # left without an owner: "Kræver opmærksomhed" shows it
            elif number in owners:
                owner = owners[number]
            else:
                owner = chef
            initiative_assign_owner(
                initiative=initiative, by=chef, owner=owner, expected_version=initiative.version
            )


@register_demo_seeder
def seed_plan_demo(
    *, users: dict[str, User], institutions: dict[str, Institution], today: dt.date
) -> None:
    plan = Plan.objects.current()
    if plan is None:
        return
    chef = users["chefgruppe"]
    initiatives = list(
        Initiative.objects.filter(plan=plan)
        .select_related("spor")
        .order_by("spor__number", "order")
    )
    if not initiatives:
        return
    _seed_owners(plan=plan, initiatives=initiatives, users=users, chef=chef)

    # Some follow the first tiltag ("Følg tiltag"): its status updates below notify them.
    for role in ("initiativejer", "leder", "stoettesystem", "visitation"):
        if role in users:
            for initiative in initiatives[:2]:
                follow(user=users[role], target=initiative)

    for index, initiative in enumerate(initiatives):
        state, health, progress, narrative = _PATTERN[index % len(_PATTERN)]
        if state is None:
            continue
        initiative_update_status(
            initiative=initiative,
            by=chef,
            state=state,
            health=health,
            progress=progress,
            narrative=narrative,
            next_steps="Drøftes på næste møde i arbejdsgruppen.",
            expected_version=initiative.version,
        )

    # Plan-wide milestones due in the past: most are done (some late), a few are overdue.
    past = Milestone.objects.filter(
        initiative__plan=plan, institution=None, planned_quarter__lt=Quarter.of(today).first_day
    )
    for index, milestone in enumerate(past.order_by("planned_quarter", "pk")):
        if index % 4 == 3:
            continue
        late = dt.timedelta(days=20 if index % 4 == 2 else 0)
        milestone_complete(
            milestone=milestone,
            by=chef,
            completed_on=min(milestone.due_date + late, today),
            note="Registreret i demo-data.",
        )

    # Local milestones for the demo institutions on the school- and daycare-development work.
    current = Quarter.of(today)
    local = [
        ("Skole A (demo)", "Skolens lokale design for skoleudvikling er beskrevet", current),
        ("Skole A (demo)", "Fagprofessionelle læringsfællesskaber er i gang", current.next()),
        ("Skole B (demo)", "Skolens lokale design for skoleudvikling er beskrevet", current),
        (
            "Børnehave A (demo)",
            "Alle medarbejdere er tilmeldt kompetenceudviklingsforløbet",
            Quarter(current.year - 1, current.number),
        ),
        (
            "Børnehave A (demo)",
            "Lokal proces om fælles værktøjer og metoder afholdt",
            current.next(),
        ),
    ]
    spor_initiative = {
        "skole": next((i for i in initiatives if i.spor.number == 2), initiatives[0]),
        "dagtilbud": next((i for i in initiatives if i.spor.number == 1), initiatives[0]),
    }
    for name, title, quarter in local:
        institution = institutions[name]
        initiative = spor_initiative[institution.kind]
        initiative.institutions.add(institution)
        milestone_create(
            initiative=initiative,
            by=chef,
            title=title,
            planned_quarter=_within(quarter.first_day, initiative, plan),
            institution=institution,
        )


def _within(quarter: dt.date, initiative, plan) -> dt.date:
    """The quarter, moved into the tiltag's period (and the plan's) when it lies outside: a
    milestone is planned within both (Milestone.schedule_errors), whatever the plan file."""
    first = max(initiative.start_quarter, plan.start_quarter)
    last = min(initiative.end_quarter or plan.end_quarter, plan.end_quarter)
    return min(max(quarter, first), last)
