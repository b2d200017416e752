"""The plan-file sections owned by tracks: `spor` and `recommendation_themes`; read by the
loader and written back by the exporter (the same format both ways)."""

from typing import Any

from django.db.models import Prefetch
from pydantic import Field

from omstilling.models import Institution, Plan
from omstilling.plan_file import (
    LoadContext,
    Name,
    PlanDate,
    Problem,
    QuarterStart,
    Slug,
    Strict,
    Text,
    duplicates,
    register_section,
)
from omstilling.quarters import Quarter
from tracks.models import Initiative, Milestone, Recommendation, RecommendationTheme, Spor, Theme


class MilestoneIn(Strict):
    slug: Slug
    title: Text
    quarter: QuarterStart
    date: PlanDate | None = None
    description: str = ""
    # A local milestone: one institution's own (by name). Left out: as it is.
    institution: Name | None = None
    # Re-planned in the portal: the quarter it was first planned for.
    original_quarter: QuarterStart | None = None
    # Cancelled in the portal (the day), with the reason (required then).
    cancelled: PlanDate | None = None
    cancel_reason: str = ""
    # Archived in the portal (the day): out of lists and figures, still readable.
    archived: PlanDate | None = None


class InitiativeIn(Strict):
    slug: Slug
    title: Text
    theme: Slug | None = None
    lead_area: Slug
    owner_body: Slug | None = None
    description: str = ""
    start: QuarterStart
    end: QuarterStart | None = None
    # The institutions concerned (by name). Left out: as they are.
    institutions: list[Name] | None = None
    archived: PlanDate | None = None
    milestones: list[MilestoneIn] = []


class ThemeIn(Strict):
    slug: Slug
    title: Text
    description: str = ""
    archived: PlanDate | None = None


class SporIn(Strict):
    number: int = Field(ge=1)
    slug: Slug
    title: Text
    lead_areas: list[Slug] = []
    description: str = ""
    archived: PlanDate | None = None
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
    institutions = _known_institutions(spor, core)
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
            for n_index, name in enumerate(initiative.institutions or []):
                problems += _unknown(
                    (*path, "institutions", n_index), name, institutions, "en institution"
                )
            for m_index, milestone in enumerate(initiative.milestones):
                problems += _unknown(
                    (*path, "milestones", m_index, "institution"),
                    milestone.institution,
                    institutions,
                    "en institution",
                )
                if milestone.cancelled and not milestone.cancel_reason:
                    problems.append(
                        (
                            (*path, "milestones", m_index, "cancel_reason"),
                            "en aflyst milepæl skal have en begrundelse",
                        )
                    )
    return problems


def _referenced_institutions(spor: list[SporIn]) -> set[str]:
    names = set()
    for s in spor:
        for initiative in s.initiatives:
            names.update(initiative.institutions or [])
            names.update(m.institution for m in initiative.milestones if m.institution)
    return names


def _known_institutions(spor: list[SporIn], core) -> set[str]:
    """The institutions the spor may name: the file's own and those already in the portal."""
    referenced = _referenced_institutions(spor)
    in_file = {institution.name for institution in core.institutions}
    stored = Institution.objects.filter(name__in=referenced - in_file)
    return in_file | set(stored.values_list("name", flat=True))


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
    institutions = Institution.objects.in_bulk(_referenced_institutions(spor), field_name="name")
    for s in spor:
        spor_row = context.upsert(
            Spor,
            {"plan": plan, "slug": s.slug},
            {
                "number": s.number,
                "title": s.title,
                "description": s.description,
                "archived_on": s.archived,
            },
        )
        context.sync_m2m(spor_row, "lead_areas", [context.areas[a] for a in s.lead_areas])
        themes = {}
        for order, theme in enumerate(s.themes):
            themes[theme.slug] = context.upsert(
                Theme,
                {"spor": spor_row, "slug": theme.slug},
                {
                    "title": theme.title,
                    "description": theme.description,
                    "order": order,
                    "archived_on": theme.archived,
                },
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
                    "archived_on": initiative.archived,
                },
            )
            if initiative.institutions is not None:
                context.sync_m2m(
                    row, "institutions", [institutions[name] for name in initiative.institutions]
                )
            for m_order, milestone in enumerate(initiative.milestones):
                values = {
                    "title": milestone.title,
                    "description": milestone.description,
                    "planned_quarter": milestone.quarter,
                    "planned_date": milestone.date,
                    "order": m_order,
                    "original_quarter": milestone.original_quarter,
                    "cancelled_on": milestone.cancelled,
                    "cancel_reason": milestone.cancel_reason if milestone.cancelled else "",
                    "archived_on": milestone.archived,
                }
                if "institution" in milestone.model_fields_set:
                    values["institution"] = (
                        institutions[milestone.institution] if milestone.institution else None
                    )
                context.upsert(Milestone, {"initiative": row, "slug": milestone.slug}, values)
            in_file = {milestone.slug for milestone in initiative.milestones}
            for extra in row.milestones.exclude(slug__in=in_file):
                context.stats.not_in_file.append(
                    f"milepæl '{initiative.slug}/{extra.slug}' ({extra.title})"
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


# --- export: the plan as it stands in the portal, in the same format ---------------------------


def _set(data: dict, key: str, value: Any) -> None:
    """Write a key only when it has a value (the format's defaults are empty)."""
    if value not in (None, "", []):
        data[key] = value


def _milestone_out(milestone: Milestone) -> dict:
    data = {
        "slug": milestone.slug,
        "title": milestone.title,
        "quarter": Quarter.of(milestone.planned_quarter).code,
    }
    _set(data, "date", milestone.planned_date)
    _set(data, "description", milestone.description)
    if milestone.institution_id:
        data["institution"] = milestone.institution.name
    if milestone.original_quarter:
        data["original_quarter"] = Quarter.of(milestone.original_quarter).code
    _set(data, "cancelled", milestone.cancelled_on)
    _set(data, "cancel_reason", milestone.cancel_reason)
    _set(data, "archived", milestone.archived_on)
    return data


def _initiative_out(initiative: Initiative) -> dict:
    data = {"slug": initiative.slug, "title": initiative.title}
    _set(data, "theme", initiative.theme.slug if initiative.theme_id else None)
    data["lead_area"] = initiative.lead_area.slug
    _set(data, "owner_body", initiative.owner_body.slug if initiative.owner_body_id else None)
    _set(data, "description", initiative.description)
    data["start"] = Quarter.of(initiative.start_quarter).code
    _set(data, "end", Quarter.of(initiative.end_quarter).code if initiative.end_quarter else None)
    _set(data, "institutions", sorted(i.name for i in initiative.institutions.all()))
    _set(data, "archived", initiative.archived_on)
    _set(data, "milestones", [_milestone_out(m) for m in initiative.milestones.all()])
    return data


def export_spor(plan: Plan) -> list[dict]:
    """The plan's spor with their themes, tiltag and milestones, in their order (six queries)."""
    milestones = Milestone.objects.select_related("institution").order_by("order", "pk")
    initiatives = (
        Initiative.objects.select_related("theme", "lead_area", "owner_body")
        .prefetch_related("institutions", Prefetch("milestones", queryset=milestones))
        .order_by("order", "pk")
    )
    spor_rows = (
        Spor.objects.filter(plan=plan)
        .prefetch_related(
            "lead_areas",
            Prefetch("themes", queryset=Theme.objects.order_by("order", "pk")),
            Prefetch("initiatives", queryset=initiatives),
        )
        .order_by("number")
    )
    result = []
    for spor in spor_rows:
        data = {"number": spor.number, "slug": spor.slug, "title": spor.title}
        _set(data, "lead_areas", sorted(area.slug for area in spor.lead_areas.all()))
        _set(data, "description", spor.description)
        _set(data, "archived", spor.archived_on)
        themes = []
        for theme in spor.themes.all():
            theme_data = {"slug": theme.slug, "title": theme.title}
            _set(theme_data, "description", theme.description)
            _set(theme_data, "archived", theme.archived_on)
            themes.append(theme_data)
        _set(data, "themes", themes)
        data["initiatives"] = [_initiative_out(i) for i in spor.initiatives.all()]
        result.append(data)
    return result


def export_recommendations(plan: Plan) -> list[dict] | None:
    """The advisory committee's recommendations and the tiltag that carry them (or None)."""
    recommendations = Recommendation.objects.prefetch_related(
        Prefetch("initiatives", queryset=Initiative.objects.order_by("spor__number", "order"))
    ).order_by("number")
    themes = (
        RecommendationTheme.objects.filter(plan=plan)
        .prefetch_related(Prefetch("recommendations", queryset=recommendations))
        .order_by("number")
    )
    result = []
    for theme in themes:
        items = []
        for rec in theme.recommendations.all():
            data = {"number": rec.number, "slug": rec.slug, "text": rec.text}
            _set(data, "means", list(rec.means or []))
            _set(data, "initiatives", [i.slug for i in rec.initiatives.all()])
            items.append(data)
        result.append(
            {
                "number": theme.number,
                "slug": theme.slug,
                "title": theme.title,
                "recommendations": items,
            }
        )
    return result or None


register_section(
    "spor", schema=list[SporIn], load=load_spor, check=check_spor, export=export_spor, order=10
)
register_section(
    "recommendation_themes",
    schema=list[RecommendationThemeIn],
    load=load_recommendations,
    check=check_recommendations,
    export=export_recommendations,
    order=20,
)
