"""The plan-file sections owned by tracks: `spor` and `recommendation_themes`."""

from typing import Any

from pydantic import Field

from omstilling.plan_file import (
    LoadContext,
    PlanDate,
    Problem,
    QuarterStart,
    Slug,
    Strict,
    Text,
    duplicates,
    register_section,
)
from tracks.models import Initiative, Milestone, Recommendation, RecommendationTheme, Spor, Theme


class MilestoneIn(Strict):
    slug: Slug
    title: Text
    quarter: QuarterStart
    date: PlanDate | None = None
    description: str = ""


class InitiativeIn(Strict):
    slug: Slug
    title: Text
    theme: Slug | None = None
    lead_area: Slug
    owner_body: Slug | None = None
    description: str = ""
    start: QuarterStart
    end: QuarterStart | None = None
    milestones: list[MilestoneIn] = []


class ThemeIn(Strict):
    slug: Slug
    title: Text
    description: str = ""


class SporIn(Strict):
    number: int = Field(ge=1)
    slug: Slug
    title: Text
    lead_areas: list[Slug] = []
    description: str = ""
    themes: list[ThemeIn] = []
    initiatives: list[InitiativeIn] = []


class RecommendationIn(Strict):
    number: int = Field(ge=1)
    slug: Slug
    text: Text
    means: list[Text] = []
    initiatives: list[Slug] = []


class RecommendationThemeIn(Strict):
    number: int = Field(ge=1)
    slug: Slug
    title: Text
    recommendations: list[RecommendationIn] = []


def _unknown(path: tuple[Any, ...], value: str | None, known: set[str], what: str) -> list[Problem]:
    if value is not None and value not in known:
        return [(path, f"'{value}' er ikke {what} i filen")]
    return []


def check_spor(spor: list[SporIn], validated: dict[str, Any]) -> list[Problem]:
    core = validated["core"]
    areas = {area.slug for area in core.areas}
    bodies = {body.slug for body in core.governance_bodies}
    problems = duplicates(spor, ("spor",)) + duplicates(spor, ("spor",), attr="number")
    seen_initiatives: set[str] = set()
    for s_index, s in enumerate(spor):
        base = ("spor", s_index)
        themes = {theme.slug for theme in s.themes}
        problems += duplicates(s.themes, (*base, "themes"))
        for a_index, area in enumerate(s.lead_areas):
            problems += _unknown((*base, "lead_areas", a_index), area, areas, "et område")
        for i_index, initiative in enumerate(s.initiatives):
            path = (*base, "initiatives", i_index)
            if initiative.slug in seen_initiatives:
                problems.append(((*path, "slug"), f"'{initiative.slug}' er brugt mere end én gang"))
            seen_initiatives.add(initiative.slug)
            problems += _unknown((*path, "theme"), initiative.theme, themes, "et tema i sporet")
            problems += _unknown((*path, "lead_area"), initiative.lead_area, areas, "et område")
            problems += _unknown((*path, "owner_body"), initiative.owner_body, bodies, "et organ")
            problems += duplicates(initiative.milestones, (*path, "milestones"))
            problems += _schedule_problems(path, initiative, core.plan)
    return problems


def _schedule_problems(path: tuple[Any, ...], initiative: InitiativeIn, plan) -> list[Problem]:
    """The tiltag's period within the plan's, each milestone within both, and a milestone's
    date within the quarter it states (the rules' home: Initiative.period_errors and
    Milestone.schedule_errors)."""
    errors = Initiative.period_errors(
        start=initiative.start, end=initiative.end, plan_start=plan.start, plan_end=plan.end
    )
    problems = [((*path, name), message) for name, message in errors.items()]
    for m_index, milestone in enumerate(initiative.milestones):
        errors = Milestone.schedule_errors(
            quarter=milestone.quarter,
            date=milestone.date,
            initiative_start=initiative.start,
            initiative_end=initiative.end,
            plan_start=plan.start,
            plan_end=plan.end,
        )
        problems += [
            ((*path, "milestones", m_index, name), message) for name, message in errors.items()
        ]
    return problems


def check_recommendations(
    themes: list[RecommendationThemeIn], validated: dict[str, Any]
) -> list[Problem]:
    initiatives = {i.slug for s in validated.get("spor", []) for i in s.initiatives}
    problems = duplicates(themes, ("recommendation_themes",))
    numbers: set[int] = set()
    slugs: set[str] = set()
    for t_index, theme in enumerate(themes):
        for r_index, rec in enumerate(theme.recommendations):
            path = ("recommendation_themes", t_index, "recommendations", r_index)
            if rec.number in numbers:
                problems.append(
                    ((*path, "number"), f"nummer {rec.number} er brugt mere end én gang")
                )
            if rec.slug in slugs:
                problems.append(((*path, "slug"), f"'{rec.slug}' er brugt mere end én gang"))
            numbers.add(rec.number)
            slugs.add(rec.slug)
            for i_index, slug in enumerate(rec.initiatives):
                problems += _unknown(
                    (*path, "initiatives", i_index), slug, initiatives, "et tiltag"
                )
    return problems


def load_spor(spor: list[SporIn], context: LoadContext) -> None:
    plan = context.plan
    for s in spor:
        spor_row = context.upsert(
            Spor,
            {"plan": plan, "slug": s.slug},
            {"number": s.number, "title": s.title, "description": s.description},
        )
        context.sync_m2m(spor_row, "lead_areas", [context.areas[a] for a in s.lead_areas])
        themes = {}
        for order, theme in enumerate(s.themes):
            themes[theme.slug] = context.upsert(
                Theme,
                {"spor": spor_row, "slug": theme.slug},
                {"title": theme.title, "description": theme.description, "order": order},
            )
        for order, initiative in enumerate(s.initiatives):
            row = context.upsert(
                Initiative,
                {"plan": plan, "slug": initiative.slug},
                {
                    "spor": spor_row,
                    "theme": themes.get(initiative.theme) if initiative.theme else None,
                    "title": initiative.title,
                    "description": initiative.description,
                    "lead_area": context.areas[initiative.lead_area],
                    "owner_body": (
                        context.bodies[initiative.owner_body] if initiative.owner_body else None
                    ),
                    "start_quarter": initiative.start,
                    "end_quarter": initiative.end,
                    "order": order,
                },
            )
            for m_order, milestone in enumerate(initiative.milestones):
                context.upsert(
                    Milestone,
                    {"initiative": row, "slug": milestone.slug},
                    {
                        "title": milestone.title,
                        "description": milestone.description,
                        "planned_quarter": milestone.quarter,
                        "planned_date": milestone.date,
                        "order": m_order,
                    },
                )
    in_file = {i.slug for s in spor for i in s.initiatives}
    for initiative in Initiative.objects.filter(plan=plan).exclude(slug__in=in_file):
        context.stats.not_in_file.append(f"tiltag '{initiative.slug}' ({initiative.title})")


def load_recommendations(themes: list[RecommendationThemeIn], context: LoadContext) -> None:
    plan = context.plan
    initiatives = {i.slug: i for i in Initiative.objects.filter(plan=plan)}
    for theme in themes:
        theme_row = context.upsert(
            RecommendationTheme,
            {"plan": plan, "slug": theme.slug},
            {"number": theme.number, "title": theme.title},
        )
        for rec in theme.recommendations:
            row = context.upsert(
                Recommendation,
                {"theme": theme_row, "slug": rec.slug},
                {"number": rec.number, "text": rec.text, "means": rec.means},
            )
            context.sync_m2m(row, "initiatives", [initiatives[s] for s in rec.initiatives])


register_section("spor", schema=list[SporIn], load=load_spor, check=check_spor, order=10)
register_section(
    "recommendation_themes",
    schema=list[RecommendationThemeIn],
    load=load_recommendations,
    check=check_recommendations,
    order=20,
)
