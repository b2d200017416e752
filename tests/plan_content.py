"""A canonical dump of one plan's content, independent of the exporter: every stored field of
the plan's rows, with rows and references named by their natural keys (slugs, numbers, names)
instead of database ids, so two databases can be compared.

Left out: ids, and what the portal records about the plan's progress rather than the plan itself
(status history, completions, version counters, the accountable person).
"""

from django.db import models

from omstilling.models import Area, GovernanceBody, Institution, Plan
from tracks.models import Initiative, Milestone, Recommendation, RecommendationTheme, Spor, Theme

PROGRESS_FIELDS = {
    "id",
    "version",
    "edit_version",
    "current_status",
    "completed_on",
    "completed_by",
    "completed_at",
    "completion_note",
    "owner",
}


def natural_key(obj: models.Model | None):
    if obj is None:
        return None
    if isinstance(obj, Plan | Area | GovernanceBody | RecommendationTheme):
        return obj.slug
    if isinstance(obj, Institution):
        return obj.name
    if isinstance(obj, Spor):
        return obj.number
    if isinstance(obj, Theme):
        return (obj.spor.number, obj.slug)
    if isinstance(obj, Initiative):
        return obj.slug
    raise TypeError(obj)


def _row(obj: models.Model, skip: set[str] = frozenset()) -> dict:
    row = {}
    for field in obj._meta.concrete_fields:
        if field.name in PROGRESS_FIELDS or field.name in skip:
            continue
        value = getattr(obj, field.name)
        row[field.name] = natural_key(value) if field.is_relation else value
    for field in obj._meta.many_to_many:
        if field.name in PROGRESS_FIELDS or field.name in skip:
            continue
        row[field.name] = sorted(str(natural_key(o)) for o in getattr(obj, field.name).all())
    return row


def plan_content(plan: Plan) -> dict:
    """Everything of `plan` a plan file carries, keyed by natural keys."""
    return {
        "plan": _row(plan, skip={"is_current", "loaded_at", "loaded_sha256"}),
        "areas": {a.slug: _row(a) for a in Area.objects.filter(plan=plan)},
        "bodies": {b.slug: _row(b, skip={"members"}) for b in plan.governance_bodies.all()},
        "spor": {s.number: _row(s) for s in Spor.objects.filter(plan=plan)},
        "themes": {natural_key(t): _row(t) for t in Theme.objects.filter(spor__plan=plan)},
        "initiatives": {i.slug: _row(i) for i in Initiative.objects.filter(plan=plan)},
        "milestones": {
            (m.initiative.slug, m.slug): _row(m)
            for m in Milestone.objects.filter(initiative__plan=plan)
        },
        "recommendation_themes": {
            t.slug: _row(t) for t in RecommendationTheme.objects.filter(plan=plan)
        },
        "recommendations": {
            (r.theme.slug, r.slug): _row(r) for r in Recommendation.objects.filter(theme__plan=plan)
        },
    }
