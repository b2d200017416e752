"""Scale data for the plan's content (see `omstilling.scale`): copies of the plan's tiltag, each
with milestones (most done, some late, some overdue, some an institution's own), their
completion log, and a status history spread over the quarters since the tiltag started."""

import datetime as dt
import random
from collections.abc import Iterator

from omstilling.bounds import TITLE_LENGTH
from omstilling.models import Institution, Plan, Role, User
from omstilling.quarters import Quarter, quarter_range
from omstilling.scale import (
    BATCH_SIZE,
    ScaleContext,
    bulk_insert,
    random_dates,
    register_scale_seeder,
)
from tracks.models import (
    Health,
    Initiative,
    Milestone,
    MilestoneEvent,
    Recommendation,
    StatusUpdate,
    WorkState,
)

TILTAG_PER_UNIT = 50
MILESTONES_PER_TILTAG = (8, 16)  # copied from the original first, then new ones
STATUS_UPDATES_PER_YEAR = (33, 77)  # a tiltag updated about weekly; the 10× had ~100
SHARE_WITHOUT_OWNER = 0.2  # of these, half have no owning group either
SHARE_QUIET_THIS_QUARTER = 0.15  # no status update since the quarter began
SHARE_LOCAL = 0.3  # milestones of one institution
SHARE_OVERDUE = 0.3  # of the milestones due before today, still open
SHARE_LATE = 0.2  # of the milestones due before today, done after the due date
SHARE_UNDONE_ONCE = 0.05  # completions undone the same day and recorded again

MILESTONE_TITLES = [
    "Arbejdsgruppen er nedsat",
    "Kommissorium er godkendt i chefgruppen",
    "Kortlægning af praksis er gennemført",
    "Oplæg drøftet med ledernetværket",
    "Pilotforløb er afprøvet",
    "Evaluering af pilotforløbet foreligger",
    "Materiale til forældre er udsendt",
    "Temadag for medarbejdere er afholdt",
    "Fælles værktøjer er taget i brug",
    "Status forelagt udvalget",
    "Lokal handleplan er udarbejdet",
    "Opfølgning med institutionerne er gennemført",
    "Erfaringer er samlet og delt",
    "Forankring i den daglige praksis er beskrevet",
]
COMPLETION_NOTES = [
    "",
    "Registreret i skaladata.",
    "Gennemført som planlagt.",
    "Gennemført med lidt forsinkelse; ingen betydning for de næste skridt.",
]
YELLOW_NARRATIVES = [
    "Bearbejdningen tager længere tid end planlagt; arbejdsgruppen mangler praktikere.",
    "Tidsplanen er presset af sygdom i projektgruppen; næste milepæl kan rykke en måned.",
    "Inddragelsen af institutionerne går langsommere end ventet.",
    "Afklaring med samarbejdspartneren trækker ud.",
]
RED_NARRATIVES = [
    "Tiltaget er bagud i forhold til kadencen; beslutning udskudt til næste chefgruppemøde.",
    "Finansieringen af næste fase er ikke afklaret; arbejdet står stille.",
    "Der mangler en projektleder, og milepælene for kvartalet nås ikke.",
]
GREEN_NARRATIVES = [
    "",
    "",
    "Arbejdet følger planen.",
    "Milepælene for kvartalet er nået.",
    "God fremdrift; institutionerne melder positivt tilbage.",
]
NEXT_STEPS = [
    "",
    "Drøftes på næste møde i arbejdsgruppen.",
    "Opfølgning med lederne i næste måned.",
    "Forelægges chefgruppen til beslutning.",
    "Evaluering planlægges sammen med institutionerne.",
]
# How health moves from one update to the next: mostly it stays.
_HEALTH_NEXT = {
    Health.GROEN: [(Health.GROEN, 0.9), (Health.GUL, 0.08), (Health.ROED, 0.02)],
    Health.GUL: [(Health.GUL, 0.6), (Health.GROEN, 0.3), (Health.ROED, 0.1)],
    Health.ROED: [(Health.ROED, 0.6), (Health.GUL, 0.3), (Health.GROEN, 0.1)],
}


@register_scale_seeder
def seed_plan_scale(context: ScaleContext) -> None:
    plan = Plan.objects.current()
    if plan is None:
        return
    originals = list(Initiative.objects.filter(plan=plan).order_by("spor__number", "order", "pk"))
    if not originals:
        return
    copies = copy_initiatives(context, plan=plan, originals=originals)
    link_recommendations(originals=originals, copies=copies)
    milestones = add_milestones(context, plan=plan, originals=originals, copies=copies)
    add_milestone_events(context, milestones=milestones)
    add_status_history(context, plan=plan, initiatives=[copy for copy, _ in copies])


def _created_on(context: ScaleContext, plan: Plan) -> dt.date:
    """When the copies were entered: a month before the plan's first quarter."""
    return min(context.last_day, plan.start_quarter - dt.timedelta(days=30))


def _suffixed(text: str, suffix: str, limit: int) -> str:
    return text[: limit - len(suffix)] + suffix


def copy_initiatives(
    context: ScaleContext, *, plan: Plan, originals: list[Initiative]
) -> list[tuple[Initiative, Initiative]]:
    """TILTAG_PER_UNIT copies per unit, of the plan's tiltag in turn: (copy, original) pairs.
    Copies get the owners of the scale (some none at all) and keep spor, theme and quarters."""
    rng = context.random("tracks.initiatives")
    owners = context.users.get(Role.INITIATIVEJER, [])
    created = context.at(_created_on(context, plan))
    pairs = []
    for index in range(TILTAG_PER_UNIT * context.units):
        source = originals[index % len(originals)]
        number = index // len(originals) + 1
        owner = owners[index % len(owners)] if owners else None
        owner_body_id = source.owner_body_id
        if rng.random() < SHARE_WITHOUT_OWNER:
            owner = None
            owner_body_id = owner_body_id if rng.random() < 0.5 else None
        copy = Initiative(
            plan=plan,
            spor_id=source.spor_id,
            theme_id=source.theme_id,
            slug=_suffixed(source.slug, f"-kopi-{number}", 120),
            title=_suffixed(source.title, f" (kopi {number})", TITLE_LENGTH),
            description=source.description,
            lead_area_id=source.lead_area_id,
            owner=owner,
            owner_body_id=owner_body_id,
            start_quarter=source.start_quarter,
            end_quarter=source.end_quarter,
            order=source.order,
        )
        copy._history_date = created
        pairs.append((copy, source))
    bulk_insert(Initiative, [copy for copy, _ in pairs], history=True, history_user=context.chef)
    return pairs


def link_recommendations(
    *, originals: list[Initiative], copies: list[tuple[Initiative, Initiative]]
) -> None:
    """A copy carries out the same recommendations as its original."""
    through = Recommendation.initiatives.through
    links: dict[int, list[int]] = {}
    for initiative_id, recommendation_id in (
        through.objects.filter(initiative__in=originals)
        .order_by("pk")
        .values_list("initiative_id", "recommendation_id")
    ):
        links.setdefault(initiative_id, []).append(recommendation_id)
    bulk_insert(
        through,
        [
            through(initiative_id=copy.pk, recommendation_id=recommendation_id)
            for copy, source in copies
            for recommendation_id in links.get(source.pk, [])
        ],
    )


def _quarters_of(plan: Plan, initiative: Initiative) -> list[Quarter]:
    last = Quarter.of(initiative.end_quarter or plan.end_quarter)
    return quarter_range(Quarter.of(initiative.start_quarter), last)


def add_milestones(
    context: ScaleContext,
    *,
    plan: Plan,
    originals: list[Initiative],
    copies: list[tuple[Initiative, Initiative]],
) -> list[Milestone]:
    """The original's milestones, then new ones spread over the tiltag's quarters, up to a
    number between MILESTONES_PER_TILTAG; completed (or not) as they are inserted."""
    rng = context.random("tracks.milestones")
    of_original: dict[int, list[Milestone]] = {}
    for milestone in Milestone.objects.filter(initiative__in=originals).order_by(
        "initiative", "order", "pk"
    ):
        of_original.setdefault(milestone.initiative_id, []).append(milestone)
    local = [i for i in context.new_institutions if i.kind != Institution.Kind.SPECIALTILBUD]
    created = context.at(_created_on(context, plan))
    rows: list[Milestone] = []
    for copy, source in copies:
        copied = of_original.get(source.pk, [])
        wanted = max(len(copied), rng.randint(*MILESTONES_PER_TILTAG))
        quarters = _quarters_of(plan, copy)
        for order, milestone in enumerate(copied):
            rows.append(
                Milestone(
                    initiative=copy,
                    slug=milestone.slug,
                    title=milestone.title,
                    description=milestone.description,
                    planned_quarter=milestone.planned_quarter,
                    planned_date=milestone.planned_date,
                    institution_id=milestone.institution_id,
                    order=order,
                )
            )
        for index in range(len(copied), wanted):
            quarter = quarters[index * len(quarters) // wanted]
            planned_date = None
            if rng.random() < 0.3:
                planned_date = quarter.first_day + dt.timedelta(days=rng.randint(0, 85))
            rows.append(
                Milestone(
                    initiative=copy,
                    slug=f"skala-{index + 1}",
                    title=MILESTONE_TITLES[(index + copy.order) % len(MILESTONE_TITLES)],
                    planned_quarter=quarter.first_day,
                    planned_date=planned_date,
                    institution=rng.choice(local) if local and rng.random() < SHARE_LOCAL else None,
                    order=index,
                )
            )
    for milestone in rows:
        _complete(context, rng, milestone)
        milestone._history_date = created
    bulk_insert(Milestone, rows, history=True, history_user=context.chef)
    _link_local_institutions(rows)
    return rows


def _complete(context: ScaleContext, rng: random.Random, milestone: Milestone) -> None:
    """Decide whether a milestone is done, and when, before it is inserted."""
    due = milestone.due_date
    quarter_start = milestone.planned_quarter
    if due <= context.last_day:
        draw = rng.random()
        if draw < SHARE_OVERDUE:
            return
        if draw < SHARE_OVERDUE + SHARE_LATE:
            done = due + dt.timedelta(days=rng.randint(5, 90))
        else:
            done = due - dt.timedelta(days=rng.randint(0, 30))
    elif quarter_start <= context.last_day and rng.random() < 0.25:
        done = quarter_start + dt.timedelta(
            days=rng.randint(0, (context.last_day - quarter_start).days)
        )
    else:
        return
    done = min(done, context.last_day)
    writers = context.writers_of.get(milestone.institution_id or 0)
    leaders = [u for u in writers or [] if u.role == Role.LEDER]
    milestone.completed_on = done
    milestone.completed_by = leaders[0] if leaders else context.chef
    milestone.completed_at = context.at(done, rng.randint(60, 540))
    milestone.completion_note = rng.choice(COMPLETION_NOTES)


def _link_local_institutions(milestones: list[Milestone]) -> None:
    """A tiltag with an institution's own milestone names that institution (as the demo does)."""
    through = Initiative.institutions.through
    pairs = sorted(
        {(m.initiative_id, m.institution_id) for m in milestones if m.institution_id is not None}
    )
    existing = set(
        through.objects.filter(initiative_id__in={i for i, _ in pairs}).values_list(
            "initiative_id", "institution_id"
        )
    )
    bulk_insert(
        through,
        [
            through(initiative_id=initiative_id, institution_id=institution_id)
            for initiative_id, institution_id in pairs
            if (initiative_id, institution_id) not in existing
        ],
    )


def add_milestone_events(context: ScaleContext, *, milestones: list[Milestone]) -> None:
    """The completion log: one event per completion; a few were undone the same day first."""
    rng = context.random("tracks.milestone_events")
    events = []
    for milestone in milestones:
        if milestone.completed_on is None:
            continue
        done = {
            "milestone": milestone,
            "kind": MilestoneEvent.Kind.COMPLETED,
            "completed_on": milestone.completed_on,
            "by": milestone.completed_by,
        }
        if rng.random() < SHARE_UNDONE_ONCE:
            first = milestone.completed_at - dt.timedelta(minutes=60)
            events.append(MilestoneEvent(**done, at=first))
            events.append(
                MilestoneEvent(
                    milestone=milestone,
                    kind=MilestoneEvent.Kind.REOPENED,
                    by=milestone.completed_by,
                    at=first + dt.timedelta(minutes=30),
                )
            )
        events.append(
            MilestoneEvent(**done, note=milestone.completion_note, at=milestone.completed_at)
        )
    bulk_insert(MilestoneEvent, events)


def add_status_history(context: ScaleContext, *, plan: Plan, initiatives: list[Initiative]) -> None:
    """Each tiltag's status updates from its start until yesterday (a few fall quiet before
    this quarter), inserted in batches; then each tiltag points at its newest update."""
    rng = context.random("tracks.status")
    chefs = context.users.get(Role.CHEFGRUPPE, [context.chef])
    for chunk in _chunks(initiatives, BATCH_SIZE // 20):
        updates: list[StatusUpdate] = []
        for initiative in chunk:
            updates.extend(_history_of(context, rng, plan, initiative, chefs))
        bulk_insert(StatusUpdate, updates)
        newest: dict[int, StatusUpdate] = {}
        for update in updates:
            newest[update.initiative_id] = update
        for initiative in chunk:
            if initiative.pk in newest:
                initiative.current_status = newest[initiative.pk]
                initiative.version = newest[initiative.pk].version
        # Not history: the tiltag's pointer to its newest update, as the service sets it.
        Initiative.objects.bulk_update(
            [i for i in chunk if i.pk in newest], ["current_status", "version"]
        )


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _history_of(
    context: ScaleContext,
    rng: random.Random,
    plan: Plan,
    initiative: Initiative,
    chefs: list[User],
) -> list[StatusUpdate]:
    first = max(initiative.start_quarter, plan.start_quarter)
    last = context.last_day
    if rng.random() < SHARE_QUIET_THIS_QUARTER:
        last = Quarter.of(context.today).first_day - dt.timedelta(days=rng.randint(1, 60))
    if last < first:
        return []
    per_year = rng.randint(*STATUS_UPDATES_PER_YEAR)
    count = max(1, round(per_year * (last - first).days / 365))
    stamps = _stamps(context, rng, random_dates(rng, first, last, count))
    ended = initiative.end_quarter and Quarter.of(initiative.end_quarter).last_day < last
    finishes = bool(ended) and rng.random() < 0.7
    target = 100 if finishes else rng.randint(20, 95)
    stops = rng.choices([None, WorkState.PAUSE, WorkState.OPGIVET], [0.95, 0.03, 0.02])[0]
    authors = [initiative.owner] if initiative.owner else []
    health = Health.GROEN
    updates = []
    for index, stamp in enumerate(stamps):
        share = (index + 1) / count
        progress = min(100, round(target * share))
        state = WorkState.IKKE_STARTET if progress == 0 else WorkState.I_GANG
        if index == count - 1 and finishes:
            state, progress = WorkState.AFSLUTTET, 100
        elif stops and share > 0.9:
            state = stops
        health = _next_health(rng, health) if state != WorkState.AFSLUTTET else Health.GROEN
        updates.append(
            StatusUpdate(
                initiative=initiative,
                version=index + 1,
                state=state,
                health=health,
                progress=progress,
                narrative=_narrative(rng, health),
                next_steps=rng.choice(NEXT_STEPS),
                author=rng.choice(authors + chefs),
                created_at=stamp,
            )
        )
    return updates


def _stamps(context: ScaleContext, rng: random.Random, days: list[dt.date]) -> list[dt.datetime]:
    """A time in working hours on each day, strictly increasing (versions follow time)."""
    stamps = sorted(context.at(day, rng.randint(0, 540)) for day in days)
    for index in range(1, len(stamps)):
        stamps[index] = max(stamps[index], stamps[index - 1] + dt.timedelta(seconds=1))
    return stamps


def _next_health(rng: random.Random, health: str) -> str:
    choices, weights = zip(*_HEALTH_NEXT[health], strict=True)
    return rng.choices(choices, weights)[0]


def _narrative(rng: random.Random, health: str) -> str:
    if health == Health.GUL:
        return rng.choice(YELLOW_NARRATIVES)
    if health == Health.ROED:
        return rng.choice(RED_NARRATIVES)
    return rng.choice(GREEN_NARRATIVES)
