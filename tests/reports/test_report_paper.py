"""The report as a committee paper: a main part of at most 8 pages whatever the data size,
with the verdict on its summary page and the per-tiltag detail in the appendix, and a PDF
that the PDF/UA-1 checker (pdfua) finds no error or warning in."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from pdfua import validate

from decisions.services import decision_record
from investments.services import development_school_create, investment_create
from omstilling.bounds import NOTE_LENGTH, STATUS_LENGTH, TITLE_LENGTH
from reports.archive.compiler import report_compile
from reports.archive.pdf import html_to_pdf, report_html
from reports.archive.periods import parse_period
from reports.archive.services import report_request
from reports.archive.snapshot import build_snapshot
from reports.models import Report, ReportKind, ReportState
from tests.factories import (
    InitiativeFactory,
    InstitutionFactory,
    KpiTargetFactory,
    MilestoneFactory,
    RecommendationFactory,
    RecommendationThemeFactory,
    SpecialOfferCountFactory,
)
from tests.reports.report_support import (  # noqa: F401 - fixtures
    at,
    complete,
    media_root_fixture,
    pdf_reader,
    pdf_text,
    set_status,
    small_plan_fixture,
    stored_pdf,
    vejle_plan_fixture,
)
from tracks.services import initiative_update_status
from visitation.models import KpiIndicator, Level

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

NOW = at(2026, 11, 24)
LONG = "Lang tekst om status og udfordringer. " * 60


def _title(n: int, what: str) -> str:
    return f"{what} {n}: " + "meget langt navn " * ((TITLE_LENGTH - 40) // 17)


def _status(initiative, by, health: str) -> None:
    with time_machine.travel(at(2026, 11, 2), tick=False):
        initiative.refresh_from_db()
        initiative_update_status(
            initiative=initiative,
            by=by,
            state="i_gang",
            health=health,
            progress=20,
            narrative=LONG[:STATUS_LENGTH],
            next_steps=LONG[:NOTE_LENGTH],
            expected_version=initiative.version,
        )


@pytest.fixture
def everything_full(plan, spor, chef):
    """More of everything the main part lists than it shows, with the longest texts allowed:
    red and yellow tiltag with long notes, overdue and newly overdue milestones, milestones
    reached since the previous report, investments waiting for the committee, recommendations
    no tiltag carries, and KPI figures over three years."""
    plan.funding_amount = Decimal("50000000")
    plan.save(update_fields=["funding_amount"])
    previous_as_of = dt.date(2026, 8, 1)
    for n in range(12):
        for health in ("roed", "gul"):
            initiative = InitiativeFactory(plan=plan, spor=spor, title=_title(n, health))
            _status(initiative, chef, health)
            MilestoneFactory(
                initiative=initiative,
                title=_title(n, "Gammel milepæl"),
                planned_quarter=dt.date(2025, 1, 1),
            )
            MilestoneFactory(
                initiative=initiative,
                title=_title(n, "Ny forsinket milepæl"),
                planned_quarter=dt.date(2026, 7, 1),
                planned_date=dt.date(2026, 9, 1),
            )
            reached = MilestoneFactory(
                initiative=initiative,
                title=_title(n, "Nået milepæl"),
                planned_quarter=dt.date(2026, 10, 1),
            )
            complete(reached, chef, dt.date(2026, 10, 5))
    InitiativeFactory.create_batch(15, plan=plan, spor=spor)  # no owner, no status
    school = development_school_create(plan=plan, school=InstitutionFactory(), by=chef)
    for n in range(12):
        investment_create(
            plan=plan,
            development_school=school,
            by=chef,
            title=_title(n, "Investering"),
            amount=Decimal(100_000),
        )
    theme = RecommendationThemeFactory(plan=plan, number=1)
    for n in range(1, 13):
        RecommendationFactory(theme=theme, number=n, text=LONG[:STATUS_LENGTH])
    # The committee's decisions of both periods, more than the report lists, the longest texts.
    with time_machine.travel(NOW, tick=False):
        for n, day in enumerate(
            [dt.date(2026, 8, 5 + i) for i in range(6)]
            + [dt.date(2026, 11, 2 + i) for i in range(6)]
        ):
            decision_record(
                plan=plan, by=chef, body="udvalg", meeting_date=day, case_number=f"sag {n}",
                title=_title(n, "Beslutning")[:TITLE_LENGTH], text=LONG[:STATUS_LENGTH],
                initiatives=list(plan.initiatives.all()[:3]),
            )  # fmt: skip
    for year in (2024, 2025, 2026):
        for month in (1, 4, 7, 10):
            quarter = dt.date(year, month, 1)
            SpecialOfferCountFactory(
                institution=InstitutionFactory(),
                quarter=quarter,
                level=Level.SKOLE,
                children_in_special_offers=60 - year % 10 - month // 3,
            )
            KpiTargetFactory(
                indicator=KpiIndicator.SPECIAL_TOTAL, quarter=quarter, target=Decimal(50)
            )
    for kind, period in (
        (ReportKind.KVARTALSRAPPORT, "2026-K2"),
        (ReportKind.MAANEDSRAPPORT, "2026-07"),
    ):
        spec = parse_period(kind, period)
        Report.objects.create(
            kind=spec.kind,
            period=spec.code,
            period_label=spec.label,
            period_start=spec.first_day,
            state=ReportState.FAERDIG,
            snapshot={"as_of": previous_as_of.isoformat(), "spor": []},
            sha256="0" * 64,
            pdf=f"rapporter/2026/tidligere-{period}.pdf",
        )
    return plan


def _report(kind: str, period: str) -> Report:
    spec = parse_period(kind, period)
    return Report(
        kind=spec.kind, period=spec.code, period_label=spec.label, period_start=spec.first_day
    )


def _findings(content: bytes) -> list[str]:
    report = validate(io.BytesIO(content))
    return [
        f"{f.rule_id} {f.severity.name} p. {f.location.page}: {f.message}" for f in report.findings
    ]


@pytest.mark.parametrize(
    ("kind", "period"),
    [(ReportKind.KVARTALSRAPPORT, "2026-K3"), (ReportKind.MAANEDSRAPPORT, "2026-11")],
)
def test_the_main_part_is_at_most_8_pages_whatever_the_data_size(everything_full, kind, period):
    snapshot = build_snapshot(report=_report(kind, period), plan=everything_full, now=NOW)

    rendered = html_to_pdf(report_html(snapshot))

    verdict = snapshot["verdict"]
    assert (verdict["red"]["count"], verdict["yellow"]["count"]) == (12, 12)
    assert verdict["overdue"]["count"] == 48 and len(verdict["overdue"]["items"]) == 10
    assert verdict["decisions"]["count"] == 12
    changes = snapshot["changes"]
    assert changes["milestones_reached"]["count"] == 24
    assert changes["newly_overdue"]["count"] == 24
    assert changes["status_changed"]["count"] == 24
    assert snapshot["decisions"]["count"] == 6 and len(snapshot["decisions"]["items"]) == 5
    assert rendered.main_pages <= 8, rendered.main_pages
    assert rendered.pages > rendered.main_pages  # the rest is the appendix
    # No template syntax reaches the paper (a `{# … #}` over two lines is printed as text).
    text = pdf_text(rendered.content)
    assert not [mark for mark in ("{#", "#}", "{%", "%}", "{{", "}}") if mark in text]
    assert _findings(rendered.content) == []  # PDF/UA-1, checked by pdfua


def test_the_summary_page_gives_the_verdict_first(small_plan):
    with time_machine.travel(NOW, tick=False):
        report = report_compile(
            report=report_request(kind=ReportKind.MAANEDSRAPPORT, period="2026-11")
        )

    summary = " ".join(pdf_text(stored_pdf(report)).split("Side 2 af")[0].split()[-400:])
    assert "Resumé: er planen på sporet?" in summary
    assert "✗ Planen er ikke på sporet: 1 forsinket milepæl." in summary
    assert "1 tiltag er gult (i risiko)." in summary
    assert "ingen investeringer venter på behandling" in summary


def test_the_vejle_report_passes_the_pdf_ua_checker(vejle_plan, chef):
    initiative = vejle_plan.initiatives.order_by("pk").first()
    set_status(initiative, chef, "i_gang", "roed", 10, when=at(2026, 11, 2))
    with time_machine.travel(NOW, tick=False):
        report = report_compile(
            report=report_request(kind=ReportKind.KVARTALSRAPPORT, period="2026-K3")
        )

    assert report.is_finished
    assert _findings(stored_pdf(report)) == []


def _pages_of(content: bytes, *needles: str) -> list[set[int]]:
    pages = [page.extract_text() for page in pdf_reader(content).pages]
    return [{n for n, text in enumerate(pages) if needle in text} for needle in needles]


def test_a_paragraph_that_introduces_a_table_stays_on_the_tables_page():
    """The sentence before the overdue table ("19 milepæle var forsinkede …") is kept with the
    table: with enough text before it, it would otherwise end a page and the table start the
    next (as it did in Vejle's report). Filler moves the paragraph down a line at a time until,
    without the rule, it is left behind at the foot of a page."""

    def rendered(lines: int, css_class: str) -> list[set[int]]:
        filler = "".join(f"<p>Linje {n}</p>" for n in range(lines))
        html = (
            '<!DOCTYPE html><html lang="da"><head><title>Test</title>'
            '<link rel="stylesheet" href="/static/reports/pdf.css"></head><body>'
            f'<section class="chapter flow">{filler}<p class="{css_class}">Indledningen.</p>'
            '<table class="data"><caption>Tabellen</caption><thead><tr><th scope="col">A</th>'
            "</tr></thead><tbody><tr><td>1</td></tr></tbody></table></section></body></html>"
        )
        return _pages_of(html_to_pdf(html).content, "Indledningen.", "Tabellen")

    apart = [n for n in range(28, 48) if (found := rendered(n, "")) and found[0] != found[1]]
    assert apart, "the filler never left the paragraph at the foot of a page"
    for lines in apart:
        introduction, table = rendered(lines, "keep-with-next")
        assert introduction == table, lines
    template = (settings.BASE_DIR / "reports/templates/reports/pdf/report.html").read_text()
    assert '<p class="keep-with-next">{% blocktranslate count counter=v.overdue.count' in template
