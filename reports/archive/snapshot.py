"""A report's snapshot: everything the report shows, read through the selectors at one moment
and stored as JSON on the Report row. The PDF is rendered from the snapshot alone, so the
stored report never depends on the plan as it is later.

Values are plain JSON: dates as ISO strings, amounts as decimal strings, and every label as the
Danish text it had when the report was compiled. The dashboard's charts are stored as the SVG
markup the dashboard draws, with their data tables, so the PDF shows exactly the same charts.
"""

import datetime as dt
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone

from investments.selectors import investment_overview
from omstilling.models import Plan, User
from omstilling.quarters import Quarter
from reports.charts import STATE_SERIES
from reports.dashboard.build import build_dashboard
from reports.dashboard.selectors import Scope
from reports.disclosure import LEGEND
from reports.kpis.page import kpi_page
from reports.models import Report, ReportKind, ReportState
from tracks import selectors as tracks_selectors
from tracks.models import MilestoneState, WorkState

SCHEMA = 1


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _money(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def _person(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _chart(chart) -> dict:
    table = chart.table
    return {
        "id": chart.id,
        "title": str(chart.title),
        "svg": render_to_string(chart.template, {"chart": chart}).strip(),
        "table": {
            "caption": str(table.caption),
            "columns": [str(c) for c in table.columns],
            "rows": [[str(header), [str(c) for c in cells]] for header, cells in table.rows],
            "footer": [str(table.footer[0]), [str(c) for c in table.footer[1]]]
            if table.footer
            else None,
        },
    }


def _milestone(milestone, today: dt.date) -> dict:
    due = milestone.due_date
    state = milestone.state_on(today)
    end = milestone.completed_on or today
    return {
        "id": milestone.pk,
        "title": milestone.title,
        "institution": str(milestone.institution) if milestone.institution_id else "",
        "quarter": Quarter.of(milestone.planned_quarter).label,
        "due_date": _date(due),
        "completed_on": _date(milestone.completed_on),
        "state": state.value,
        "state_label": str(state.label),
        "done": milestone.is_done,
        "days_late": max(0, (end - due).days),
    }


def _was_done(milestone: dict) -> bool:
    # Snapshots before MilestoneState was the one home said "done"/"overdue"/"planned".
    return milestone.get("done", milestone["state"] == "done")


def _was_overdue(milestone: dict) -> bool:
    return milestone["state"] in (MilestoneState.OVERDUE, "overdue")


def _status(status, authors: dict[int, str]) -> dict | None:
    if status is None:
        return None
    return {
        "state": status.state,
        "state_label": str(status.get_state_display()),
        "health": status.health,
        "health_label": str(status.get_health_display()),
        "progress": status.progress,
        "narrative": status.narrative,
        "next_steps": status.next_steps,
        "updated_at": timezone.localtime(status.created_at).isoformat(),
        "updated_by": authors.get(status.author_id, ""),
    }


def _owner(initiative) -> str:
    names = [_person(initiative.owner) if initiative.owner_id else ""]
    names.append(str(initiative.owner_body) if initiative.owner_body_id else "")
    return ", ".join(n for n in names if n)


def _spor(plan: Plan, dashboard: dict, today: dt.date) -> list[dict]:
    counted = {s.pk: s for s in dashboard["spor"]["spor_list"]}
    spor_list = tracks_selectors.spor_overview(plan=plan)
    initiatives = [i for s in spor_list for i in s.initiatives.all()]
    author_ids = {i.current_status.author_id for i in initiatives if i.current_status_id}
    authors = {u.pk: _person(u) for u in User.objects.filter(pk__in=author_ids)}
    milestones: dict[int, list] = {}
    for milestone in tracks_selectors.plan_milestones(plan=plan):
        milestones.setdefault(milestone.initiative_id, []).append(_milestone(milestone, today))
    result = []
    for spor in spor_list:
        numbers = counted[spor.pk]
        result.append(
            {
                "id": spor.pk,
                "number": spor.number,
                "title": spor.title,
                "description": spor.description,
                "lead_areas": [a.name for a in spor.lead_areas.all()],
                "counts": {s.key: numbers.state_counts[s.key] for s in STATE_SERIES},
                "n_total": numbers.n_total,
                "n_counted": numbers.n_counted,
                "progress": numbers.progress,
                "initiatives": [
                    {
                        "id": i.pk,
                        "slug": i.slug,
                        "title": i.title,
                        "theme": i.theme.title if i.theme_id else "",
                        "lead_area": i.lead_area.name,
                        "owner": _owner(i),
                        "start": i.start.label,
                        "end": i.end.label if i.end_quarter else "",
                        "status": _status(i.current_status, authors),
                        "milestones": milestones.get(i.pk, []),
                    }
                    for i in spor.initiatives.all()
                ],
            }
        )
    return result


def _overdue(dashboard: dict, today: dt.date) -> list[dict]:
    return [
        {
            **_milestone(m, today),
            "initiative_id": m.initiative_id,
            "initiative": m.initiative.title,
            "spor_number": m.initiative.spor.number,
            "owner": _owner(m.initiative),
        }
        for m in dashboard["milestones"]["overdue"]
    ]


def _investments(plan: Plan, section: dict) -> dict:
    items = []
    for investment in investment_overview(plan=plan):
        items.append(
            {
                "id": investment.pk,
                "title": investment.title,
                "school": str(investment.development_school.school),
                "amount": _money(investment.amount),
                "spent": _money(investment.spent),
                "state": investment.state,
                "state_label": str(investment.get_state_display()),
                "approved": investment.approved,
                "treated_on": _date(investment.treated_on),
                "treated_reference": investment.treated_reference or "",
                "approved_on": _date(investment.approved_on),
                "approved_reference": investment.approved_reference or "",
                "initiatives": [i.title for i in investment.initiatives.all()],
            }
        )
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
        "schools": [
            {
                "name": str(row["school"]),
                "approved": _money(row["approved"]),
                "spent": _money(row["spent"]),
                "investments": row["investments"],
            }
            for row in section["schools"]
        ],
        "items": items,
    }


def _recommendations(section: dict) -> dict:
    def initiative(i) -> dict:
        status = i.current_status
        return {
            "id": i.pk,
            "title": i.title,
            "spor_number": i.spor.number,
            "state_label": str(status.get_state_display()) if status else "",
            "health_label": str(status.get_health_display()) if status else "",
        }

    return {
        "total": section["total"],
        "carried": section["carried"],
        "uncarried": [r.number for r in section["uncarried"]],
        "themes": [
            {
                "number": group["theme"].number,
                "title": group["theme"].title,
                "recommendations": [
                    {
                        "number": r.number,
                        "text": r.text,
                        "initiatives": [initiative(i) for i in r.carrying],
                    }
                    for r in group["recommendations"]
                ],
            }
            for group in section["themes"]
        ],
    }


def _cell(cell) -> dict:
    return {"text": str(cell.text), "reason": str(cell.reason)}


def _kpis(today: dt.date) -> dict:
    """The outcome figures exactly as disclosure control lets BFU see them: cell texts only
    ("<5", "x" where hidden), never the raw counts behind them."""
    page = kpi_page(today=today)
    return {
        "legend": str(LEGEND),
        "headlines": [
            {
                "label": str(h.label),
                "period": str(h.period),
                "cell": _cell(h.cell),
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
                "chart": render_to_string(
                    "reports/includes/kpi_chart.html", {"chart": section.chart}
                ).strip()
                if section.chart
                else "",
                "tables": [
                    {
                        "caption": str(table.caption),
                        "row_header": str(table.row_header),
                        "columns": [str(c) for c in table.columns],
                        "rows": [
                            {"label": str(row.label), "cells": [_cell(c) for c in row.cells]}
                            for row in table.rows
                        ],
                        "footer": [
                            {"label": str(row.label), "cells": [_cell(c) for c in row.cells]}
                            for row in table.footer
                        ],
                    }
                    for table in section.tables
                ],
            }
            for section in page.sections
        ],
    }


def previous_quarterly_report(*, report: Report) -> Report | None:
    """The newest finished quarterly report of an earlier period (its latest version)."""
    return (
        Report.objects.filter(
            kind=ReportKind.KVARTALSRAPPORT,
            state=ReportState.FAERDIG,
            period_start__lt=report.period_start,
        )
        .order_by("-period_start", "-version")
        .first()
    )


def _initiatives(snapshot: dict) -> dict[int, dict]:
    return {
        i["id"]: {**i, "spor_number": s["number"]}
        for s in snapshot["spor"]
        for i in s["initiatives"]
    }


def compare(previous: dict, current: dict) -> dict:
    """What changed between two snapshots: initiatives whose work state or health changed,
    those completed, milestones reached and milestones that became overdue, new initiatives."""
    before, now = _initiatives(previous), _initiatives(current)
    before_milestones = {m["id"]: m for i in before.values() for m in i["milestones"]}
    changed, completed, new, reached, overdue = [], [], [], [], []
    for pk, initiative in now.items():
        ref = {"id": pk, "title": initiative["title"], "spor_number": initiative["spor_number"]}
        old = before.get(pk)
        status = initiative["status"]
        if old is None:
            new.append(ref)
        else:
            was = old["status"]
            if status and (
                was is None or was["state"] != status["state"] or was["health"] != status["health"]
            ):
                changed.append(
                    {
                        **ref,
                        "from_state": was["state_label"] if was else "",
                        "from_health": was["health_label"] if was else "",
                        "from_progress": was["progress"] if was else None,
                        "to_state": status["state_label"],
                        "to_health": status["health_label"],
                        "to_progress": status["progress"],
                    }
                )
            if (
                status
                and status["state"] == WorkState.AFSLUTTET
                and (was is None or was["state"] != WorkState.AFSLUTTET)
            ):
                completed.append(ref)
        for milestone in initiative["milestones"]:
            old_milestone = before_milestones.get(milestone["id"])
            entry = {**milestone, "initiative": initiative["title"], "spor": ref["spor_number"]}
            if milestone["done"] and (old_milestone is None or not _was_done(old_milestone)):
                reached.append(entry)
            if milestone["state"] == MilestoneState.OVERDUE and (
                old_milestone is None or not _was_overdue(old_milestone)
            ):
                overdue.append(entry)
    return {
        "status_changed": changed,
        "completed": completed,
        "new_initiatives": new,
        "milestones_reached": reached,
        "newly_overdue": sorted(overdue, key=lambda m: (m["due_date"], m["id"])),
    }


def build_snapshot(*, report: Report, plan: Plan, now: dt.datetime) -> dict:
    """Everything `report` shows, as of `now`. Call it inside one transaction (at REPEATABLE
    READ on PostgreSQL) so that all the reads see the same moment."""
    today = timezone.localdate(now)
    dashboard = build_dashboard(plan=plan, scope=Scope(), today=today)
    spor_section = dashboard["spor"]
    snapshot = {
        "schema": SCHEMA,
        "report": {
            "kind": report.kind,
            "kind_label": str(report.get_kind_display()),
            "period": report.period,
            "period_label": report.period_label,
            "version": report.version,
            "requested_by": _person(report.requested_by) if report.requested_by_id else "",
        },
        "as_of": today.isoformat(),
        "compiled_at": timezone.localtime(now).isoformat(),
        "plan": {
            "title": plan.title,
            "municipality": plan.municipality,
            "department": plan.department,
            "committee": plan.committee,
            "first_quarter": Quarter.of(plan.start_quarter).label,
            "last_quarter": Quarter.of(plan.end_quarter).label,
        },
        "key_figures": dashboard["key_figures"],
        "progress_rule": str(spor_section["progress_rule"]),
        "charts": {
            "spor_status": _chart(spor_section["chart"]),
            "spor_progress": _chart(spor_section["progress_chart"]),
            "milestones": _chart(dashboard["milestones"]["chart"]),
            "pool": _chart(dashboard["investments"]["pool_chart"]),
            "schools": _chart(dashboard["investments"]["school_chart"]),
        },
        "spor": _spor(plan, dashboard, today),
        "milestone_totals": dashboard["milestones"]["totals"],
        "overdue": _overdue(dashboard, today),
        "investments": _investments(plan, dashboard["investments"]),
        "recommendations": _recommendations(dashboard["recommendations"]),
        "kpis": _kpis(today),
        "previous": None,
        "changes": None,
    }
    if report.kind == ReportKind.KVARTALSRAPPORT:
        previous = previous_quarterly_report(report=report)
        if previous is not None:
            snapshot["previous"] = {
                "period_label": previous.period_label,
                "version": previous.version,
                "as_of": previous.snapshot["as_of"],
            }
            snapshot["changes"] = compare(previous.snapshot, snapshot)
    return snapshot
