"""The report journeys in a real browser: chefgruppen issues the monthly report and downloads
the PDF when it is ready; a BFU member downloads the latest report and can issue none.

The compile runs as it does in production: with a broker configured (CI: Redis) a Celery
worker in a thread of this process takes the task from the queue; without one (`make test`
on the embedded default) the task runs in-process when the request's transaction commits.
"""

import re
import time

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from reports.models import Report, ReportKind, ReportState
from tests.browser.actions import open_menu_item
from tests.celery_worker import celery_worker_thread

# A monthly report of the Vejle plan compiles in a few seconds; the worker may be slower on a
# busy CI machine. The archive polls every 2 seconds.
READY_TIMEOUT_MS = 120_000


@pytest.fixture
def report_worker(portal, settings, tmp_path):
    """Report PDFs in a temporary MEDIA_ROOT, and a worker when there is a broker."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if not settings.CELERY_BROKER_URL:
        yield None
        return
    with celery_worker_thread() as worker:
        yield worker


def _wait_until_finished(report, timeout=READY_TIMEOUT_MS / 1000):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if not report.is_pending:
            assert report.state == ReportState.FAERDIG, report.failure_reason
            return
        time.sleep(0.25)
    raise AssertionError(f"{report} was not compiled within {timeout} s")


def _download(page, link):
    with page.expect_download() as info:
        link.click()
    download = info.value
    return download.suggested_filename, download.path()


def test_chefgruppe_issues_a_monthly_report_and_downloads_the_pdf(
    login, portal, report_worker, shot
):
    page = login("chefgruppe")
    open_menu_item(page, "Rapporter")
    expect(page).to_have_url(re.compile(r"/rapporter/$"))
    expect(page.locator("h1")).to_have_text("Rapporter")
    expect(page.locator("#archive-body")).to_contain_text("Der er endnu ingen rapporter.")
    shot(page, "archive")

    page.get_by_role("button", name="Udarbejd månedsrapport nu").click()
    # The answer: "… er sat i kø" (a worker takes it) or "… er udarbejdet" (in-process).
    notice = page.locator("#archive-body .alert").first
    expect(notice).to_contain_text("Månedsrapport", timeout=READY_TIMEOUT_MS)
    report = Report.objects.get(kind=ReportKind.MAANEDSRAPPORT)
    expect(notice).to_contain_text(str(report))
    row = page.locator(f"#report-{report.pk}")
    expect(row).to_be_visible()
    shot(page, "issued")

    # The row polls its own state; the link appears when the PDF is ready, with no reload.
    link = row.get_by_role("link", name=re.compile("^Hent PDF"))
    expect(link).to_be_visible(timeout=READY_TIMEOUT_MS)
    expect(row).to_contain_text("Færdig")
    expect(page.locator("#archive-body")).to_contain_text(
        "Der findes allerede en månedsrapport"
    )  # the issue button is gone: a second press would be a new version, on purpose
    shot(page, "ready")

    name, path = _download(page, link)
    report.refresh_from_db()
    assert report.state == ReportState.FAERDIG
    assert name == report.filename == f"maanedsrapport-{report.period}.pdf"
    content = path.read_bytes()
    assert content.startswith(b"%PDF-")
    pdf = PdfReader(path)
    assert len(pdf.pages) == report.page_count > 1
    assert "Flere børn og unge sammen" in pdf.pages[0].extract_text()
    assert report.requested_by.username == "chefgruppe"


def test_bfu_downloads_the_latest_report_and_cannot_issue_one(login, portal, report_worker, shot):
    from omstilling.models import User
    from reports.archive.services import report_request

    chef = User.objects.get(username="chefgruppe")
    first = report_request(kind=ReportKind.MAANEDSRAPPORT, period="2026-10", by=chef)
    _wait_until_finished(first)  # a new version is refused while one is being compiled
    latest = report_request(
        kind=ReportKind.MAANEDSRAPPORT, period="2026-10", by=chef, new_version=True
    )
    page = login("bfu")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    open_menu_item(page, "Rapporter")
    expect(page.locator("h1")).to_have_text("Rapporter")

    for report in (first, latest):
        expect(
            page.locator(f"#report-{report.pk}").get_by_role("link", name=re.compile("^Hent PDF"))
        ).to_be_visible(timeout=READY_TIMEOUT_MS)
    # Nothing to issue, no new version, no retry for a reader.
    buttons = page.locator("main").get_by_role("button")
    expect(buttons).to_have_count(1)  # "Vis rapporter" of the filter form
    expect(buttons).to_have_text("Vis rapporter")
    assert page.get_by_role("button", name="Udarbejd månedsrapport nu").count() == 0
    assert page.get_by_role("button", name=re.compile("Udarbejd ny version")).count() == 0
    shot(page, "archive")

    # The newest version is listed first and is what BFU downloads.
    first_row = page.locator("#archive-body tbody tr").first
    expect(first_row).to_have_id(f"report-{latest.pk}")
    expect(first_row).to_contain_text("version 2")
    name, path = _download(page, first_row.get_by_role("link", name=re.compile("^Hent PDF")))
    latest.refresh_from_db()
    assert name == "maanedsrapport-2026-10-v2.pdf"
    assert path.read_bytes().startswith(b"%PDF-")
    assert len(PdfReader(path).pages) == latest.page_count

    # Issuing is refused on the server, not only hidden.
    token = page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken']")
    for action in ("/rapporter/udarbejd/", f"/rapporter/{latest.pk}/ny-version/"):
        response = page.request.post(f"{portal.url}{action}", headers={"X-CSRFToken": token})
        assert response.status == 403, action
    assert Report.objects.count() == 2
