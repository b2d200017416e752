"""A report's snapshot: everything the report shows, read through the selectors at one moment
and stored as JSON on the Report row. The PDF is rendered from the snapshot alone, so the
stored report never depends on the plan as it is later.

The report is a committee paper: a main part of a bounded size whatever the size of the plan
(the verdict of reports/verdict.py, the KPIs against their targets, the pool, the
recommendations no tiltag carries, and what changed since the previous report of the same
kind, every list the first ten with its count), and a compact appendix with one table per spor
(a row per tiltag), the pool's investments and the KPIs in detail, and the decisions and
documents of the period (the first few with their count; the summary names their numbers).

Values are plain JSON: dates as ISO strings, amounts as decimal strings, and every label as the
Danish text it had when the report was compiled; the plan's names (committee, approving body,
advisory committee, department, municipality) and its logo (the stored file's name and
SHA-256: a new load keeps the old file) are those of that moment. Charts are stored as the SVG
markup the dashboard draws, their <title> carrying the chart's description (the PDF's
alternative text).
"""

import dataclasses
import datetime as dt
import hashlib
import re
from decimal import Decimal
from html import escape

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions.selectors import decisions_in_period
from documents.selectors import documents_in_period
from investments.models import state_label
from investments.selectors import investment_overview, pool_summary
from omstilling.models import Plan, User
from omstilling.quarters import Quarter
from reports.archive.periods import parse_period
from reports.charts import STATE_SERIES
from reports.dashboard import selectors
from reports.dashboard.build import investment_section
from reports.dashboard.selectors import Scope
from reports.disclosure import LEGEND
from reports.kpis.page import KpiPage, kpi_page
from reports.models import Report, ReportKind, ReportState
from reports.verdict import LIMIT, Counted, Verdict, plan_verdict
from tracks import selectors as tracks_selectors
from tracks.models import Health, Initiative, Milestone, Recommendation, WorkState
from tracks.selectors import changed_since

# 3: the plan's names and logo, and `pool.absent` for a plan without a pool.
# 4: the decisions and documents of the period.
SCHEMA = 4
CHANGES = 5  # the first of each list of changes the main part shows, with its count
PERIOD_ITEMS = CHANGES  # the decisions (and documents) of the period the main part lists
KPI_CHART = "specialtilbud"  # the KPI section whose chart the main part shows


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _money(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def _person(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _owner(initiative: Initiative) -> str:
    names = [_person(initiative.owner) if initiative.owner_id else ""]
    names.append(str(initiative.owner_body) if initiative.owner_body_id else "")
    return ", ".join(n for n in names if n)


def _json(value):
    """A verdict's dataclasses as JSON: dates as ISO text, amounts as decimal strings."""
    if dataclasses.is_dataclass(value):
        return {f.name: _json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _counted(items: list, count: int, limit: int = CHANGES) -> dict:
    return {"items": items[:limit], "count": count, "more": max(0, count - limit)}


def _with_alt(svg: str, chart) -> str:
    """The SVG with its <title> saying what the chart shows: a PDF reader takes the title as
    the figure's alternative text (the page has the description beside it as <desc>)."""
    desc = str(chart.desc)
    alt = desc if desc.startswith(str(chart.title)) else f"{chart.title}. {desc}"
    return re.sub(
        r"(<title[^>]*>).*?(</title>)",
        lambda m: m.group(1) + escape(alt) + m.group(2),
        svg,
        count=1,
        flags=re.DOTALL,
    )


def _chart(chart) -> dict:
    svg = render_to_string(chart.template, {"chart": chart}).strip()
    result = {"id": chart.id, "title": str(chart.title), "svg": _with_alt(svg, chart)}
    lines = getattr(chart, "lines", None)
    if lines:
        result["legend"] = [f"{line.label} {line.style.key_text}" for line in lines]
    table = getattr(chart, "table", None)
    if table is not None:
        result["table"] = {
            "caption": str(table.caption),
            "columns": [str(c) for c in table.columns],
            "rows": [[str(header), [str(c) for c in cells]] for header, cells in table.rows],
            "footer": [str(table.footer[0]), [str(c) for c in table.footer[1]]]
            if table.footer
            else None,
        }
    return result


# --- the main part --------------------------------------------------------------------------


def _unattended(verdict: dict, rows: list[dict]) -> dict:
    """The tiltag without an owner or without an update this quarter, in one list: the first
    ten of the two in the plan's order, each saying what it lacks. (The first ten of a union
    are among the first ten of each list.)"""
    position = {row["id"]: n for n, row in enumerate(rows)}
    lacking: dict[int, dict] = {}
    for kind in ("without_owner", "without_update"):
        for item in verdict[kind]["items"]:
            lacking.setdefault(item["id"], {**item, "lacks": []})["lacks"].append(kind)
    items = sorted(lacking.values(), key=lambda item: position.get(item["id"], len(rows)))
    return {"items": items[:LIMIT]}


def _verdict(verdict: Verdict) -> dict:
    result = _json(verdict)
    result["on_track"] = verdict.on_track
    result["kpis_off_track"] = verdict.kpis_off_track
    for name, value in vars(verdict).items():
        if isinstance(value, Counted):
            result[name]["more"] = value.more
    return result


def _pool(plan: Plan) -> dict:
    if not plan.has_pool:
        # An older snapshot has no `absent`: it had a pool section as every plan then did.
        return {"absent": True, "schools": []}
    section = investment_section(pool_summary(plan=plan), plan)
    return {
        "funding_title": plan.funding_title,
        "granted_by": plan.funding_granted_by,
        "granted": _money(section["granted"]),
        "approved": _money(section["approved"]),
        "spent": _money(section["spent"]),
        "unspent": _money(section["unspent"]),
        "free": _money(section["free"]),
        "approved_share": float(section["approved_share"])
        if section["approved_share"] is not None
        else None,
        "chart": _chart(section["pool_chart"]),
        "schools": [
            {
                "name": str(row["school"]),
                "approved": _money(row["approved"]),
                "spent": _money(row["spent"]),
                "investments": row["investments"],
            }
            for row in section["schools"]
        ],
    }


def _recommendations(plan: Plan) -> dict:
    """The advisory committee's recommendations with how many tiltag carry each (one query)."""
    rows = list(
        Recommendation.objects.filter(theme__plan=plan)
        .select_related("theme")
        .annotate(n_initiatives=Count("initiatives"))
        .order_by("theme__number", "number")
    )
    return {
        "total": len(rows),
        "carried": sum(1 for r in rows if r.n_initiatives),
        "uncarried": [
            {"number": r.number, "text": r.text, "theme": r.theme.title}
            for r in rows
            if not r.n_initiatives
        ],
        "all": [
            {
                "number": r.number,
                "text": r.text,
                "theme_number": r.theme.number,
                "n": r.n_initiatives,
            }
            for r in rows
        ],
    }


def _kpis(page: KpiPage) -> dict:
    """The outcome figures exactly as disclosure control lets BFU see them: cell texts only
    ("<5", "x" where hidden), never the raw counts behind them."""

    def cell(c) -> dict:
        return {"text": str(c.text), "reason": str(c.reason)}

    return {
        "legend": str(LEGEND),
        "headlines": [
            {
                "label": str(h.label),
                "period": str(h.period),
                "cell": cell(h.cell),
                "target": str(h.target),
                "baseline": str(h.baseline),
            }
            for h in page.headlines
        ],
        "sections": [
            {
                "slug": section.slug,
                "title": str(section.title),
                "intro": str(section.intro),
                "notes": [str(n) for n in section.notes],
                "tables": [
                    {
                        "caption": str(table.caption),
                        "row_header": str(table.row_header),
                        "columns": [str(c) for c in table.columns],
                        "rows": [
                            {"label": str(row.label), "cells": [cell(c) for c in row.cells]}
                            for row in table.rows
                        ],
                        "footer": [
                            {"label": str(row.label), "cells": [cell(c) for c in row.cells]}
                            for row in table.footer
                        ],
                    }
                    for table in section.tables
                ],
            }
            for section in page.sections
        ],
    }


def _main_kpi_chart(page: KpiPage) -> dict | None:
    """The main part's KPI chart: the one the appendix shows too, under ids of its own."""
    for section in page.sections:
        if section.slug == KPI_CHART and section.chart:
            return _chart(dataclasses.replace(section.chart, id=f"{section.chart.id}-resume"))
    return None


# --- changes since the previous report ------------------------------------------------------


def previous_report(*, report: Report) -> Report | None:
    """The newest finished report of the same kind for an earlier period (its latest version)."""
    return (
        Report.objects.filter(
            kind=report.kind, state=ReportState.FAERDIG, period_start__lt=report.period_start
        )
        .order_by("-period_start", "-version")
        .first()
    )


def _snapshot_initiative_ids(snapshot: dict) -> set[int]:
    return {i["id"] for s in snapshot.get("spor", []) for i in s.get("initiatives", [])}


def _milestone(milestone: Milestone, today: dt.date) -> dict:
    state = milestone.state_on(today)
    return {
        "id": milestone.pk,
        "title": milestone.title,
        "institution": str(milestone.institution) if milestone.institution_id else "",
        "initiative": milestone.initiative.title,
        "spor": milestone.initiative.spor.number,
        "due_date": _date(milestone.due_date),
        "completed_on": _date(milestone.completed_on),
        "state": state.value,
        "state_label": str(state.label),
        "done": milestone.is_done,
        "days_late": max(0, ((milestone.completed_on or today) - milestone.due_date).days),
    }


def _changes(plan: Plan, previous: Report, rows: list[dict], today: dt.date) -> dict:
    """What changed since `previous` was compiled, from the history the portal keeps: tiltag
    whose work state or health differs (net), tiltag finished, milestones reached and
    milestones that became overdue, and tiltag that were not in the previous report. Five
    queries; each list the first ten with its count."""
    since = dt.date.fromisoformat(previous.snapshot["as_of"])
    changed = list(
        changed_since(
            Initiative.objects.filter(plan=plan).select_related("spor", "current_status"),
            since=since,
        ).order_by("spor__number", "order", "pk")
    )
    status_changed = [
        {
            "id": i.pk,
            "title": i.title,
            "spor_number": i.spor.number,
            "from_state": str(WorkState(i.previous_state).label) if i.previous_state else "",
            "from_health": str(Health(i.previous_health).label) if i.previous_health else "",
            "to_state": str(i.current_status.get_state_display()),
            "to_health": str(i.current_status.get_health_display()),
            "to_progress": i.current_status.progress,
        }
        for i in changed
    ]
    completed = [
        c
        for c, i in zip(status_changed, changed, strict=True)
        if i.current_status.state == WorkState.AFSLUTTET and i.previous_state != WorkState.AFSLUTTET
    ]
    milestones = Milestone.objects.filter(
        initiative__plan=plan, archived_on__isnull=True
    ).select_related("institution", "initiative__spor")
    reached = milestones.filter(completed_on__gte=since, completed_on__lte=today)
    overdue = milestones.filter(Milestone.overdue_condition(today)).exclude(
        Milestone.overdue_condition(since)
    )
    before = _snapshot_initiative_ids(previous.snapshot)
    new = [
        {"id": i["id"], "title": i["title"], "spor_number": i["spor_number"]}
        for i in rows
        if i["id"] not in before
    ]
    return {
        "since": since.isoformat(),
        "status_changed": _counted(status_changed, len(status_changed)),
        "completed": _counted(completed, len(completed)),
        "milestones_reached": _counted(
            [_milestone(m, today) for m in reached.order_by("-completed_on", "pk")[:CHANGES]],
            reached.count(),
        ),
        "newly_overdue": _counted(
            [
                _milestone(m, today)
                for m in overdue.order_by("planned_quarter", "planned_date", "pk")[:CHANGES]
            ],
            overdue.count(),
        ),
        "new_initiatives": _counted(new, len(new)),
    }


def _moved(plan: Plan, since: dt.date, now: dt.datetime) -> dict:
    """Milestones re-planned to another quarter since `since` ("Flyttede milepæle"): the first
    CHANGES re-plans, newest first, each "flyttet fra … til …: reason", and their count (two
    queries)."""
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    events = tracks_selectors.replanned_events(plan=plan, since=start, until=now)
    items = [
        {
            "id": event.milestone_id,
            "title": event.milestone.title,
            "initiative": event.milestone.initiative.title,
            "moved": event.moved_text,
            "on": _date(timezone.localdate(event.at)),
        }
        for event in events.select_related("milestone__initiative")[:CHANGES]
    ]
    return _counted(items, events.count())


# --- the appendix ---------------------------------------------------------------------------


def _initiative_rows(plan: Plan, today: dt.date) -> list[dict]:
    """One row per tiltag for the appendix, with its milestones counted (two queries)."""
    milestones = {
        row["initiative"]: row
        for row in Milestone.objects.filter(
            initiative__plan=plan, archived_on__isnull=True, cancelled_on__isnull=True
        )
        .values("initiative")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(completed_on__isnull=False)),
            overdue=Count("pk", filter=Milestone.overdue_condition(today)),
        )
        .order_by()
    }
    none = {"total": 0, "done": 0, "overdue": 0}
    rows = []
    for i in (
        Initiative.objects.filter(plan=plan, archived_on__isnull=True)
        .select_related("spor", "owner", "owner_body", "current_status")
        .order_by("spor__number", "order", "pk")
    ):
        status = i.current_status
        counts = milestones.get(i.pk, none)
        rows.append(
            {
                "id": i.pk,
                "title": i.title,
                "spor_number": i.spor.number,
                "owner": _owner(i),
                "state_label": str(status.get_state_display()) if status else "",
                "health": status.health if status else "",
                "health_label": str(status.get_health_display()) if status else "",
                "progress": status.progress if status else None,
                "updated_on": _date(timezone.localdate(status.created_at)) if status else None,
                "milestones": {k: counts[k] for k in ("total", "done", "overdue")},
            }
        )
    return rows


def _spor(plan: Plan, rows: list[dict]) -> list[dict]:
    by_spor: dict[int, list] = {}
    for row in rows:
        by_spor.setdefault(row["spor_number"], []).append(row)
    result = []
    for spor in selectors.spor_status(plan=plan, scope=Scope()):
        counted = spor.n_counted
        result.append(
            {
                "id": spor.pk,
                "number": spor.number,
                "title": spor.title,
                "lead_areas": [a.name for a in spor.lead_areas.all()],
                "counts": {s.key: getattr(spor, f"n_{s.key}") for s in STATE_SERIES},
                "n_total": spor.n_total,
                "progress": spor.progress_sum / counted if counted else None,
                "initiatives": by_spor.get(spor.number, []),
            }
        )
    return result


def _investments(plan: Plan) -> list[dict]:
    names = plan.names
    return [
        {
            "id": investment.pk,
            "title": investment.title,
            "school": str(investment.development_school.school),
            "amount": _money(investment.amount),
            "spent": _money(investment.spent),
            "state_label": state_label(investment.state, names),
            "treated_on": _date(investment.treated_on),
            "approved_on": _date(investment.approved_on),
        }
        for investment in investment_overview(plan=plan)
    ]


def _decisions(plan: Plan, first: dt.date, last: dt.date) -> dict:
    """The report's "Beslutninger i perioden": the current decisions of the period's
    meetings, oldest first, with the bodies as the plan names them (the first PERIOD_ITEMS,
    and their count)."""
    names = plan.names
    queryset = decisions_in_period(plan=plan, first=first, last=last)
    rows = list(queryset[:PERIOD_ITEMS])
    count = len(rows) if len(rows) < PERIOD_ITEMS else queryset.count()
    items = [
        {
            "id": decision.pk,
            "meeting_date": _date(decision.meeting_date),
            "body": decision.body_name(names),
            "case_number": decision.case_number,
            "title": decision.title,
            "text": decision.text,
            "initiatives": [i.title for i in decision.initiatives.all()],
            "investments": [i.title for i in decision.investments.all()],
            "recommendations": [r.number for r in decision.recommendations.all()],
        }
        for decision in rows
    ]
    return _counted(items, count, limit=PERIOD_ITEMS)


def _documents(plan: Plan, first: dt.date, last: dt.date) -> dict:
    """The documents attached in the period and not withdrawn, oldest first, with what each
    belongs to (the first PERIOD_ITEMS, and their count)."""
    queryset = documents_in_period(plan_id=plan.pk, first=first, last=last)
    rows = list(queryset[:PERIOD_ITEMS])
    count = len(rows) if len(rows) < PERIOD_ITEMS else queryset.count()
    items = [
        {
            "id": document.pk,
            "title": document.title,
            "kind_label": str(document.get_kind_display()),
            "added_on": _date(timezone.localdate(document.at)),
            "belongs_to": document.target.title,
        }
        for document in rows
    ]
    return _counted(items, count, limit=PERIOD_ITEMS)


def _logo_sha256(plan: Plan) -> str:
    try:
        with plan.logo.open("rb") as logo:
            return hashlib.sha256(logo.read()).hexdigest()
    except OSError:
        return ""


def _names(plan: Plan) -> dict:
    """What the plan called its bodies when the report was compiled, and its logo: the stored
    file's name and SHA-256 (reports.archive.pdf shows it only if the file is still that)."""
    names = plan.names
    logo_sha256 = _logo_sha256(plan) if names.logo else ""
    return {
        "municipality": names.municipality,
        "department": names.department,
        "committee": names.committee,
        "committee_short": names.committee_short,
        "approving_body": names.approving_body,
        "approving_body_short": names.approving_body_short,
        "advisory_committee": names.advisory_committee,
        "logo": names.logo if logo_sha256 else "",
        "logo_sha256": logo_sha256,
    }


def build_snapshot(*, report: Report, plan: Plan, now: dt.datetime) -> dict:
    """Everything `report` shows, as of `now`. Call it inside one transaction (at REPEATABLE
    READ on PostgreSQL) so that all the reads see the same moment."""
    today = timezone.localdate(now)
    period = parse_period(report.kind, report.period)
    page = kpi_page(today=today)
    rows = _initiative_rows(plan, today)
    kpis = _kpis(page)
    verdict = _verdict(plan_verdict(plan=plan, today=today, kpis=page))
    snapshot = {
        "schema": SCHEMA,
        "report": {
            "kind": report.kind,
            "kind_label": str(report.get_kind_display()),
            # The kind as the paper names it, with the committee from the plan.
            "kind_title": _("Kvartalsrapport til %(committee)s") % {"committee": plan.committee}
            if report.kind == ReportKind.KVARTALSRAPPORT
            else _("Månedsrapport"),
            "period": report.period,
            "period_label": report.period_label,
            "version": report.version,
            "requested_by": _person(report.requested_by) if report.requested_by_id else "",
        },
        "as_of": today.isoformat(),
        "compiled_at": timezone.localtime(now).isoformat(),
        "plan": {
            "title": plan.title,
            **_names(plan),
            "first_quarter": Quarter.of(plan.start_quarter).label,
            "last_quarter": Quarter.of(plan.end_quarter).label,
        },
        "verdict": verdict,
        "unattended": _unattended(verdict, rows),
        "kpi_chart": _main_kpi_chart(page),
        "pool": _pool(plan),
        "recommendations": _recommendations(plan),
        "spor": _spor(plan, rows),
        "investments": _investments(plan),
        "kpis": kpis,
        "previous": None,
        "changes": None,
        "decisions": _decisions(plan, period.first_day, period.last_day),
        "documents": _documents(plan, period.first_day, period.last_day),
    }
    previous = previous_report(report=report)
    if previous is not None and previous.snapshot:
        snapshot["previous"] = {
            "period_label": previous.period_label,
            "version": previous.version,
            "as_of": previous.snapshot["as_of"],
        }
        snapshot["changes"] = _changes(plan, previous, rows, today)
    since = (
        dt.date.fromisoformat(previous.snapshot["as_of"])
        if previous is not None and previous.snapshot
        else report.period_start
    )
    snapshot["moved"] = {"since": since.isoformat(), **_moved(plan, since, now)}
    return snapshot
