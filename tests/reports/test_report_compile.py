"""Compiling a report: the snapshot, the PDF rendered from it, and that neither ever changes."""

import datetime as dt
import hashlib
import re
import socket
from pathlib import Path

import pytest
import time_machine
from django.contrib.staticfiles import finders

from reports.archive.compiler import report_compile
from reports.archive.pdf import PDF_VARIANT, StaticFilesOnlyFetcher, html_to_pdf
from reports.archive.services import report_request
from reports.dashboard.selectors import changes_since
from reports.models import Report, ReportKind, ReportState
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
from tracks.models import Initiative, Spor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def compiled(kind=ReportKind.MAANEDSRAPPORT, period="2026-11", by=None, when=None):
    """Request and compile a report (the task's work, done here directly), at `when`."""
    with time_machine.travel(when or at(2026, 11, 24), tick=False):
        report = report_request(kind=kind, period=period, by=by)
        return report_compile(report=report)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_it_stores_the_snapshot_the_pdf_and_its_checksum(small_plan, chef):
    report = compiled(by=chef)

    content = stored_pdf(report)
    assert report.state == ReportState.FAERDIG
    assert report.sha256 == hashlib.sha256(content).hexdigest()
    assert report.pdf_size == len(content)
    assert report.page_count == len(pdf_reader(content).pages)
    assert report.pdf.name == "rapporter/2026/maanedsrapport-2026-11.pdf"
    assert report.finished_at is not None and report.attempts == 1
    snapshot = report.snapshot
    assert snapshot["as_of"] == "2026-11-24"
    assert snapshot["report"]["period_label"] == "november 2026"
    assert snapshot["report"]["requested_by"] == chef.get_full_name()
    assert [s["title"] for s in snapshot["spor"]] == [
        "Det gode dagtilbud for alle børn",
        "Det gode skoletilbud",
    ]
    first = snapshot["spor"][0]["initiatives"][0]
    assert first["title"] == "Fælles kompetenceforløb"
    assert (first["state_label"], first["progress"]) == ("I gang", 40)
    assert first["milestones"] == {"total": 2, "done": 1, "overdue": 0}
    verdict = snapshot["verdict"]
    assert [m["title"] for m in verdict["overdue"]["items"]] == ["Beslutning om lederforløb"]
    assert [i["title"] for i in verdict["yellow"]["items"]] == ["Særskilt forløb for dagplejen"]
    assert verdict["red"]["count"] == 0 and not verdict["on_track"]
    assert "<svg" in snapshot["pool"]["chart"]["svg"]


def test_a_finished_report_never_changes_when_the_plan_does(small_plan, chef):
    report = compiled(by=chef)
    snapshot, content, checksum = report.snapshot, stored_pdf(report), report.sha256
    a = small_plan["initiatives"]["a"]

    set_status(a, chef, "afsluttet", "groen", 100)
    Initiative.objects.filter(pk=a.pk).update(title="Et helt nyt navn")
    Spor.objects.filter(pk=small_plan["spor"][0].pk).update(title="Omdøbt spor")
    complete(small_plan["milestones"]["m3"], chef, dt.date(2026, 11, 20))
    again = compiled(by=chef)  # the same period: the existing report, compiled again?

    report.refresh_from_db()
    assert again.pk == report.pk
    assert report.snapshot == snapshot
    assert stored_pdf(report) == content
    assert report.sha256 == checksum
    assert report.attempts == 1
    assert "Fælles kompetenceforløb" in flat(pdf_text(content))
    assert "Et helt nyt navn" not in flat(pdf_text(content))


def test_a_new_version_shows_the_plan_as_it_is_now_and_keeps_the_old_one(small_plan, chef):
    first = compiled(by=chef)
    Initiative.objects.filter(pk=small_plan["initiatives"]["a"].pk).update(title="Nyt navn")

    with time_machine.travel(at(2026, 11, 25), tick=False):
        second = report_request(
            kind=ReportKind.MAANEDSRAPPORT, period="2026-11", by=chef, new_version=True
        )
        second = report_compile(report=second)

    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert "Nyt navn" not in flat(pdf_text(stored_pdf(first)))
    assert "Nyt navn" in flat(pdf_text(stored_pdf(second)))
    assert second.filename == "maanedsrapport-2026-11-v2.pdf"
    assert Report.objects.count() == 2


def test_the_pdf_names_all_five_spor_and_every_initiative(vejle_plan):
    report = compiled()

    text = flat(pdf_text(stored_pdf(report)))
    spor = list(Spor.objects.filter(plan=vejle_plan).order_by("number"))
    assert len(spor) == 5
    for s in spor:
        assert f"Spor {s.number}: {flat(s.title)}" in text
    titles = list(Initiative.objects.filter(plan=vejle_plan).values_list("title", flat=True))
    assert len(titles) == 31
    missing = [t for t in titles if flat(t) not in text]
    assert not missing


def test_the_pdf_is_tagged_danish_a4_with_its_title_contents_and_page_numbers(small_plan):
    report = compiled()

    reader = pdf_reader(stored_pdf(report))
    root = reader.trailer["/Root"]
    assert PDF_VARIANT == "pdf/ua-1"
    assert root["/Lang"] == "da"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()
    assert reader.metadata.title == (
        "Månedsrapport, november 2026 – Flere børn og unge sammen – i lokale fællesskaber"
    )
    assert reader.metadata.author == "Børn & Unge, Testkommune"
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    pages = [flat(page.extract_text()) for page in reader.pages]
    total = len(pages)
    assert "Børn & Unge, Testkommune" in pages[0]
    assert "November 2026" in pages[0]
    assert "Status for omstillingsplanen pr. 24. november 2026" in pages[0]
    assert "Side 1 af" not in pages[0]  # the title page carries no number
    for number, page in enumerate(pages[1:], start=2):
        assert f"Side {number} af {total}" in page
    # Contents on the cover, with the page each part starts on
    assert "Indhold" in pages[0]
    appendix = next(i for i, p in enumerate(pages, start=1) if "Bilag A: Tiltag pr. spor" in p)
    assert re.search(r"Resumé: er planen på sporet\?[ .]+2\b", pages[0])
    assert re.search(rf"Bilag: tiltag pr\. spor[^.]*[ .]+{appendix}\b", pages[0])
    assert "Ændringer siden sidste rapport" in pages[0]  # the monthly report has them too


def test_the_pool_is_the_dashboards_own_chart_with_a_description_as_its_title(small_plan):
    report = compiled()

    svg = report.snapshot["pool"]["chart"]["svg"]
    title = re.search(r'<title id="chart-pool-title">(.*?)</title>', svg).group(1)
    assert title.startswith("Puljen på") and "Bevilget" in title and "godkendt" in title
    assert "Puljen: bevilget, godkendt, forbrugt og fri" in flat(pdf_text(stored_pdf(report)))


def test_what_people_typed_is_printed_as_text_and_fetched_from_nowhere(
    small_plan, chef, monkeypatch
):
    attempts = []

    def no_network(*args, **kwargs):
        attempts.append(args)
        raise AssertionError("the report renderer tried to open a connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    set_status(
        small_plan["initiatives"]["a"],
        chef,
        "i_gang",
        "gul",
        45,
        narrative='Se <img src="https://example.invalid/spor.png"> og <b>fed</b>.',
    )

    report = compiled()

    assert attempts == []
    assert 'Se <img src="https://example.invalid/spor.png"> og <b>fed</b>.' in flat(
        pdf_text(stored_pdf(report))
    )


def test_the_fetcher_serves_our_static_files_and_refuses_every_other_url(monkeypatch):
    attempts = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: attempts.append(a))
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: attempts.append(a))
    fetcher = StaticFilesOnlyFetcher()
    html = (
        '<html lang="da"><head><meta charset="utf-8"><title>Prøve</title>'
        '<link rel="stylesheet" href="/static/reports/pdf.css">'
        '<link rel="stylesheet" href="http://example.invalid/evil.css"></head><body>'
        '<p>Tekst</p><img src="https://example.invalid/x.png" alt="x">'
        '<img src="file:///etc/passwd" alt="y"><img src="/static/../settings.py" alt="z">'
        "</body></html>"
    )

    rendered = html_to_pdf(html, fetcher=fetcher)

    assert attempts == []
    assert rendered.pages == 1
    assert "http://example.invalid/evil.css" in fetcher.refused
    assert "https://example.invalid/x.png" in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused
    if finders.find("vendor/dkfds/fonts/IBMPlexSans/complete/ttf/IBMPlexSans-Regular.ttf"):
        # the style sheet came from disk, and with it the font it names
        fonts = pdf_reader(rendered.content).pages[0]["/Resources"]["/Font"]
        names = [str(font.get_object()["/BaseFont"]) for font in fonts.values()]
        assert any("IBM-Plex-Sans" in name for name in names), names


def test_the_quarterly_report_lists_what_changed_since_the_previous_one(small_plan, chef):
    i, m = small_plan["initiatives"], small_plan["milestones"]
    first = compiled(ReportKind.KVARTALSRAPPORT, "2026-K3", when=at(2026, 10, 1, 6))
    assert first.snapshot["changes"] is None
    assert "Dette er den første kvartalsrapport" in flat(pdf_text(stored_pdf(first)))

    set_status(i["a"], chef, "afsluttet", "groen", 100, when=at(2026, 11, 2))
    set_status(i["b"], chef, "i_gang", "roed", 20, when=at(2026, 11, 3))
    set_status(i["c"], chef, "i_gang", "groen", 10, when=at(2026, 11, 4))
    complete(m["m4"], chef, dt.date(2026, 11, 5))
    second = compiled(ReportKind.KVARTALSRAPPORT, "2026-K4", when=at(2027, 1, 4, 6))

    changes = second.snapshot["changes"]
    assert second.snapshot["previous"]["period_label"] == "3. kvartal 2026"
    changed = changes["status_changed"]["items"]
    assert [(c["title"], c["from_state"], c["to_state"]) for c in changed] == [
        ("Fælles kompetenceforløb", "I gang", "Afsluttet"),
        ("Særskilt forløb for dagplejen", "I gang", "I gang"),
        ("Lederudvikling", "", "I gang"),
    ]
    assert changed[1]["to_health"] == "Rød – bagud"
    assert [c["title"] for c in changes["completed"]["items"]] == ["Fælles kompetenceforløb"]
    reached = changes["milestones_reached"]["items"]
    assert [c["title"] for c in reached] == ["Beslutning om lederforløb"]
    # Bearbejdning was due 31 December 2026: planned on 1 October, overdue on 4 January.
    assert [c["title"] for c in changes["newly_overdue"]["items"]] == ["Bearbejdning"]
    assert changes["status_changed"]["count"] == 3
    text = flat(pdf_text(stored_pdf(second)))
    assert "Ændringer siden sidste rapport" in text
    assert (
        "Sammenlignet med kvartalsrapporten for 3. kvartal 2026 (status pr. 1. oktober 2026)"
        in text
    )
    assert "1 tiltag er afsluttet" in text
    # The dashboard counts status changes from the day of that last BFU report.
    assert changes_since(today=dt.date(2027, 2, 1)) == dt.date(2027, 1, 4)


def test_a_report_that_was_being_compiled_when_its_worker_died_is_compiled_again(small_plan):
    with time_machine.travel(at(2026, 11, 24), tick=False):
        report = report_request(kind=ReportKind.MAANEDSRAPPORT, period="2026-11")
    Report.objects.filter(pk=report.pk).update(state=ReportState.UDARBEJDES, attempts=1)

    report = report_compile(report=report)

    assert report.state == ReportState.FAERDIG
    assert report.attempts == 2


def test_when_two_runs_overlap_the_first_to_finish_is_kept(small_plan, monkeypatch):
    from reports.archive import compiler

    with time_machine.travel(at(2026, 11, 24), tick=False):
        report = report_request(kind=ReportKind.MAANEDSRAPPORT, period="2026-11")
    real_render = compiler.render_report
    inner = {}

    def render_while_another_run_finishes(snapshot):
        if not inner:  # the other run starts and finishes while this one renders
            inner["report"] = Report.objects.get(pk=report.pk)
            Report.objects.filter(pk=report.pk).update(state=ReportState.I_KOE)
            inner["done"] = report_compile(report=inner["report"])
        return real_render(snapshot)

    monkeypatch.setattr(compiler, "render_report", render_while_another_run_finishes)

    report_compile(report=report)

    report.refresh_from_db()
    assert report.sha256 == inner["done"].sha256
    assert report.pdf.name == inner["done"].pdf.name
    stored = [path.name for path in Path(report.pdf.path).parent.iterdir()]
    assert stored == [Path(report.pdf.name).name]


def test_the_report_lists_the_milestones_moved_to_another_quarter(small_plan, chef):
    from tracks.services import milestone_replan

    bearbejdning = small_plan["milestones"]["m3"]
    Initiative.objects.filter(pk=bearbejdning.initiative_id).update(end_quarter=None)
    bearbejdning.refresh_from_db()
    with time_machine.travel(at(2026, 11, 10), tick=False):
        milestone_replan(
            milestone=bearbejdning,
            by=chef,
            to_quarter=dt.date(2027, 1, 1),
            reason="Arbejdsgruppen er først nedsat i december",
            expected_version=0,
        )
    report = compiled(ReportKind.KVARTALSRAPPORT, "2026-K4", when=at(2027, 1, 4, 6))

    moved = report.snapshot["moved"]
    assert moved["count"] == 1
    assert moved["items"][0]["moved"] == (
        "flyttet fra 4. kvartal 2026 til 1. kvartal 2027: Arbejdsgruppen er først nedsat i december"
    )
    text = flat(pdf_text(stored_pdf(report)))
    assert "Flyttede milepæle" in text
    assert "flyttet fra 4. kvartal 2026 til 1. kvartal 2027" in text
