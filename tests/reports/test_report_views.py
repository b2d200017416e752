"""The report archive in the browser: who may see, download and issue, the htmx polling of a
report's state, the download's headers, the filters, and that nothing deletes a report."""

import base64
import hashlib

import pytest
import time_machine
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from reports.archive.compiler import report_compile
from reports.archive.periods import parse_period
from reports.archive.services import report_request
from reports.models import Report, ReportKind, ReportState
from tests.factories import PlanFactory
from tests.reports.report_support import (  # noqa: F401 - fixtures
    at,
    media_root_fixture,
    no_sending_fixture,
    small_plan_fixture,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

Q, M = ReportKind.KVARTALSRAPPORT, ReportKind.MAANEDSRAPPORT
ARCHIVE = "/rapporter/"
HX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "archive-body"}
READERS = ["chef", "bfu", "owner", "leader", "support", "visitation", "admin"]
NOT_ISSUERS = ["bfu", "owner", "leader", "support", "visitation", "admin"]


def finished(kind=M, period="2026-11", version=1, content=b"%PDF-1.7\n% test\n", state=None):
    """A report row with a stored file, written directly (the compile is tested elsewhere)."""
    spec = parse_period(kind, period)
    report = Report.objects.create(
        kind=kind,
        period=spec.code,
        period_label=spec.label,
        period_start=spec.first_day,
        version=version,
    )
    name = default_storage.save(f"rapporter/{spec.year}/{report.filename}", ContentFile(content))
    Report.objects.filter(pk=report.pk).update(
        state=state or ReportState.FAERDIG,
        snapshot={},
        pdf=name,
        sha256=hashlib.sha256(content).hexdigest(),
        pdf_size=len(content),
        page_count=1,
        finished_at=timezone.now(),
    )
    report.refresh_from_db()
    return report


def failed(kind=M, period="2026-10"):
    spec = parse_period(kind, period)
    return Report.objects.create(
        kind=kind,
        period=spec.code,
        period_label=spec.label,
        period_start=spec.first_day,
        state=ReportState.FEJLET,
        failure_reason="RuntimeError: skabelonen mangler",
    )


# --- who may do what -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", READERS)
def test_every_role_may_read_the_archive_and_download(client, all_personas, persona):
    report = finished()
    client.force_login(all_personas[persona])

    page = client.get(ARCHIVE)
    row = client.get(reverse("archive:row", args=[report.pk]))
    download = client.get(reverse("archive:download", args=[report.pk]))
    reminders = client.get(reverse("archive:reminders"))

    assert page.status_code == row.status_code == download.status_code == 200
    assert reminders.status_code == 200
    assert "November 2026" in page.content.decode()
    assert download["Content-Type"] == "application/pdf"
    can_issue = "Udarbejd ny version" in page.content.decode()
    assert can_issue == (persona == "chef")


@pytest.mark.parametrize("persona", NOT_ISSUERS)
def test_only_chefgruppen_may_issue_a_report(client, all_personas, persona, no_sending):
    report, broken = finished(), failed()
    client.force_login(all_personas[persona])

    responses = [
        client.post(reverse("archive:issue_monthly")),
        client.post(reverse("archive:new_version", args=[report.pk])),
        client.post(reverse("archive:retry", args=[broken.pk])),
        client.post(reverse("archive:issue_monthly"), **HX),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert Report.objects.count() == 2
    assert Report.objects.get(pk=broken.pk).state == ReportState.FEJLET
    assert "Udarbejd månedsrapport nu" not in client.get(ARCHIVE).content.decode()
    assert not no_sending.called


def test_a_user_without_a_role_sees_nothing(client, no_role):
    report = finished()
    client.force_login(no_role)

    urls = [ARCHIVE, reverse("archive:row", args=[report.pk])]
    urls += [reverse("archive:download", args=[report.pk]), reverse("archive:reminders")]

    assert [client.get(url).status_code for url in urls] == [403, 403, 403, 403]


def test_the_actions_answer_only_post_and_nothing_deletes_a_report(client, chef):
    report = finished()
    client.force_login(chef)

    assert client.get(reverse("archive:issue_monthly")).status_code == 405
    assert client.get(reverse("archive:new_version", args=[report.pk])).status_code == 405
    assert client.post(reverse("archive:download", args=[report.pk])).status_code == 405
    assert client.delete(reverse("archive:download", args=[report.pk])).status_code == 405
    assert client.delete(reverse("archive:row", args=[report.pk])).status_code == 405
    assert Report not in admin.site._registry
    assert Report.objects.filter(pk=report.pk).exists()


# --- issuing, and the page polling the state -----------------------------------------------------


@time_machine.travel(at(2026, 11, 24), tick=False)
def test_issuing_returns_at_once_with_the_report_in_the_queue(
    client, chef, no_sending, django_capture_on_commit_callbacks
):
    client.force_login(chef)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("archive:issue_monthly"), **HX)

    report = Report.objects.get()
    html = response.content.decode()
    assert response.status_code == 200
    assert not html.lstrip().startswith("<!DOCTYPE")  # the archive's body, not a whole page
    assert (report.kind, report.period, report.requested_by) == (M, "2026-11", chef)
    no_sending.assert_called_once_with(report.pk)
    assert "Månedsrapport november 2026 er sat i kø" in html
    assert f'hx-get="/rapporter/{report.pk}/raekke/" hx-trigger="every 2s"' in html
    assert "I kø" in html


@time_machine.travel(at(2026, 11, 24), tick=False)
def test_a_plain_post_is_redirected_back_to_the_archive(client, chef, no_sending):
    client.force_login(chef)

    response = client.post(reverse("archive:issue_monthly") + "?kind=maanedsrapport")

    assert response.status_code == 302
    assert response["Location"] == "/rapporter/?kind=maanedsrapport"
    assert "er sat i kø" in client.get(response["Location"]).content.decode()


@time_machine.travel(at(2026, 11, 24), tick=False)
def test_the_button_does_not_make_a_second_report_for_the_month(client, chef, no_sending):
    first = finished(period="2026-11")
    client.force_login(chef)

    page = client.get(ARCHIVE).content.decode()
    response = client.post(reverse("archive:issue_monthly"), **HX)

    assert "Udarbejd månedsrapport nu" not in page
    assert "Der findes allerede en månedsrapport for november 2026" in page
    assert "Der findes allerede en månedsrapport" in response.content.decode()
    assert list(Report.objects.values_list("pk", flat=True)) == [first.pk]


def test_a_row_polls_while_in_the_queue_and_stops_when_done(client, bfu, small_plan):
    report = report_request(kind=M, period="2026-11")
    client.force_login(bfu)
    url = reverse("archive:row", args=[report.pk])

    waiting = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    report_compile(report=report)
    done = client.get(url, HTTP_HX_REQUEST="true").content.decode()

    assert waiting.lstrip().startswith(f'<tr id="report-{report.pk}" hx-get="{url}"')
    assert 'hx-trigger="every 2s"' in waiting and "I kø" in waiting
    assert "hx-trigger" not in done
    assert "Færdig" in done and reverse("archive:download", args=[report.pk]) in done
    assert 'role="status"' in done  # announced to screen readers when it turns done


def test_chefgruppen_issues_a_new_version_and_the_old_one_stays(
    client, chef, no_sending, django_capture_on_commit_callbacks
):
    old = finished(kind=Q, period="2026-K3")
    client.force_login(chef)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("archive:new_version", args=[old.pk]), **HX)

    new = Report.objects.exclude(pk=old.pk).get()
    assert (new.kind, new.period, new.version, new.state) == (Q, "2026-K3", 2, ReportState.I_KOE)
    assert Report.objects.get(pk=old.pk).state == ReportState.FAERDIG
    no_sending.assert_called_once_with(new.pk)
    html = response.content.decode()
    assert "version 2" in html
    # only the newest version of a period offers a new version
    assert html.count("Udarbejd ny version") == 0  # v2 is still in the queue


def test_chefgruppen_sees_why_a_report_failed_and_may_try_again(
    client, chef, bfu, no_sending, django_capture_on_commit_callbacks
):
    broken = failed()
    client.force_login(bfu)
    assert "skabelonen mangler" not in client.get(ARCHIVE).content.decode()
    client.force_login(chef)
    assert "Årsag: RuntimeError: skabelonen mangler" in client.get(ARCHIVE).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("archive:retry", args=[broken.pk]), **HX)

    broken.refresh_from_db()
    assert (broken.state, broken.failure_reason) == (ReportState.I_KOE, "")
    no_sending.assert_called_once_with(broken.pk)


# --- download ------------------------------------------------------------------------------------


def test_the_download_is_the_stored_pdf_with_a_danish_file_name(client, bfu, small_plan):
    with time_machine.travel(at(2026, 10, 1, 6), tick=False):
        quarterly = report_compile(report=report_request(kind=Q, period="2026-K3"))
    with time_machine.travel(at(2026, 11, 24), tick=False):
        monthly = report_compile(report=report_request(kind=M, period="2026-11"))
    client.force_login(bfu)

    q = client.get(reverse("archive:download", args=[quarterly.pk]))
    m = client.get(reverse("archive:download", args=[monthly.pk]))

    assert q["Content-Type"] == "application/pdf"
    assert q["Content-Disposition"] == 'attachment; filename="kvartalsrapport-2026-K3.pdf"'
    assert m["Content-Disposition"] == 'attachment; filename="maanedsrapport-2026-11.pdf"'
    assert q.content.startswith(b"%PDF-1.7")
    assert int(q["Content-Length"]) == len(q.content) == quarterly.pdf_size
    digest = base64.b64encode(hashlib.sha256(q.content).digest()).decode()
    assert q["Repr-Digest"] == f"sha-256=:{digest}:"
    assert hashlib.sha256(q.content).hexdigest() == quarterly.sha256


def test_a_report_that_is_not_finished_cannot_be_downloaded(client, bfu):
    report = report_request(kind=M, period="2026-11")
    client.force_login(bfu)

    assert client.get(reverse("archive:download", args=[report.pk])).status_code == 404
    assert client.get(reverse("archive:download", args=[9999])).status_code == 404


def test_a_file_that_no_longer_matches_its_checksum_is_not_handed_out(client, bfu):
    report = finished(content=b"%PDF-1.7\noriginal\n")
    with default_storage.open(report.pdf.name, "wb") as f:
        f.write(b"%PDF-1.7\nchanged\n")
    client.force_login(bfu)

    response = client.get(reverse("archive:download", args=[report.pk]))

    assert response.status_code == 409


# --- the list and its filters --------------------------------------------------------------------


def test_the_archive_lists_newest_first_and_filters_by_kind_and_year(client, bfu):
    finished(kind=Q, period="2025-K4")
    finished(kind=M, period="2026-01")
    finished(kind=Q, period="2026-K1")
    finished(kind=Q, period="2026-K1", version=2)
    client.force_login(bfu)

    def rows(**params):
        html = client.get(ARCHIVE, params, **HX).content.decode()
        return [line for line in html.split("<strong>")[1:] if "</strong>" in line]

    everything = rows()
    quarterly_2026 = rows(kind=Q, year=2026)
    year_2025 = rows(year=2025)

    assert [r.split("</strong>")[0] for r in everything] == [
        "1. kvartal 2026",
        "1. kvartal 2026",
        "Januar 2026",
        "4. kvartal 2025",
    ]
    assert len(quarterly_2026) == 2 and len(year_2025) == 1
    assert "version 2" in client.get(ARCHIVE).content.decode()


def test_the_filter_answers_htmx_with_the_body_and_a_full_page_otherwise(client, bfu):
    finished()
    client.force_login(bfu)

    partial = client.get(ARCHIVE, {"kind": M}, **HX)
    page = client.get(ARCHIVE, {"kind": M})

    assert partial.content.decode().lstrip().startswith('<div id="archive-body"')
    assert "<html" in page.content.decode()
    assert "HX-Target" in partial["Vary"]
    assert '<option value="maanedsrapport" selected>' in page.content.decode()


@time_machine.travel(at(2026, 12, 28), tick=False)
def test_the_page_names_the_next_scheduled_reports(client, bfu):
    PlanFactory(committee_short="BFU")
    client.force_login(bfu)

    html = client.get(ARCHIVE).content.decode()

    assert "næste kvartalsrapport til BFU mandag 4. januar 2027" in html
    assert "næste månedsrapport mandag 4. januar 2027" in html


def test_the_main_menu_links_the_archive_for_every_role(client, bfu, owner):
    client.force_login(bfu)
    menu = client.get("/plan/").content.decode()
    client.force_login(owner)
    owner_menu = client.get("/plan/").content.decode()

    assert 'href="/rapporter/"' in menu and 'href="/mine-paamindelser/"' not in menu
    assert 'href="/mine-paamindelser/"' in owner_menu
