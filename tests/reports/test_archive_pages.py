"""The report archive in pages of 50, newest period first, the filters kept from page to page:
it grows by some 16 reports a year and their versions, and its HTML and queries do not."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.archive.periods import parse_period
from reports.models import Report, ReportKind, ReportState

pytestmark = pytest.mark.django_db

URL = "/rapporter/"
M, Q = ReportKind.MAANEDSRAPPORT, ReportKind.KVARTALSRAPPORT


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
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        small = client.get(URL).content.decode()

    _finished(M, _months(300, start=dt.date(2021, 12, 1)))
    with CaptureQueriesContext(connection) as many:
        large = client.get(URL).content.decode()

    assert len(many) == len(few)
    assert len(_rows(large)) == 50
    assert len(large) <= 1.2 * len(small), (len(small), len(large))
