"""The plan-file sections owned by the support system: `support_system` and `forloebscirkel`."""

from typing import Any

from omstilling.models import Plan
from omstilling.plan_file import (
    Flag,
    LoadContext,
    Problem,
    Slug,
    Strict,
    Text,
    duplicates,
    register_section,
)
from supportsystem.models import Stage, SupportActor, SupportSystemPart


class SupportActorIn(Strict):
    slug: Slug
    name: Text
    kind: SupportActor.Kind
    area: Slug | None = None
    description: str = ""
    competences: list[Text] = []
    contact: str = ""


class SupportSystemPartIn(Strict):
    kind: SupportActor.Kind
    description: str = ""
    we_can_see_when: list[Text] = []


class SupportSystemIn(Strict):
    parts: list[SupportSystemPartIn] = []
    actors: list[SupportActorIn] = []


class StageIn(Strict):
    slug: Slug
    name: Text
    description: str = ""
    external: Flag = False
    closing: Flag = False


def check_support_system(section: SupportSystemIn, validated: dict[str, Any]) -> list[Problem]:
    areas = {area.slug for area in validated["core"].areas}
    problems = duplicates(section.parts, ("support_system", "parts"), attr="kind")
    problems += duplicates(section.actors, ("support_system", "actors"))
    for index, actor in enumerate(section.actors):
        if actor.area is not None and actor.area not in areas:
            problems.append(
                (
                    ("support_system", "actors", index, "area"),
                    f"'{actor.area}' er ikke et område i filen",
                )
            )
    return problems


def check_forloebscirkel(stages: list[StageIn], validated: dict[str, Any]) -> list[Problem]:
    problems = duplicates(stages, ("forloebscirkel",))
    if not any(not s.closing for s in stages):
        problems.append((("forloebscirkel",), "skal have mindst ét trin, der ikke afslutter"))
    if not any(s.closing for s in stages):
        problems.append((("forloebscirkel",), "skal have mindst ét afsluttende trin (closing)"))
    seen_closing = False
    for index, stage in enumerate(stages):
        if stage.closing:
            seen_closing = True
            if stage.external:
                problems.append(
                    (
                        ("forloebscirkel", index, "external"),
                        "et afsluttende trin kan ikke også være skridtet til det eksterne "
                        "støttesystem",
                    )
                )
        elif seen_closing:
            problems.append(
                (
                    ("forloebscirkel", index, "closing"),
                    "de afsluttende trin skal stå sidst i forløbscirklen",
                )
            )
    return problems


def load_support_system(section: SupportSystemIn, context: LoadContext) -> None:
    for part in section.parts:
        context.upsert(
            SupportSystemPart,
            {"kind": part.kind},
            {"description": part.description, "statements": part.we_can_see_when},
        )
    for order, actor in enumerate(section.actors):
        context.upsert(
            SupportActor,
            {"slug": actor.slug},
            {
                "name": actor.name,
                "kind": actor.kind,
                "area": context.areas[actor.area] if actor.area else None,
                "institution": None,
                "description": actor.description,
                "competences": "\n".join(actor.competences),
                "contact": actor.contact,
                "order": order,
            },
        )


def load_forloebscirkel(stages: list[StageIn], context: LoadContext) -> None:
    """Stages are matched by slug; their order is the file's. A stage dropped from the file is
    kept (forløb and their history refer to it) but no longer used for new steps."""
    for order, stage in enumerate(stages):
        context.upsert(
            Stage,
            {"slug": stage.slug},
            {
                "name": stage.name,
                "description": stage.description,
                "order": order,
                "external": stage.external,
                "closing": stage.closing,
                "active": True,
            },
        )
    in_file = {stage.slug for stage in stages}
    for stage in Stage.objects.filter(active=True).exclude(slug__in=in_file):
        context.upsert(Stage, {"slug": stage.slug}, {"active": False})
        context.stats.not_in_file.append(
            f"trin i forløbscirklen '{stage.slug}' ({stage.name}): ikke længere i brug"
        )


def export_support_system(plan: Plan) -> dict | None:
    """The plan's part of the support system: what it says about each part, and the external
    actors and partners it names (an institution's own internal actors are not the plan's)."""
    parts = []
    for part in SupportSystemPart.objects.order_by("kind"):
        data = {"kind": part.kind}
        if part.description:
            data["description"] = part.description
        if part.statements:
            data["we_can_see_when"] = list(part.statements)
        parts.append(data)
    actors = []
    for actor in SupportActor.objects.filter(institution=None).select_related("area"):
        data = {"slug": actor.slug, "name": actor.name, "kind": actor.kind}
        if actor.area_id and actor.area.plan_id == plan.pk:
            data["area"] = actor.area.slug
        for key, value in (
            ("description", actor.description),
            ("competences", actor.competence_list),
            ("contact", actor.contact),
        ):
            if value:
                data[key] = value
        actors.append(data)
    if not parts and not actors:
        return None
    return {"parts": parts, "actors": actors}


def export_forloebscirkel(plan: Plan) -> list[dict] | None:
    """The stages in use, in their order (a stage no longer used stays out of the file)."""
    stages = []
    for stage in Stage.objects.filter(active=True).order_by("order", "pk"):
        data = {"slug": stage.slug, "name": stage.name}
        if stage.description:
            data["description"] = stage.description
        if stage.external:
            data["external"] = True
        if stage.closing:
            data["closing"] = True
        stages.append(data)
    return stages or None


register_section(
    "support_system",
    schema=SupportSystemIn,
    load=load_support_system,
    check=check_support_system,
    export=export_support_system,
    order=30,
)
register_section(
    "forloebscirkel",
    schema=list[StageIn],
    load=load_forloebscirkel,
    check=check_forloebscirkel,
    export=export_forloebscirkel,
    order=31,
)
