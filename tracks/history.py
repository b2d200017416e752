"""The "Historik" of a tiltag: every edit of it and of its milestones, with before and after.

Read from django-simple-history's records (each compared with the record before it of the same
row), newest first and paged, in a fixed number of queries per page whatever the length of the
history: two counts, a page of records from each table (with the pk of the record before each,
and the tiltag's institution snapshots), those earlier records (and theirs), and the names the
changed references point to (one query per kind).
"""

import datetime as dt
import heapq
from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import OuterRef, Subquery
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from omstilling.models import Area, GovernanceBody, Institution, User
from omstilling.quarters import Quarter
from tracks.models import Initiative, Milestone, Spor, Theme

PAGE_SIZE = 20

# What an edit can change, per model, in the order shown (the version counters and the
# completion, which has its own log, are not edits of the plan).
_FIELDS = {
    Initiative: [
        "title",
        "description",
        "spor",
        "theme",
        "lead_area",
        "owner",
        "owner_body",
        "start_quarter",
        "end_quarter",
        "institutions",
        "archived_on",
    ],
    Milestone: [
        "title",
        "description",
        "planned_quarter",
        "original_quarter",
        "planned_date",
        "institution",
        "cancelled_on",
        "cancel_reason",
        "archived_on",
    ],
}
# A historical tiltag's snapshot of its institutions (simple-history's m2m history rows).
_SNAPSHOTS = "historicalinitiative_institutions_set"
_QUARTERS = {"start_quarter", "end_quarter", "planned_quarter", "original_quarter"}
_REFERENCES = {
    "spor": Spor,
    "theme": Theme,
    "lead_area": Area,
    "owner": User,
    "owner_body": GovernanceBody,
    "institution": Institution,
}


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    at: dt.datetime
    who: User | None
    subject: str  # "Tiltaget" or "Milepæl: <title>"
    kind: str  # created / changed
    reason: str = ""
    changes: list[Change] = field(default_factory=list)


def _records(model, **filters):
    """The model's history records matching `filters`, each with the pk of the record before
    it of the same object (`previous_pk`), newest first."""
    history = model.history.model
    previous = history.objects.filter(
        id=OuterRef("id"), history_date__lt=OuterRef("history_date")
    ).order_by("-history_date", "-history_id")
    records = history.objects.filter(**filters)
    if model is Initiative:
        records = records.prefetch_related(_SNAPSHOTS)
    return (
        records.select_related("history_user")
        .annotate(previous_pk=Subquery(previous.values("history_id")[:1]))
        .order_by("-history_date", "-history_id")
    )


class _Merged:
    """Two newest-first querysets as one sequence for the Paginator: a page slices the first
    `stop` rows of each (bounded by the page number) and merges them."""

    def __init__(self, *querysets):
        self.querysets = querysets

    def count(self) -> int:
        return sum(qs.count() for qs in self.querysets)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice):
        heads = [list(qs[: item.stop]) for qs in self.querysets]
        merged = heapq.merge(*heads, key=lambda r: (r.history_date, r.history_id), reverse=True)
        return list(merged)[item]


def initiative_history_page(*, initiative: Initiative, page):
    """A page of the tiltag's "Historik" (Django Page of Entry objects, newest first)."""
    merged = _Merged(
        _records(Initiative, id=initiative.pk),
        _records(Milestone, initiative_id=initiative.pk),
    )
    paginator = Paginator(merged, PAGE_SIZE)
    try:
        result = paginator.page(page or 1)
    except (EmptyPage, PageNotAnInteger):
        result = paginator.page(1 if not str(page or "").isdigit() else paginator.num_pages)
    result.object_list = _entries(list(result.object_list))
    return result


def _entries(records: list) -> list[Entry]:
    previous = _previous_records(records)
    deltas = []
    for record in records:
        before = previous.get((type(record), record.previous_pk))
        model = record.instance_type
        deltas.append((record, _diff(record, before, model) if before else None))
    names = _names([delta for _record, delta in deltas if delta])
    entries = []
    for record, delta in deltas:
        model = record.instance_type
        subject = (
            _("Tiltaget")
            if model is Initiative
            else _("Milepæl: %(title)s") % {"title": record.title}
        )
        entry = Entry(
            at=record.history_date,
            who=record.history_user,
            subject=subject,
            kind="created" if delta is None else "changed",
            reason=record.history_change_reason or "",
        )
        for name, old, new in delta or []:
            entry.changes.append(
                Change(
                    label=str(model._meta.get_field(name).verbose_name).capitalize(),
                    before=_shown(name, old, names),
                    after=_shown(name, new, names),
                )
            )
        entries.append(entry)
    return entries


def _diff(record, before, model) -> list[tuple[str, object, object]]:
    """(field, before, after) for each field the edit changed, in the order shown. Fields are
    compared directly: simple-history's `diff_against` skips the fields the admin may not edit
    (such as `archived_on`) and queries the m2m snapshots of every pair again."""
    changes = []
    for name in _FIELDS[model]:
        if name == "institutions":
            # The snapshots are prefetched (diff_against would query each pair again).
            old, new = (
                sorted(r.institution_id for r in getattr(row, _SNAPSHOTS).all())
                for row in (before, record)
            )
            if old != new:
                changes.append((name, old, new))
            continue
        attname = model._meta.get_field(name).attname
        old, new = getattr(before, attname), getattr(record, attname)
        if old != new:
            changes.append((name, old, new))
    return changes


def _previous_records(records: list) -> dict:
    wanted: dict = {}
    for record in records:
        if record.previous_pk:
            wanted.setdefault(type(record), set()).add(record.previous_pk)
    found = {}
    for history, pks in wanted.items():
        rows = history.objects.filter(history_id__in=pks)
        if history.instance_type is Initiative:
            rows = rows.prefetch_related(_SNAPSHOTS)
        for row in rows:
            found[(history, row.history_id)] = row
    return found


def _names(deltas) -> dict:
    """Names of the rows the page's changes point to, one query per kind of row."""
    wanted: dict = {}
    for delta in deltas:
        for name, old, new in delta:
            if name in _REFERENCES:
                wanted.setdefault(_REFERENCES[name], set()).update(pk for pk in (old, new) if pk)
            elif name == "institutions":
                wanted.setdefault(Institution, set()).update([*old, *new])
    names = {}
    for model, pks in wanted.items():
        for pk, row in model.objects.in_bulk(pks).items():
            names[(model, pk)] = (
                (row.get_full_name() or row.username) if model is User else str(row)
            )
    return names


def _shown(name: str, value, names: dict) -> str:
    if value in (None, "", []):
        return "–"
    if name in _QUARTERS:
        return Quarter.of(value).label
    if name in ("cancelled_on", "archived_on", "planned_date"):
        return date_format(value, "DATE_FORMAT")
    if name in _REFERENCES:
        return names.get((_REFERENCES[name], value), str(value))
    if name == "institutions":
        return ", ".join(names.get((Institution, pk), str(pk)) for pk in value)
    return str(value)
