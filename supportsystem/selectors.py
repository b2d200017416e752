"""Reads of the support system: the directory, forløb lists and the raw forløb KPIs.

The KPI functions return raw numbers. Anything shown to BFU goes through the disclosure control
of the reports app first; these numbers are never rendered to BFU as they are.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Min, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from supportsystem.models import (
    ConcernType,
    Forloeb,
    Stage,
    SupportActor,
    SupportSystemPart,
    Transition,
)

# The directory's headings, from the core outward (the plan's figure).
GROUP_LABELS = {
    SupportActor.Kind.INTERNT: _("Internt støttesystem"),
    SupportActor.Kind.EKSTERNT: _("Eksternt støttesystem"),
    SupportActor.Kind.PARTNER: _("Samarbejdspartnere"),
}


@dataclass
class DirectoryGroup:
    kind: str
    label: str
    part: SupportSystemPart | None
    actors: list[SupportActor] = field(default_factory=list)
    # How many actors of the part match, of which `actors` are the first (or one page).
    count: int = 0


def _directory_actors(*, kind: str, area_id: int | None, q: str) -> QuerySet[SupportActor]:
    """The actors that match the filters. Search looks in names, competences, descriptions,
    institutions and areas; every word must be found."""
    actors = SupportActor.objects.all()
    if kind:
        actors = actors.filter(kind=kind)
    if area_id:
        actors = actors.filter(Q(area_id=area_id) | Q(institution__area_id=area_id))
    for word in q.split():
        actors = actors.filter(
            Q(name__icontains=word)
            | Q(competences__icontains=word)
            | Q(description__icontains=word)
            | Q(institution__name__icontains=word)
            | Q(area__name__icontains=word)
        )
    return actors


# The directory's order within a part: as the administrators ordered them, then by institution.
_DIRECTORY_ORDER = ("order", "institution__name", "name", "pk")


def _groups(kind: str) -> dict[str, DirectoryGroup]:
    parts = {part.kind: part for part in SupportSystemPart.objects.all()}
    return {
        value: DirectoryGroup(kind=value, label=label, part=parts.get(value))
        for value, label in GROUP_LABELS.items()
        if not kind or value == kind
    }


def directory(*, area_id: int | None = None, q: str = "", limit: int) -> list[DirectoryGroup]:
    """Every part of the support system from the core outward (internal, external, partners),
    each with how many actors match and the first `limit` of them (three queries: the parts,
    the counts, the first actors of each part)."""
    actors = _directory_actors(kind="", area_id=area_id, q=q)
    groups = _groups("")
    for row in actors.values("kind").annotate(n=Count("pk")).order_by():
        if row["kind"] in groups:
            groups[row["kind"]].count = row["n"]
    first = (
        actors.select_related("area", "institution")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("kind")],
                order_by=[F(name).asc() for name in _DIRECTORY_ORDER],
            )
        )
        .filter(rank__lte=limit)
        .order_by(*_DIRECTORY_ORDER)
    )
    for actor in first:
        if actor.kind in groups:
            groups[actor.kind].actors.append(actor)
    return list(groups.values())


def directory_part(
    *, kind: str, area_id: int | None = None, q: str = ""
) -> tuple[DirectoryGroup, QuerySet[SupportActor]]:
    """One part of the support system and its matching actors in the directory's order, for a
    paged list (one query for the part; the caller pages the actors)."""
    group = _groups(kind)[kind]
    actors = (
        _directory_actors(kind=kind, area_id=area_id, q=q)
        .select_related("area", "institution")
        .order_by(*_DIRECTORY_ORDER)
    )
    return group, actors


def stages() -> list[Stage]:
    """Forløbscirklen's stages in use, in order."""
    return list(Stage.objects.filter(active=True).order_by("order", "pk"))


def forloeb_rows(*, forloeb: QuerySet[Forloeb], filters: dict) -> QuerySet[Forloeb]:
    """A user's forløb (from access.forloeb_for_user) with the list page's filters applied."""
    rows = forloeb.select_related("institution", "current_stage")
    status = filters.get("status") or "aabne"
    if status == "aabne":
        rows = rows.filter(closed_on__isnull=True)
    elif status == "afsluttede":
        rows = rows.filter(closed_on__isnull=False)
    if filters.get("stage"):
        rows = rows.filter(current_stage=filters["stage"])
    if filters.get("institution"):
        rows = rows.filter(institution=filters["institution"])
    if filters.get("concern_type"):
        rows = rows.filter(concern_type=filters["concern_type"])
    if filters.get("sag"):
        rows = rows.filter(case_key=filters["sag"])
    return rows.order_by("-opened_on", "-pk")


def open_by_stage(*, forloeb: QuerySet[Forloeb], stage_list: list[Stage]) -> list[dict]:
    """How many of these forløb stand at each open stage now: one aggregate query.

    The overview of progress at the top of the forløb list.
    """
    counts = dict(
        forloeb.filter(closed_on__isnull=True)
        .values_list("current_stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        {"stage": stage, "count": counts.get(stage.pk, 0)}
        for stage in stage_list
        if not stage.closing
    ]


def forloeb_history(*, forloeb: Forloeb) -> list[Transition]:
    return list(
        forloeb.transitions.select_related("from_stage", "to_stage", "by").order_by("on", "pk")
    )


def forloeb_circle(*, forloeb: Forloeb, history: list[Transition]) -> list[dict]:
    """Forløbscirklen's stages for one forløb and where it stands: `visited`, `skipped` (passed
    over on the way), `current`, `ahead` (still to come) or `unreached` (closed before).

    The closing stages are shown only when the forløb was closed in one of them.
    """
    visited = {step.to_stage_id for step in history}
    current = forloeb.current_stage
    stage_list = stages()
    if current not in stage_list:  # a stage no longer in use still shows where it stands
        stage_list = sorted([*stage_list, current], key=lambda s: (s.order, s.pk))
    # How far the forløb got: a closed one is measured by the furthest open stage it reached.
    reached = current.order
    if current.closing:
        reached = max(
            (s.order for s in stage_list if s.pk in visited and not s.closing), default=-1
        )
    result = []
    for stage in stage_list:
        if stage.closing and stage.pk != current.pk:
            continue
        if stage.pk == current.pk:
            state = "current"
        elif stage.order <= reached:
            state = "visited" if stage.pk in visited else "skipped"
        else:
            state = "unreached" if current.closing else "ahead"
        result.append({"stage": stage, "state": state})
    return result


# --- Raw KPI numbers (shown to BFU only through disclosure control) --------------------------


def open_forloeb_by_type_and_stage() -> list[dict]:
    """Open forløb counted by concern type and current stage, in SQL (one query plus stages).

    Returns every combination of concern type × open stage of forløbscirklen, with 0 where
    there is none, ordered by concern type and stage: [{concern_type, stage, count}, …] where
    `concern_type` is a ConcernType value and `stage` a Stage slug.
    """
    counts = {
        (row["concern_type"], row["current_stage__slug"]): row["count"]
        for row in Forloeb.objects.filter(closed_on__isnull=True)
        .values("concern_type", "current_stage__slug")
        .annotate(count=Count("pk"))
        .order_by()
    }
    open_stages = [stage.slug for stage in stages() if not stage.closing]
    # A forløb left at a stage that is no longer in use still counts.
    open_stages += sorted({slug for _type, slug in counts} - set(open_stages))
    return [
        {"concern_type": concern, "stage": slug, "count": counts.get((concern, slug), 0)}
        for concern in ConcernType.values
        for slug in open_stages
    ]


def days_to_external_support(*, since: dt.date | None = None) -> list[int]:
    """Days from bekymring (opened_on) to a forløb's first step into a stage marked `external`
    (the first step with the external support system), one number per forløb that got there,
    in no particular order. Each is about one child or community: shown only as a statistic
    through disclosure control (reports.disclosure.disclose_median).

    With `since`, only forløb whose first external step fell on or after that date count.
    The first step per forløb is found in SQL, in one query.
    """
    rows = (
        Forloeb.objects.annotate(
            first_external=Min("transitions__on", filter=Q(transitions__to_stage__external=True))
        )
        .filter(first_external__isnull=False)
        .order_by()
    )
    if since is not None:
        rows = rows.filter(first_external__gte=since)
    return [
        (first - opened).days for opened, first in rows.values_list("opened_on", "first_external")
    ]
