"""The report archive in pages of 50, newest period first, the filters kept from page to page:
it grows by some 16 reports a year and their versions, and its HTML and queries do not.

Its filter form and body are kept rendered (omstilling.cache.cached_fragment, per role): a
write to a report is on the very next request, chefgruppen's forms carry each request's own
CSRF token and never reach another role, a body with a pending report is never kept (its row
polls and turns failed when the report is stale), and only the one spelling of a query is kept.
"""

import datetime as dt
import re
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from omstilling.cache import CSRF_SLOT, Family, bump
from omstilling.models import Role
from omstilling.services import user_apply_role
from reports.archive import compiler, services
from reports.archive import views as archive_views
from reports.archive.failure import report_fail
from reports.archive.pdf import RenderedPdf
from reports.archive.periods import parse_period
from reports.archive.services import report_request
from reports.models import Report, ReportKind, ReportState
from tests.factories import UserFactory
from tests.reports.report_support import at, media_root_fixture  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

URL = "/rapporter/"
HX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "archive-body"}
M, Q = ReportKind.MAANEDSRAPPORT, ReportKind.KVARTALSRAPPORT
# A page from the cache: the session, the user, the plan for the page header and the unread
# notifications in it, as on any page; the filter form and the body are in the cache.
ARCHIVE_CACHED_QUERIES = 4
# The body alone for htmx (no page header): the session and the user.
ARCHIVE_BODY_CACHED_QUERIES = 2


def _months(n: int, *, start: dt.date = dt.date(2026, 10, 1)) -> list[str]:
    """`n` month codes, newest first, from `start` back."""
    codes, year, month = [], start.year, start.month
    for _ in range(n):
        codes.append(f"{year}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return codes


def _finished(kind, codes: list[str], version: int = 1) -> None:
    rows = []
    for code in codes:
        spec = parse_period(kind, code)
        rows.append(
            Report(
                kind=kind,
                period=spec.code,
                period_label=spec.label,
                period_start=spec.first_day,
                version=version,
                state=ReportState.FAERDIG,
                snapshot={},
                pdf=f"rapporter/{spec.code}-v{version}.pdf",
                sha256="0" * 64,
                pdf_size=1000,
                page_count=4,
                finished_at=timezone.now(),
            )
        )
    Report.objects.bulk_create(rows)
    bump(Family.REPORTS)  # bulk_create sends no signal


def _rows(html: str) -> list[str]:
    return html.split('<tr id="report-')[1:]


def test_the_archive_shows_50_reports_a_page_with_the_filters_kept(client, bfu):
    _finished(M, _months(70))
    _finished(Q, ["2026-K1", "2026-K2"])
    client.force_login(bfu)

    first = client.get(URL, {"kind": M}).content.decode()
    second = client.get(URL, {"kind": M, "side": 2}).content.decode()

    assert len(_rows(first)) == 50 and len(_rows(second)) == 20
    assert "Viser 51–70 af 70." in second
    assert "?kind=maanedsrapport&amp;side=2" in first  # the filter kept in the page links
    assert "Kvartalsrapport" not in second.split("<tbody>")[1]


def test_only_the_newest_version_offers_a_new_one_when_versions_straddle_two_pages(client, chef):
    codes = _months(50)
    _finished(M, codes)  # 50 periods: the oldest one's version 2 ends page 1 …
    _finished(M, codes[-1:], version=2)  # … and its version 1 opens page 2
    client.force_login(chef)

    second = client.get(URL, {"side": 2}).content.decode()

    assert len(_rows(second)) == 1
    assert "Udarbejd ny version" not in second


def test_the_archive_runs_the_same_queries_and_stays_bounded_however_many_reports(client, bfu):
    _finished(M, _months(55))
    client.force_login(bfu)
    with CaptureQueriesContext(connection) as few:
        small = client.get(URL).content.decode()
    with CaptureQueriesContext(connection) as few_cached:
        client.get(URL)

    _finished(M, _months(300, start=dt.date(2021, 12, 1)))
    with CaptureQueriesContext(connection) as many:
        large = client.get(URL).content.decode()
    with CaptureQueriesContext(connection) as many_cached:
        large_cached = client.get(URL).content.decode()

    assert len(many) == len(few)
    assert len(few_cached) == len(many_cached) == ARCHIVE_CACHED_QUERIES, [
        q["sql"] for q in many_cached
    ]
    assert _main(large_cached) == _main(large) and len(_rows(large)) == 50
    assert len(large) <= 1.2 * len(small), (len(small), len(large))


# --- kept rendered ----------------------------------------------------------------------------


def _queries(client, data=None, **extra) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, data or {}, **extra)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _main(html: str) -> str:
    """The page's main content: the frame around it (its CSRF token, the header) is not cached."""
    return html[html.index("<main") : html.index("</main>")]


def _forms_without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", _main(html))


def _row(html: str, report: Report) -> str:
    return html.split(f'<tr id="report-{report.pk}"')[1].split("</tr>")[0]


def _report(kind=M, code="2026-10", state=ReportState.FEJLET, **fields) -> Report:
    spec = parse_period(kind, code)
    return Report.objects.create(
        kind=kind,
        period=spec.code,
        period_label=spec.label,
        period_start=spec.first_day,
        state=state,
        failure_reason="RuntimeError: skabelonen mangler" if state == ReportState.FEJLET else "",
        **fields,
    )


def _compile_without_pdf(report: Report) -> Report:
    """The compile task's own path (claim, file, finish), without building a real PDF."""
    pdf = RenderedPdf(content=b"%PDF-1.7\n", pages=1, main_pages=1)
    with (
        mock.patch.object(compiler, "_snapshot", return_value={}),
        mock.patch.object(compiler, "render_report", return_value=pdf),
    ):
        return compiler.report_compile(report=report)


@pytest.mark.usefixtures("media_root")
def test_every_write_to_a_report_is_on_the_very_next_request(client, chef):
    """Writes that send no signal (a retry, the compile's claim and finish, a failure are
    updates) bump the reports family themselves."""
    broken = _report()
    client.force_login(chef)
    client.get(URL)
    page, queries = _queries(client)
    assert queries == ARCHIVE_CACHED_QUERIES and "Fejlet" in _row(page, broken)

    with mock.patch.object(services, "_enqueue"):
        services.report_retry(report=broken, by=chef)
    assert "I kø" in _row(client.get(URL).content.decode(), broken)

    _compile_without_pdf(broken)
    client.get(URL)
    page, queries = _queries(client)
    assert queries == ARCHIVE_CACHED_QUERIES and "Færdig" in _row(page, broken)
    assert "Hent PDF" in _row(page, broken) and "Udarbejd ny version" in _row(page, broken)

    with mock.patch.object(services, "_enqueue"):
        new = report_request(kind=M, period="2026-09", by=chef)
    assert "I kø" in _row(client.get(URL).content.decode(), new)

    report_fail(report_id=new.pk, reason="RuntimeError: ingen forbindelse")
    page = client.get(URL).content.decode()
    assert "Fejlet" in _row(page, new) and "ingen forbindelse" in _row(page, new)


def test_another_role_never_gets_chefgruppens_forms_from_the_cache(client, chef, bfu):
    broken = _report()
    _finished(M, ["2026-09"])
    client.force_login(chef)
    client.get(URL)
    chef_page = client.get(URL).content.decode()
    assert "Prøv igen" in chef_page and "Udarbejd ny version" in chef_page
    assert "Udarbejd månedsrapport nu" in chef_page and "skabelonen mangler" in chef_page

    client.force_login(bfu)
    page, queries = _queries(client)
    client.force_login(chef)
    again = client.get(URL).content.decode()

    main = _main(page)
    assert "Fejlet" in _row(page, broken)
    chefs = ("Prøv igen", "Udarbejd ny version", "Udarbejd månedsrapport", "skabelonen mangler")
    for chefs_own in (*chefs, "csrfmiddlewaretoken"):
        assert chefs_own not in main
    assert 'method="post"' not in main and "Handling" not in main
    assert queries > ARCHIVE_CACHED_QUERIES  # rendered for its role, not chefgruppen's copy
    assert "Prøv igen" in again  # and chefgruppen's copy is still its own


def _token_of(html: str, action: str) -> str:
    form = html.split(f'action="{action}"')[1].split("</form>")[0]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)


@pytest.mark.usefixtures("media_root")
def test_the_cached_forms_carry_each_requests_own_token_and_the_cache_none(chef):
    broken = _report()
    retry = reverse("archive:retry", args=[broken.pk])
    other_chef = UserFactory(username="chef2", role=Role.CHEFGRUPPE)
    user_apply_role(user=other_chef)
    mine, theirs = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    mine.force_login(chef)
    theirs.force_login(other_chef)

    with mock.patch.object(cache, "set", wraps=cache.set) as stored:
        mine.get(URL)
    kept = [value for (key, value), _ in stored.call_args_list if "reports.archive" in key]
    assert len(kept) == 1 and CSRF_SLOT in kept[0]
    assert "csrfmiddlewaretoken" not in kept[0]

    with CaptureQueriesContext(connection) as queries:
        my_page = mine.get(URL).content.decode()
    assert len(queries) == ARCHIVE_CACHED_QUERIES  # from the cache, with a token filled in
    their_page = theirs.get(URL).content.decode()
    my_token, their_token = _token_of(my_page, retry), _token_of(their_page, retry)
    assert my_token != their_token

    # Another session's token is refused; the request's own is taken.
    assert theirs.post(retry, {"csrfmiddlewaretoken": my_token}).status_code == 403
    with mock.patch.object(services, "_enqueue"):
        response = mine.post(retry, {"csrfmiddlewaretoken": my_token})
    assert response.status_code == 302
    broken.refresh_from_db()
    assert broken.state == ReportState.I_KOE


def test_a_pending_report_polls_and_turns_failed_when_stale(client, chef):
    """A page with a pending report is never kept: its look changes with the clock alone."""
    asked = at(2026, 11, 24, 10)
    stale = asked + dt.timedelta(seconds=settings.REPORT_STALE_AFTER + 1)
    with time_machine.travel(asked, tick=False), mock.patch.object(services, "_enqueue"):
        report = report_request(kind=M, period="2026-10", by=chef)
    client.force_login(chef)

    with time_machine.travel(asked + dt.timedelta(seconds=10), tick=False):
        client.get(URL)
        waiting = _row(client.get(URL).content.decode(), report)
    with time_machine.travel(stale, tick=False):
        now_stale = _row(client.get(URL).content.decode(), report)
        from_cache, queries = _queries(client)

    assert "I kø" in waiting and 'hx-trigger="every 2s"' in waiting
    assert "Fejlet" in now_stale and "Prøv igen" in now_stale and "every 2s" not in now_stale
    # Shown as failed, it no longer changes with the clock: kept until a write.
    assert queries == ARCHIVE_CACHED_QUERIES and "Prøv igen" in _row(from_cache, report)


def test_a_query_is_kept_in_its_one_spelling_and_stray_parameters_stay_out(
    client, chef, monkeypatch
):
    _report()
    _finished(M, _months(60, start=dt.date(2026, 9, 1)))
    _finished(Q, ["2026-K2"])
    built = []
    context = archive_views._context
    monkeypatch.setattr(
        archive_views, "_context", lambda *a, **kw: built.append(1) or context(*a, **kw)
    )
    client.force_login(chef)

    kept = client.get(URL, {"kind": M, "side": 2}).content.decode()
    same = client.get(URL, {"kind": M, "side": 2, "year": "", "utm_source": "nyhedsbrev"})
    assert len(built) == 1  # another spelling of the same query: from the cache
    assert _forms_without_tokens(same.content.decode()) == _forms_without_tokens(kept)
    assert "utm_source" not in kept and "?kind=maanedsrapport&amp;side=2" in kept

    for odd in ({"year": "1900"}, {"side": "abc"}, {"side": 99}, {"kind": [M, Q]}):
        client.get(URL, odd)
        client.get(URL, odd)
    assert len(built) == 1 + 8  # each rendered for its request alone, never kept
    invalid = client.get(URL, {"year": "1900"}).content.decode()
    assert "Marker en gyldig valgmulighed." in invalid


def test_htmx_gets_the_body_of_the_full_page_from_the_cache(client, bfu):
    _finished(M, _months(3))
    client.force_login(bfu)
    full = client.get(URL, {"kind": M}).content.decode()
    client.get(URL, {"kind": M}, **HX)

    body, queries = _queries(client, {"kind": M}, **HX)

    assert body.lstrip().startswith('<div id="archive-body"')
    assert body.strip() in full
    assert queries == ARCHIVE_BODY_CACHED_QUERIES
