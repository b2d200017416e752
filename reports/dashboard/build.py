"""The BFU dashboard's content: the selectors' results shaped into sections and charts.

Kept apart from the view so that the quarterly PDF report (next issue) can render the same
sections and charts from the same function.
"""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from investments.selectors import pool_summary
from omstilling.cache import Family, cached
from omstilling.models import Plan
from omstilling.numbers import count_text, kr_text, percent_text
from omstilling.quarters import Quarter, quarter_range
from reports.charts import (
    MILESTONE_SERIES,
    MONEY_SERIES,
    PROGRESS_SERIES,
    STATE_SERIES,
    BarInput,
    Table,
    danish_date,
    quarter_columns,
    short_kr,
    stacked_bars,
)
from reports.dashboard import selectors
from reports.dashboard.selectors import Scope
from tracks import selectors as tracks_selectors
from tracks.models import Health, WorkState
from tracks.selectors import PROGRESS_RULE

STATE_LABELS = {s.key: str(s.label) for s in STATE_SERIES}
HEALTH_LABELS = dict(Health.choices)


def _progress(progress_sum: int | None, counted: int) -> float | None:
    return progress_sum / counted if counted else None


def _spor_section(spor_list, changes, change_counts: dict[int, int]) -> dict:
    changes_by_spor: dict[int, list] = {}
    for initiative in changes:
        initiative.previous_state_label = STATE_LABELS.get(
            initiative.previous_state or "ingen", STATE_LABELS["ingen"]
        )
        initiative.previous_health_label = HEALTH_LABELS.get(initiative.previous_health, "")
        changes_by_spor.setdefault(initiative.spor_id, []).append(initiative)
    keys = [s.key for s in STATE_SERIES]
    for spor in spor_list:
        spor.state_counts = {key: getattr(spor, f"n_{key}") for key in keys}
        spor.progress = _progress(spor.progress_sum, spor.n_counted)
        spor.changes = changes_by_spor.get(spor.pk, [])
        spor.n_changes = change_counts.get(spor.pk, 0)
        spor.more_changes = spor.n_changes - len(spor.changes)
    bars = [
        BarInput(
            label=_("Spor %(number)s: %(title)s") % {"number": s.number, "title": s.title},
            values=s.state_counts,
            total_text=ngettext("%(count)s tiltag", "%(count)s tiltag", s.n_total)
            % {"count": count_text(s.n_total)},
            empty_text=_("Ingen tiltag"),
        )
        for s in spor_list
    ]
    table = Table(
        caption=_("Tiltag pr. spor fordelt på arbejdsstatus, og sporets fremdrift"),
        columns=[_("Spor"), *[str(s.label) for s in STATE_SERIES], _("I alt"), _("Fremdrift")],
        rows=[
            (
                bar.label,
                [count_text(spor.state_counts[k]) for k in keys]
                + [count_text(spor.n_total), percent_text(spor.progress)],
            )
            for bar, spor in zip(bars, spor_list, strict=True)
        ],
    )
    if len(spor_list) > 1:
        totals = {k: sum(spor.state_counts[k] for spor in spor_list) for k in keys}
        table.footer = (
            _("Alle spor"),
            [count_text(totals[k]) for k in keys]
            + [
                count_text(sum(spor.n_total for spor in spor_list)),
                percent_text(
                    _progress(
                        sum(spor.progress_sum or 0 for spor in spor_list),
                        sum(spor.n_counted for spor in spor_list),
                    )
                ),
            ],
        )
    chart = stacked_bars(
        id="chart-spor-status",
        title=_("Tiltag pr. spor efter arbejdsstatus"),
        bars=bars,
        series=STATE_SERIES,
        table=table,
        desc_intro=_("Antal tiltag i hvert spor fordelt på arbejdsstatus."),
        total_at_end=True,
    )
    return {
        "spor_list": spor_list,
        "chart": chart,
        "progress_chart": _progress_chart(spor_list),
        "progress_rule": _(PROGRESS_RULE),
    }


def _progress_chart(spor_list):
    def counted(spor):
        return ngettext(
            "%(counted)s af %(total)s tiltag", "%(counted)s af %(total)s tiltag", spor.n_total
        ) % {
            "counted": count_text(spor.n_counted),
            "total": count_text(spor.n_total),
        }

    table = Table(
        caption=_("Fremdrift pr. spor"),
        columns=[_("Spor"), _("Fremdrift"), _("Tiltag, der tæller med")],
        rows=[
            (
                _("Spor %(number)s") % {"number": s.number},
                [percent_text(s.progress), f"{count_text(s.n_counted)} / {count_text(s.n_total)}"],
            )
            for s in spor_list
        ],
    )
    return stacked_bars(
        id="chart-spor-progress",
        title=_("Fremdrift pr. spor"),
        bars=[
            BarInput(
                label=_("Spor %(number)s") % {"number": s.number},
                values={"done": s.progress or 0, "rest": 100 - (s.progress or 0)}
                if s.progress is not None
                else {},
                total_text=f"{percent_text(s.progress)} · {counted(s)}",
                empty_text=_("Ingen tiltag med status"),
            )
            for s in spor_list
        ],
        series=PROGRESS_SERIES,
        table=table,
        value_text=percent_text,
        scale_max=100,
        desc_intro=_("Gennemsnitlig fremdrift i procent for tiltagene i hvert spor."),
    )


def _milestone_section(*, plan: Plan, counts: dict, overdue: list, today: dt.date) -> dict:
    """The milestones per quarter, and the longest overdue (`overdue`, bounded) beside the
    count of all overdue ones (`totals["overdue"]`)."""
    first, last = Quarter.of(plan.start_quarter), Quarter.of(plan.end_quarter)
    # Milestones planned outside the plan's period widen the timeline rather than vanish.
    if counts:
        first, last = min(first, min(counts)), max(last, max(counts))
    quarters = quarter_range(first, last)
    keys = [s.key for s in MILESTONE_SERIES]
    totals = {k: sum(c[k] for c in counts.values()) for k in keys}
    table = Table(
        caption=_("Milepæle pr. planlagt kvartal: nået, planlagt og forsinket"),
        columns=[_("Kvartal"), *[str(s.label) for s in MILESTONE_SERIES], _("I alt")],
        rows=[
            (
                q.label + (" " + _("(i dag)") if q == Quarter.of(today) else ""),
                [count_text(counts.get(q, {}).get(k, 0)) for k in keys]
                + [count_text(sum(counts.get(q, {}).values()))],
            )
            for q in quarters
        ],
        footer=(
            _("I alt"),
            [count_text(totals[k]) for k in keys] + [count_text(sum(totals.values()))],
        ),
    )
    chart = quarter_columns(
        id="chart-milestones",
        title=_("Milepæle pr. kvartal: nået, planlagt og forsinket"),
        quarters=quarters,
        counts=counts,
        series=MILESTONE_SERIES,
        today=today,
        table=table,
        desc_intro=_("Milepæle efter det kvartal, de er planlagt til, fra %(first)s til %(last)s.")
        % {"first": first.label, "last": last.label},
        empty_text=_("Ingen milepæle."),
    )
    return {"chart": chart, "totals": totals, "overdue": overdue, "today": today}


# The udviklingsskoler named in the dashboard's chart; the rest are counted in its footer.
SCHOOLS_SHOWN = 10


def _largest(schools: list[dict], n: int) -> list[dict]:
    """The `n` schools with most approved, in their own (the plan's) order."""
    if len(schools) <= n:
        return schools
    keep = {id(row) for row in sorted(schools, key=lambda row: -row["approved"])[:n]}
    return [row for row in schools if id(row) in keep]


def investment_section(summary: dict, plan: Plan) -> dict:
    """The pool in figures and charts: the dashboard's section, also the report's."""
    granted, approved, spent = summary["granted"], summary["approved"], summary["spent"]
    pool_table = Table(
        caption=_("Puljen: bevilget, godkendt, forbrugt og fri"),
        columns=[_("Puljen"), _("Beløb")],
        rows=[
            (_("Bevilget"), [kr_text(granted)]),
            (_("Godkendt"), [kr_text(approved)]),
            (_("Forbrugt"), [kr_text(spent)]),
            (_("Godkendt, ikke forbrugt"), [kr_text(approved - spent)]),
            (_("Fri i puljen"), [kr_text(summary["free"])]),
        ],
    )
    pool_chart = stacked_bars(
        id="chart-pool",
        title=_("Puljen på %(granted)s: forbrugt, godkendt og fri")
        % {"granted": short_kr(granted)},
        bars=[
            BarInput(
                label=_("Bevilget af %(body)s") % {"body": plan.funding_granted_by}
                if plan.funding_granted_by
                else _("Bevilget"),
                values={
                    "spent": spent,
                    "unspent": approved - spent,
                    "free": max(summary["free"], Decimal(0)),
                },
                total_text=short_kr(granted),
                empty_text=_("Planen har ingen pulje"),
            )
        ],
        series=MONEY_SERIES,
        table=pool_table,
        value_text=short_kr,
        desc_text=kr_text,
        scale_max=granted,
        desc_intro=_("Bevilget %(granted)s, godkendt %(approved)s.")
        % {"granted": kr_text(granted), "approved": kr_text(approved)},
    )
    schools = summary["schools"]
    # The chart names the schools with most approved (in the plan's order); the footer counts
    # them all. The pool page lists every school.
    shown = _largest(schools, SCHOOLS_SHOWN)
    school_table = Table(
        caption=_("Godkendt og forbrugt pr. udviklingsskole")
        if len(shown) == len(schools)
        else _(
            "Godkendt og forbrugt for de %(shown)s af %(total)s udviklingsskoler med mest godkendt"
        )
        % {"shown": len(shown), "total": len(schools)},
        columns=[_("Udviklingsskole"), _("Investeringer"), _("Godkendt"), _("Forbrugt")],
        rows=[
            (
                str(row["school"]),
                [count_text(row["investments"]), kr_text(row["approved"]), kr_text(row["spent"])],
            )
            for row in shown
        ],
        footer=(
            _("Alle udviklingsskoler"),
            [
                count_text(sum(row["investments"] for row in schools)),
                kr_text(sum((row["approved"] for row in schools), Decimal(0))),
                kr_text(sum((row["spent"] for row in schools), Decimal(0))),
            ],
        ),
    )
    school_chart = stacked_bars(
        id="chart-schools",
        title=_("Godkendt og forbrugt pr. udviklingsskole"),
        bars=[
            BarInput(
                label=str(row["school"]),
                values={"spent": row["spent"], "unspent": row["approved"] - row["spent"]},
                total_text=_("%(amount)s godkendt") % {"amount": short_kr(row["approved"])},
                empty_text=_("Ingen godkendte investeringer"),
            )
            for row in shown
        ],
        series=MONEY_SERIES[:2],
        table=school_table,
        value_text=short_kr,
        desc_text=kr_text,
        desc_intro=_("Godkendte investeringer pr. udviklingsskole og hvor meget, der er forbrugt."),
    )
    share = approved / granted * 100 if granted else None
    return {
        **summary,
        "unspent": approved - spent,
        "approved_share": share,
        "pool_chart": pool_chart,
        "school_chart": school_chart,
        "schools_not_shown": len(schools) - len(shown),
    }


def _recommendation_section(recommendations: list, scope: Scope) -> dict:
    uncarried = [r for r in recommendations if not r.n_initiatives]
    shown = [r for r in recommendations if r.n_carrying or not r.n_initiatives]
    for recommendation in recommendations:
        recommendation.more_carrying = recommendation.n_carrying - len(recommendation.carrying)
    themes: list[dict] = []
    for recommendation in shown:
        if not themes or themes[-1]["theme"].pk != recommendation.theme_id:
            themes.append({"theme": recommendation.theme, "recommendations": []})
        themes[-1]["recommendations"].append(recommendation)
    return {
        "themes": themes,
        "total": len(recommendations),
        "carried": len(recommendations) - len(uncarried),
        "uncarried": uncarried,
        "outside_scope": len(recommendations) - len(shown) if scope.is_filtered else 0,
    }


def build_dashboard(*, plan: Plan, scope: Scope, today: dt.date) -> dict:
    """Everything the dashboard shows, for one scope (filters) on one day."""
    since = selectors.changes_since(today=today)
    spor_list = selectors.spor_status(plan=plan, scope=scope)
    changes, change_counts = selectors.status_changes(plan=plan, scope=scope, since=since)
    counts = selectors.milestone_quarters(plan=plan, scope=scope, today=today)
    overdue = selectors.overdue_milestones(plan=plan, scope=scope, today=today)
    recommendations = selectors.recommendation_coverage(plan=plan, scope=scope)
    spor = _spor_section(spor_list, changes, change_counts)
    milestones = _milestone_section(plan=plan, counts=counts, overdue=overdue, today=today)
    investments = investment_section(pool_summary(plan=plan), plan)
    in_progress = sum(s.state_counts[WorkState.I_GANG] for s in spor_list)
    key_figures = {
        "initiatives": sum(s.n_total for s in spor_list),
        "in_progress": in_progress,
        "finished": sum(s.state_counts[WorkState.AFSLUTTET] for s in spor_list),
        "progress": _progress(
            sum(s.progress_sum or 0 for s in spor_list), sum(s.n_counted for s in spor_list)
        ),
        "changes": sum(change_counts.values()),
        "milestones": sum(milestones["totals"].values()),
        "overdue": milestones["totals"]["overdue"],
    }
    return {
        "today": today,
        "since": since,
        "since_text": danish_date(since),
        "scope": scope,
        "key_figures": key_figures,
        "spor": spor,
        "milestones": milestones,
        "investments": investments,
        "recommendations": _recommendation_section(recommendations, scope),
        # Milestones moved to another quarter this quarter (plan-wide), with a link to them.
        "replanned": tracks_selectors.replanned_summary(plan=plan, today=today),
    }


# What the dashboard's sections are built from: the plan's content, the pool, the reports
# issued (changes are counted from the last one) and the core.
DASHBOARD_FAMILIES = (Family.PLAN, Family.INVESTMENTS, Family.REPORTS, Family.CORE)


def cached_dashboard(*, plan: Plan, scope: Scope, today: dt.date) -> dict:
    """`build_dashboard`, from the cache until a write changes what it is built from."""
    return cached(
        name="dashboard",
        families=DASHBOARD_FAMILIES,
        build=lambda: build_dashboard(plan=plan, scope=scope, today=today),
        plan=plan.pk,
        spor=scope.spor.pk if scope.spor else "",
        area=scope.area.pk if scope.area else "",
        today=today.isoformat(),
    )
