"""Scale data for the support system (see `omstilling.scale`): the new institutions' internal
support system in the directory, and forløb with their steps through forløbscirklen.

Forløb go to institutions someone may work on (a leader or a support-system user), are
opened in the last two years, move forward a stage at a time, and some close (a few are
re-opened, as the demo does). A child is a made-up case number, stored only as its key.
"""

import datetime as dt
import random

from omstilling.bounds import CASE_DATES_FROM
from omstilling.models import AccessLog, Institution, User
from omstilling.privacy import case_key_from_number
from omstilling.scale import (
    ScaleContext,
    access_log_rows,
    bulk_insert,
    register_scale_seeder,
)
from supportsystem.models import (
    AgeGroup,
    ConcernType,
    Forloeb,
    Stage,
    SupportActor,
    Transition,
)

FORLOEB_PER_UNIT = 220
OPENED_WITHIN_DAYS = 730
SHARE_CLOSED = 0.35
SHARE_REOPENED = 0.1  # of the closed ones
_CONCERNS = [
    (ConcernType.BARN, 0.6),
    (ConcernType.FAELLESSKAB, 0.25),
    (ConcernType.LAERINGSMILJOE, 0.15),
]
_SCHOOL_AGES = [a for a in AgeGroup.values if a.isdigit()]
_DAYCARE_AGES = [AgeGroup.VUGGESTUE, AgeGroup.BOERNEHAVE]
LABELS = {
    Institution.Kind.SKOLE: ["3.a", "5.b", "7.c", "Indskolingens fællesområde", "Udskolingen"],
    Institution.Kind.DAGTILBUD: ["Mellemgruppen", "Vuggestuens stuer", "Legepladsen", "Førskolen"],
}
STEP_NOTES = [
    "",
    "",
    "Teamet har kortlagt udfordringerne.",
    "Pædagogisk vejleder deltager i to forløb.",
    "Opfølgningsmøde holdt lokalt.",
    "PPR er med i praksis.",
]
CLOSING_NOTES = [
    "Indsatserne er forankret i praksis.",
    "Afsluttet i almentilbud.",
    "Henvisningen er sendt videre til visitationsudvalget.",
]
REOPEN_REASON = "Ny bekymring efter en periode uden indsats."
_INTERNAL = {
    Institution.Kind.SKOLE: (
        "Pædagogisk læringscenter (PLC)",
        "Sparring med teams om læringsmiljøet\nLæse- og skrivestrategier",
        "Skolens kontor, att. PLC (demo)",
    ),
    Institution.Kind.DAGTILBUD: (
        "AKT- og sprogfunktioner",
        "Sprogindsats og sprogvurdering\nAdfærd, kontakt og trivsel på stuen",
        "Dagtilbuddets leder (demo)",
    ),
}


@register_scale_seeder
def seed_supportsystem_scale(context: ScaleContext) -> None:
    add_internal_support(context)
    stages = list(Stage.objects.filter(active=True).order_by("order", "pk"))
    if any(not s.closing for s in stages) and any(s.closing for s in stages):
        add_forloeb(context, stages=stages)


def add_internal_support(context: ScaleContext) -> None:
    """Each new school and daycare has its internal support system in the directory."""
    actors = []
    for index, institution in enumerate(context.new_institutions):
        if institution.kind not in _INTERNAL:
            continue
        name, competences, contact = _INTERNAL[institution.kind]
        actor = SupportActor(
            slug=f"skala-internt-{index + 1}",
            name=name,
            kind=SupportActor.Kind.INTERNT,
            institution=institution,
            description="Institutionens interne støttesystem.",
            competences=competences,
            contact=contact,
            order=min(999, 100 + index),
        )
        actor._history_date = context.at(context.last_day)
        actors.append(actor)
    bulk_insert(SupportActor, actors, history=True)


def add_forloeb(context: ScaleContext, *, stages: list[Stage]) -> None:
    """FORLOEB_PER_UNIT per unit over the institutions with someone to work on them."""
    rng = context.random("supportsystem.forloeb")
    places = [i for i in context.general_institutions() if context.writers_of.get(i.pk)]
    if not places:
        return
    rows: list[tuple[Forloeb, list[Transition], User]] = []
    for index in range(FORLOEB_PER_UNIT * context.units):
        place = places[index % len(places)]
        by = rng.choice(context.writers_of[place.pk])
        forloeb, steps = _forloeb(context, rng, index, place, stages, by)
        rows.append((forloeb, steps, by))
    bulk_insert(Forloeb, [forloeb for forloeb, _, _ in rows])
    for forloeb, steps, _ in rows:
        for step in steps:
            step.forloeb = forloeb
    bulk_insert(Transition, [step for _, steps, _ in rows for step in steps])
    logs = []
    for forloeb, steps, by in rows:
        logs += access_log_rows(user=by, action=AccessLog.Action.CREATE, objects=[forloeb])
        logs += access_log_rows(
            user=by, action=AccessLog.Action.UPDATE, objects=[forloeb] * (len(steps) - 1)
        )
    bulk_insert(AccessLog, logs)


def _forloeb(
    context: ScaleContext,
    rng: random.Random,
    index: int,
    place: Institution,
    stages: list[Stage],
    by: User,
) -> tuple[Forloeb, list[Transition]]:
    """One forløb and its steps, decided before it is inserted (its final stage with it)."""
    open_stages = [s for s in stages if not s.closing]
    closing = [s for s in stages if s.closing]
    concern = rng.choices(*zip(*_CONCERNS, strict=True))[0]
    school = place.kind == Institution.Kind.SKOLE
    opened = context.last_day - dt.timedelta(days=rng.randint(0, OPENED_WITHIN_DAYS))
    opened = max(opened, CASE_DATES_FROM)
    forloeb = Forloeb(
        institution=place,
        concern_type=concern,
        case_key=case_key_from_number(f"SKALA-F-{index + 1:06d}")
        if concern == ConcernType.BARN
        else "",
        label="" if concern == ConcernType.BARN else rng.choice(LABELS[place.kind]),
        age_group=rng.choice(_SCHOOL_AGES if school else _DAYCARE_AGES),
        current_stage=open_stages[0],
        opened_on=opened,
    )
    steps = [_step(context, Transition.Kind.OPEN, None, open_stages[0], opened, by, "")]
    day, position = opened, 0
    for _move in range(rng.randint(0, len(open_stages) - 1)):
        day += dt.timedelta(days=rng.randint(5, 45))
        position += rng.choice([1, 1, 1, 2])
        if day > context.last_day or position >= len(open_stages):
            break
        steps.append(
            _step(
                context,
                Transition.Kind.MOVE,
                forloeb.current_stage,
                open_stages[position],
                day,
                by,
                rng.choice(STEP_NOTES),
            )
        )
        forloeb.current_stage = open_stages[position]
    day += dt.timedelta(days=rng.randint(10, 90))
    if day <= context.last_day and rng.random() < SHARE_CLOSED:
        outcome = rng.choice(closing)
        steps.append(
            _step(
                context,
                Transition.Kind.CLOSE,
                forloeb.current_stage,
                outcome,
                day,
                by,
                rng.choice(CLOSING_NOTES),
            )
        )
        forloeb.current_stage, forloeb.outcome, forloeb.closed_on = outcome, outcome, day
        day += dt.timedelta(days=rng.randint(30, 150))
        if day <= context.last_day and rng.random() < SHARE_REOPENED:
            again = open_stages[min(1, len(open_stages) - 1)]
            steps.append(
                _step(context, Transition.Kind.REOPEN, outcome, again, day, by, REOPEN_REASON)
            )
            forloeb.current_stage, forloeb.outcome, forloeb.closed_on = again, None, None
    return forloeb, steps


def _step(
    context: ScaleContext,
    kind: str,
    from_stage: Stage | None,
    to_stage: Stage,
    on: dt.date,
    by: User,
    note: str,
) -> Transition:
    return Transition(
        kind=kind,
        from_stage=from_stage,
        to_stage=to_stage,
        on=on,
        by=by,
        note=note,
        created_at=context.at(on, 60),
    )
