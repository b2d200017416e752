"""Demo data for the support system, written through the services (style rule 10).

Only the demo institutions get forløb. Children are identified by made-up case numbers
("DEMO-0001" …) that pass through the services like real ones: only their keys are stored.
Stages are addressed by position, so the seeder also works with another plan's forløbscirkel.
"""

import datetime as dt

from omstilling.demo import register_demo_seeder
from omstilling.models import Institution, User
from supportsystem.models import AgeGroup, ConcernType, Stage, SupportActor
from supportsystem.services import (
    forloeb_close,
    forloeb_move,
    forloeb_open,
    forloeb_reopen,
    support_actor_create,
)

# The internal support system of the demo institutions.
_INTERNAL = [
    (
        "Skole A (demo)",
        "Pædagogisk læringscenter (PLC)",
        "Skolens interne støttesystem: vejledere og ressourcepersoner samlet i læringscentret.",
        [
            "Sparring med teams om læringsmiljøet i klassen",
            "Læse- og skrivestrategier",
            "Observation i praksis og forslag til indsatser",
        ],
        "Skolens kontor, att. PLC (demo)",
    ),
    (
        "Skole B (demo)",
        "Pædagogisk læringscenter (PLC)",
        "Skolens interne støttesystem.",
        ["Sparring med teams om læringsmiljøet", "Trivsel og fællesskaber i klassen"],
        "Skolens kontor, att. PLC (demo)",
    ),
    (
        "Børnehave A (demo)",
        "AKT- og sprogfunktioner",
        "Dagtilbuddets interne støttesystem.",
        ["Sprogindsats og sprogvurdering", "Adfærd, kontakt og trivsel på stuen"],
        "Dagtilbuddets leder (demo)",
    ),
]

# (institution, opened by, concern, case number or label, age group, opened days ago,
#  steps: (kind, stage position or closing position, days after opening, note))
_FORLOEB = [
    (
        "Skole A (demo)",
        "leder",
        ConcernType.FAELLESSKAB,
        "5.a",
        AgeGroup.KLASSE_5,
        120,
        [
            ("move", 1, 10, "Teamet har kortlagt udfordringerne i klassens fællesskab."),
            ("move", 2, 30, "Pædagogisk vejleder deltager i to undervisningsforløb."),
            ("move", 3, 75, "Opfølgningsmøde holdt lokalt på skolen."),
        ],
    ),
    (
        "Skole A (demo)",
        "stoettesystem",
        ConcernType.LAERINGSMILJOE,
        "Indskolingens fællesområde",
        "",
        60,
        [("move", 1, 7, "PLC observerer overgangene mellem aktiviteterne.")],
    ),
    (
        "Skole A (demo)",
        "leder",
        ConcernType.BARN,
        "DEMO-0001",
        AgeGroup.KLASSE_3,
        200,
        [
            ("move", 1, 14, ""),
            ("move", 2, 40, "PPR er med i praksis i klassen."),
            ("move", 3, 90, ""),
            ("move", 4, 130, "Før-henvisning: sparring på handleplanen; to indsatser afprøves."),
        ],
    ),
    ("Skole A (demo)", "stoettesystem", ConcernType.BARN, "DEMO-0002", AgeGroup.KLASSE_7, 30, []),
    (
        "Børnehave A (demo)",
        "leder",
        ConcernType.FAELLESSKAB,
        "Mellemgruppen",
        AgeGroup.BOERNEHAVE,
        150,
        [
            ("move", 1, 5, ""),
            ("move", 2, 20, "Pædagogisk rådgiver samskaber indsatser på stuen."),
            ("move", 3, 60, ""),
            ("close", 0, 100, "Fællesskabet fungerer; indsatserne er forankret på stuen."),
        ],
    ),
    (
        "Børnehave A (demo)",
        "stoettesystem",
        ConcernType.BARN,
        "DEMO-0003",
        AgeGroup.BOERNEHAVE,
        90,
        [("move", 1, 10, ""), ("move", 2, 25, "Det eksterne støttesystem er inddraget.")],
    ),
    (
        "Børnehave A (demo)",
        "leder",
        ConcernType.LAERINGSMILJOE,
        "Vuggestuens stuer",
        AgeGroup.VUGGESTUE,
        45,
        [("move", 1, 12, "")],
    ),
    (
        "Skole A (demo)",
        "stoettesystem",
        ConcernType.BARN,
        "DEMO-0004",
        AgeGroup.KLASSE_8,
        300,
        [
            ("move", 1, 10, ""),
            ("move", 2, 35, ""),
            ("move", 3, 80, ""),
            ("move", 4, 120, "Før-henvisning holdt; ikke afprøvede indsatser igangsat."),
            ("move", 5, 160, ""),
            ("move", 6, 200, ""),
            ("close", 1, 230, "Henvisningen er sendt videre til visitationsudvalget."),
        ],
    ),
    (
        "Skole A (demo)",
        "leder",
        ConcernType.BARN,
        "DEMO-0005",
        AgeGroup.KLASSE_1,
        20,
        [
            ("move", 2, 6, "Læringskonsulent inddraget med det samme."),
        ],
    ),
    (
        "Skole A (demo)",
        "stoettesystem",
        ConcernType.FAELLESSKAB,
        "9.a",
        AgeGroup.KLASSE_9,
        400,
        [
            ("move", 1, 10, ""),
            ("move", 2, 50, ""),
            ("close", 0, 150, "Afsluttet i almentilbud."),
            ("reopen", 1, 300, "Ny bekymring for klassens fællesskab efter sommerferien."),
            ("move", 2, 330, ""),
        ],
    ),
]


@register_demo_seeder
def seed_supportsystem_demo(
    *, users: dict[str, User], institutions: dict[str, Institution], today: dt.date
) -> None:
    for index, (name, actor_name, description, competences, contact) in enumerate(_INTERNAL):
        institution = institutions.get(name)
        if institution is None:
            continue
        support_actor_create(
            slug=f"demo-internt-{index + 1}",
            name=actor_name,
            kind=SupportActor.Kind.INTERNT,
            area=institution.area,
            institution=institution,
            description=description,
            competences=competences,
            contact=contact,
            order=index,
        )

    stages = list(Stage.objects.filter(active=True).order_by("order"))
    open_stages = [s for s in stages if not s.closing]
    closing = [s for s in stages if s.closing]
    if not open_stages or not closing:
        return  # forløbscirklen is not loaded (load_plan first)

    for name, author, concern, reference, age_group, days_ago, steps in _FORLOEB:
        opened = today - dt.timedelta(days=days_ago)
        by = users[author]
        forloeb = forloeb_open(
            institution=institutions[name],
            by=by,
            concern_type=concern,
            opened_on=opened,
            case_number=reference if concern == ConcernType.BARN else "",
            label="" if concern == ConcernType.BARN else reference,
            age_group=age_group,
        )
        for kind, position, after, note in steps:
            on = opened + dt.timedelta(days=after)
            if kind == "close":
                stage = closing[min(position, len(closing) - 1)]
                forloeb_close(forloeb=forloeb, by=by, to_stage=stage, on=on, note=note)
                continue
            stage = open_stages[min(position, len(open_stages) - 1)]
            if kind == "reopen":
                forloeb_reopen(forloeb=forloeb, by=by, to_stage=stage, on=on, reason=note)
            elif stage.order > forloeb.current_stage.order:
                forloeb_move(forloeb=forloeb, by=by, to_stage=stage, on=on, note=note)
