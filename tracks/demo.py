"""Demo statuses, owners and local milestones for the loaded plan, written through the services."""

import datetime as dt

from notifications.services import follow
from omstilling.demo import register_demo_seeder
from omstilling.models import Institution, Plan, User
from omstilling.quarters import Quarter
from tracks.models import Health, Initiative, Milestone, PlanWorkflow, WorkState
from tracks.services import initiative_update_status, milestone_complete, milestone_create

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
    # The initiative owner owns the first initiative of spor 2 and of spor 3.
    for number in (2, 3):
        first = next((i for i in initiatives if i.spor.number == number), None)
        if first:
            Initiative.objects.filter(pk=first.pk).update(owner=users["initiativejer"])

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

    # The demo runs the work cycle with approval: the owner's update of their first tiltag
    # waits for chefgruppen ("Godkendelser"); BFU does not see it.
    PlanWorkflow.objects.update_or_create(plan=plan, defaults={"approval": True})
    owned = Initiative.objects.filter(plan=plan, owner=users["initiativejer"]).order_by("pk")
    if owned:
        draft_of = owned[0]
        initiative_update_status(
            initiative=draft_of,
            by=users["initiativejer"],
            state=WorkState.I_GANG,
            health=Health.GUL,
            progress=30,
            narrative="Rekrutteringen til arbejdsgruppen er forsinket; ny plan i næste måned.",
            next_steps="Arbejdsgruppen mødes igen.",
            expected_version=draft_of.version,
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
            planned_quarter=quarter.first_day,
            institution=institution,
        )
