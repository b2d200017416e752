"""No figure about children that rests on fewer than 5 reaches BFU: not on the Nøgletal page,
not in its export, not on the dashboard, not in a report's snapshot nor in the PDF made from it.

First the issue's reproduction (issue 10, part 8): the median days from bekymring to the
external support system, with 1–4 forløb that got there. Then a walk over every statistic BFU
sees, on data with 1–4 of everything.
"""

import csv
import datetime as dt
import io
import json
import re
import statistics
from dataclasses import fields, is_dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test.html import parse_html
from django.urls import reverse

from omstilling.models import Institution
from reports.archive.pdf import report_html
from reports.archive.snapshot import build_snapshot
from reports.charts import PeriodChart
from reports.disclosure import HIDDEN_TEXT, MISSING_TEXT, SMALL_TEXT, Cell, Statistic
from reports.kpis.page import kpi_page
from reports.models import Report, ReportKind
from supportsystem.models import ConcernType, Stage
from supportsystem.services import forloeb_move, forloeb_open
from tests.factories import (
    InstitutionFactory,
    PreReferralFactory,
    ReferralFactory,
    SpecialOfferCountFactory,
)
from visitation.models import DecisionKind, Level, PreReferralOutcome, SpecialOfferType

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Europe/Copenhagen"))
# Days from bekymring to the first step with the external support system, one per forløb.
# Numbers that stand nowhere else on the pages, so finding one means it leaked.
DAYS = [173, 211, 389, 457, 503]
MEDIAN_TABLE = "Dage fra bekymring til første skridt med det eksterne støttesystem"
HIDDEN = {SMALL_TEXT, HIDDEN_TEXT, MISSING_TEXT}


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def external(db):
    """Forløbscirklen cut down to what the median needs: the first stage and an external one."""
    Stage.objects.create(slug="bekymring", name="Bekymring", order=0)
    return Stage.objects.create(
        slug="samarbejde-med-eksternt-stoettesystem",
        name="Samarbejde med eksternt støttesystem",
        order=1,
        external=True,
    )


def reach_external_support(days, *, school, by, external):
    """One forløb per number in `days`, that many days from bekymring to the external step."""
    for n, count in enumerate(days):
        opened = dt.date(2025, 1, 6) + dt.timedelta(days=n)
        forloeb = forloeb_open(
            institution=school,
            by=by,
            concern_type=ConcernType.FAELLESSKAB,
            opened_on=opened,
            label=f"{n + 1}.a",
        )
        forloeb_move(
            forloeb=forloeb, by=by, to_stage=external, on=opened + dt.timedelta(days=count)
        )


# --- reading what BFU gets ---------------------------------------------------------------------


def _elements(node, name, cls=None):
    """Every element `name` (with the class `cls`) under `node`, in document order."""
    for child in getattr(node, "children", []):
        if isinstance(child, str):
            continue
        classes = dict(child.attributes).get("class") or ""
        if child.name == name and (cls is None or cls in classes.split()):
            yield child
        yield from _elements(child, name, cls)


def _text(node) -> str:
    if isinstance(node, str):
        return node
    return " ".join(_text(child) for child in node.children).strip()


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _export(client) -> list[list[str]]:
    response = client.get(reverse("kpis:export", args=["csv"]))
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def _snapshot(plan) -> dict:
    """A report's snapshot as it is stored (plain JSON), compiled now."""
    report = Report(
        kind=ReportKind.MAANEDSRAPPORT,
        period="2026-11",
        period_label="november 2026",
        period_start=dt.date(2026, 11, 1),
    )
    return json.loads(json.dumps(build_snapshot(report=report, plan=plan, now=NOW)))


def _pdf_kpis(snapshot) -> object:
    """The KPIs in detail in the PDF's HTML (the appendix), rendered from the snapshot."""
    html = parse_html(report_html(snapshot))
    return next(d for d in _elements(html, "div") if ("id", "bilag-noegletal") in d.attributes)


def _numbers(text: str) -> set[int]:
    """Whole numbers standing on their own in a text (Danish grouping dots allowed)."""
    return {
        int(match.replace(".", ""))
        for match in re.findall(r"(?<![\d,.])\d+(?:\.\d{3})*(?![\d,])", text)
    }


# --- the reproduction ------------------------------------------------------------------


@pytest.mark.parametrize("reached", [1, 2, 3, 4])
def test_the_median_of_fewer_than_5_forloeb_is_shown_nowhere(
    client, bfu, plan, school, support, external, reached
):
    days = DAYS[:reached]
    reach_external_support(days, school=school, by=support, external=external)
    # What the issue found on the page: one forløb's days (1 or 3 forløb), or two's average.
    leaks = {*days, int(statistics.median(days))}
    client.force_login(bfu)

    kpis = _page(client, reverse("kpis:overview"))
    dashboard = _page(client, reverse("reports:dashboard"))
    export = _export(client)
    snapshot = _snapshot(plan)
    pdf = _pdf_kpis(snapshot)

    page = parse_html(kpis)
    table = next(t for t in _elements(page, "table") if MEDIAN_TABLE in _text(t))
    assert [_text(td) for td in _elements(table, "td")] == [SMALL_TEXT, HIDDEN_TEXT]
    assert "færre end 5 forløb" in _text(page)
    median = [row for row in export if row[1] == MEDIAN_TABLE]
    assert [(row[3], row[4], row[5]) for row in median] == [
        ("Antal forløb", SMALL_TEXT, "antal"),
        ("Median, dage", HIDDEN_TEXT, "median"),
    ]
    section = next(s for s in snapshot["kpis"]["sections"] if s["slug"] == "forloeb")
    stored = next(t for t in section["tables"] if t["caption"] == MEDIAN_TABLE)
    assert [c["text"] for c in stored["rows"][0]["cells"]] == [SMALL_TEXT, HIDDEN_TEXT]
    assert any("færre end 5 forløb" in note for note in section["notes"])
    assert "færre end 5 forløb" in _text(pdf)
    for where, text in [
        ("Nøgletal", _text(page)),
        ("overblik", _text(parse_html(dashboard))),
        ("eksport", json.dumps(export, ensure_ascii=False)),
        ("øjebliksbillede", json.dumps(snapshot["kpis"], ensure_ascii=False)),
        ("PDF", _text(pdf)),
    ]:
        assert not _numbers(text) & leaks, where


def test_the_median_of_5_forloeb_is_shown_everywhere_the_kpis_are(
    client, bfu, plan, school, support, external
):
    reach_external_support(DAYS, school=school, by=support, external=external)
    client.force_login(bfu)

    page = parse_html(_page(client, reverse("kpis:overview")))
    export = _export(client)
    snapshot = _snapshot(plan)
    pdf = _pdf_kpis(snapshot)

    # 173, 211, 389, 457, 503: the middle one.
    table = next(t for t in _elements(page, "table") if MEDIAN_TABLE in _text(t))
    assert [_text(td) for td in _elements(table, "td")] == ["5", "389"]
    assert "færre end 5 forløb" not in _text(page)
    median = [row for row in export if row[1] == MEDIAN_TABLE]
    assert [(row[3], row[4], row[5]) for row in median] == [
        ("Antal forløb", "5", "antal"),
        ("Median, dage", "389", "median"),
    ]
    section = next(s for s in snapshot["kpis"]["sections"] if s["slug"] == "forloeb")
    stored = next(t for t in section["tables"] if t["caption"] == MEDIAN_TABLE)
    assert [c["text"] for c in stored["rows"][0]["cells"]] == ["5", "389"]
    printed = next(t for t in _elements(pdf, "table") if MEDIAN_TABLE in _text(t))
    assert [_text(td) for td in _elements(printed, "td")] == ["5", "389"]


def test_the_median_of_5_forloeb_with_the_same_days_is_not_shown(
    client, bfu, school, support, external
):
    """Then the median would be every one of them: each forløb's own number of days."""
    reach_external_support([211] * 5, school=school, by=support, external=external)
    client.force_login(bfu)

    page = parse_html(_page(client, reverse("kpis:overview")))

    table = next(t for t in _elements(page, "table") if MEDIAN_TABLE in _text(t))
    assert [_text(td) for td in _elements(table, "td")] == ["5", HIDDEN_TEXT]
    assert 211 not in _numbers(_text(page))
    assert "alle forløb, der er nået så langt, har samme antal dage" in _text(page)


# --- every statistic BFU sees, with 1–4 of everything ------------------------------------------


@pytest.fixture
def small_everything(school, other_school, support, external):
    """1–4 of every kind of row a KPI is made of; shares and the median rest on fewer than 5
    (or leave a rest of fewer than 5), so no share, no median and no count of 1–4 may show."""
    daycare = InstitutionFactory(name="Børnehave A (demo)", kind=Institution.Kind.DAGTILBUD)
    for quarter in (dt.date(2026, 4, 1), dt.date(2026, 7, 1)):
        SpecialOfferCountFactory(
            institution=school, quarter=quarter, children_in_special_offers=3, district_pupils=4
        )
        SpecialOfferCountFactory(
            institution=other_school,
            quarter=quarter,
            children_in_special_offers=2,
            district_pupils=3,
        )
        SpecialOfferCountFactory(
            institution=daycare,
            quarter=quarter,
            level=Level.DAGTILBUD,
            children_in_special_offers=1,
        )
    # K3 2026: 2 referrals after a før-henvisning, 1 without; 3 children stayed, 1 was referred.
    for n, preceded in enumerate([True, True, False]):
        ReferralFactory(
            institution=school,
            received_on=dt.date(2026, 8, 3 + n),
            preceded_by_pre_referral=preceded,
        )
    for n, outcome in enumerate([PreReferralOutcome.STAYED] * 3 + [PreReferralOutcome.REFERRED]):
        PreReferralFactory(
            institution=school,
            held_on=dt.date(2026, 7, 6 + n),
            outcome=outcome,
            outcome_on=dt.date(2026, 9, 1),
        )
    # School year 2025/26: 2 children straight from kindergarten to a special offer.
    for n in range(2):
        ReferralFactory(
            institution=daycare,
            received_on=dt.date(2026, 2, 2),
            decided_on=dt.date(2026, 3, 2 + n),
            decision=DecisionKind.SPECIAL_OFFER,
            special_offer_type=SpecialOfferType.SPECIALSKOLE,
            school_start_direct=True,
        )
    # 3 forløb reached the external support system (and are open there); 1 is at bekymring.
    reach_external_support(DAYS[:3], school=school, by=support, external=external)
    forloeb_open(
        institution=school,
        by=support,
        concern_type=ConcernType.BARN,
        opened_on=dt.date(2026, 10, 1),
        case_number="K-4711",
    )


def _walk(value):
    """Every Cell, string and chart in the Nøgletal page's content, however deep."""
    if isinstance(value, Cell | str | PeriodChart):
        yield value
    elif is_dataclass(value):
        for f in fields(value):
            yield from _walk(getattr(value, f.name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _walk(item)


def _figure(text: str, where: str) -> str:
    """A figure's text as BFU gets it: hidden ("<5", "x", "–") or a count of 0 or at least 5.
    A percentage, or anything else, fails: with these data none may be shown."""
    if text in HIDDEN:
        return text
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*", text), (where, text)
    number = int(text.replace(".", ""))
    assert number == 0 or number >= 5, (where, text)
    return "shown"


def test_no_figure_resting_on_fewer_than_5_reaches_bfu(client, bfu, plan, small_everything):
    page = kpi_page(today=NOW.date())
    content = list(_walk(page))
    cells = [c for c in content if isinstance(c, Cell)]
    for cell in cells:
        if cell.statistic == Statistic.COUNT:
            assert cell.value is None or cell.value == 0 or cell.value >= 5, cell
            _figure(cell.text, "Nøgletal (celle)")
        else:  # shares and the median: all rest on fewer than 5 here
            assert cell.value is None and cell.text in HIDDEN, cell
    # The page says it holds them: "<5" for the 1–4 it was given, and the median hidden.
    assert sum(c.text == SMALL_TEXT for c in cells) >= 15
    assert any(c.statistic == Statistic.MEDIAN and c.text == HIDDEN_TEXT for c in cells)
    for chart in (c for c in content if isinstance(c, PeriodChart)):
        for column in chart.columns:
            if column.height:
                assert _figure(column.text, chart.id) == "shown"
        for line in chart.lines:
            for marker in line.markers:
                _figure(marker.title.rsplit(": ", 1)[1], chart.id)
    for text in (c for c in content if isinstance(c, str)):
        # Labels and notes: quarters, school years and "færre end 5", never a figure.
        assert not _numbers(text) & set(DAYS), text

    client.force_login(bfu)
    html = parse_html(_page(client, reverse("kpis:overview")))
    tables = list(_elements(html, "table", "kpi-table"))
    texts = [_text(td) for table in tables for td in _elements(table, "td")]
    texts += [_text(p) for p in _elements(html, "p", "h2")]  # the headline cards
    assert [_figure(text, "Nøgletal (side)") for text in texts].count(SMALL_TEXT) >= 15
    assert not _numbers(_text(html)) & set(DAYS)

    dashboard = parse_html(_page(client, reverse("reports:dashboard")))
    # The first screen's KPI table (reports/verdict.py): each figure in its "numeric" cell.
    headlines = [
        _text(td)
        for table in _elements(dashboard, "table", "kpi-verdicts")
        for td in _elements(table, "td", "numeric")
    ]
    assert headlines == [h.cell.text for h in page.headlines] and len(headlines) == 3
    assert SMALL_TEXT in [_figure(text, "overblik") for text in headlines]

    rows = _export(client)[1:]
    # Every table cell is exported; a headline's figure and the one before it are in the tables.
    in_headlines = sum(1 + (h.previous is not None) for h in page.headlines)
    assert len(rows) == len(cells) - in_headlines
    assert [_figure(row[4], f"eksport: {row[1]}, {row[2]}, {row[3]}") for row in rows].count(
        SMALL_TEXT
    ) >= 15

    snapshot = _snapshot(plan)
    stored = [h["cell"]["text"] for h in snapshot["kpis"]["headlines"]]
    stored += [
        cell["text"]
        for section in snapshot["kpis"]["sections"]
        for table in section["tables"]
        for row in table["rows"] + table["footer"]
        for cell in row["cells"]
    ]
    assert [_figure(text, "øjebliksbillede") for text in stored].count(SMALL_TEXT) >= 15
    for section in snapshot["kpis"]["sections"]:
        for note in section["notes"]:
            assert _numbers(note) <= {5}, note

    pdf = _pdf_kpis(snapshot)
    printed = [_text(td) for table in _elements(pdf, "table") for td in _elements(table, "td")]
    printed = [text for text in printed if text != "Der er ingen tal endnu."]
    # The headline table's period column holds quarter names; every other cell is a figure.
    periods = {h["period"] for h in snapshot["kpis"]["headlines"]}
    assert [_figure(t, "PDF") for t in printed if t not in periods].count(SMALL_TEXT) >= 15
    assert not _numbers(_text(pdf)) & set(DAYS)
