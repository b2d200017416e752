"""With no broker (the embedded default) issuing a report never blocks the browser: the compile
runs in the reports app's background thread (reports/archive/background.py), the request
answers at once with the report in the queue, and its row polls until it is done."""

import re
import threading

import pytest
import time_machine
from django.urls import reverse

from reports.archive import background, compiler
from reports.models import Report, ReportState
from tests.reports.report_support import (  # noqa: F401 - fixtures
    at,
    eager_celery_fixture,
    media_root_fixture,
    small_plan_fixture,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the thread reads what the request committed
    pytest.mark.usefixtures("media_root", "eager_celery"),
]
HX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "archive-body"}
WAIT = 120  # seconds; a compile of the small plan takes a few


@pytest.fixture
def in_thread(settings):
    settings.REPORT_COMPILE_IN_THREAD = True
    yield
    background.wait_until_idle(timeout=WAIT)


@pytest.fixture
def held_render(monkeypatch):
    """The PDF render waits until the test lets it go, so the test can see the request end
    first; `started` tells that the compile has begun."""
    started, release = threading.Event(), threading.Event()
    real = compiler.render_report

    def render(snapshot):
        started.set()
        assert release.wait(WAIT)
        return real(snapshot)

    monkeypatch.setattr(compiler, "render_report", render)
    return started, release


@time_machine.travel(at(2026, 11, 24), tick=False)
def test_issuing_returns_before_the_compile_and_the_row_polls_until_done(
    client, chef, small_plan, in_thread, held_render
):
    started, release = held_render
    client.force_login(chef)

    response = client.post(reverse("archive:issue_monthly"), **HX)

    report = Report.objects.get()
    html = response.content.decode()
    assert response.status_code == 200
    assert "Månedsrapport november 2026 er sat i kø" in html
    assert f'hx-get="/rapporter/{report.pk}/raekke/" hx-trigger="every 2s"' in html
    assert report.is_pending and not report.pdf  # answered while the PDF is not made

    assert started.wait(WAIT)  # the compile runs in the background …
    row_url = reverse("archive:row", args=[report.pk])
    polling = client.get(row_url, HTTP_HX_REQUEST="true").content.decode()
    assert "Udarbejdes" in polling and 'hx-trigger="every 2s"' in polling

    release.set()  # … and finishes there
    background.wait_until_idle(timeout=WAIT)
    done = client.get(row_url, HTTP_HX_REQUEST="true").content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.FAERDIG, report.failure_reason
    assert "Færdig" in done and "hx-trigger" not in done
    assert reverse("archive:download", args=[report.pk]) in done


@time_machine.travel(at(2026, 11, 24), tick=False)
def test_a_compile_that_fails_in_the_background_marks_the_report_failed(
    client, chef, small_plan, in_thread, monkeypatch
):
    def broken(snapshot):
        raise RuntimeError("skabelonen mangler")

    monkeypatch.setattr(compiler, "render_report", broken)
    client.force_login(chef)

    response = client.post(reverse("archive:issue_monthly"), **HX)
    background.wait_until_idle(timeout=WAIT)

    assert "er sat i kø" in response.content.decode()  # the request never saw the compile
    report = Report.objects.get()
    assert report.state == ReportState.FEJLET
    assert report.failure_reason == "RuntimeError: skabelonen mangler"


@time_machine.travel(at(2026, 11, 24), tick=False)
def test_the_button_is_disabled_while_its_request_runs_and_works_without_javascript(
    client, chef, small_plan
):
    client.force_login(chef)

    page = client.get(reverse("archive:list")).content.decode()

    (form,) = re.findall(r'<form method="post" action="/rapporter/udarbejd/"[^>]*>', page)
    assert 'hx-disabled-elt="find button"' in form  # htmx: no second click while it runs
    assert "Udarbejd månedsrapport nu" in page[page.index(form) :].split("</form>")[0]
