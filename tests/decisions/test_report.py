"""The report's "Beslutninger i perioden": the current decisions of the period's meetings, with
the bodies as the plan names them, in the snapshot and in the PDF's main part."""

import datetime as dt

import pytest
import time_machine

from decisions.services import decision_record
from reports.archive.compiler import report_compile
from reports.archive.services import report_request
from reports.models import ReportKind
from tests.reports.report_support import (  # noqa: F401 - fixtures
    at,
    media_root_fixture,
    pdf_text,
    small_plan_fixture,
    stored_pdf,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def _decide(plan, chef, day, title, **kwargs):
    with time_machine.travel(at(2026, 11, 24), tick=False):
        return decision_record(
            plan=plan,
            by=chef,
            body=kwargs.pop("body", "udvalg"),
            meeting_date=day,
            case_number=kwargs.pop("case_number", "sag 12"),
            title=title,
            text="Beslutningens tekst.",
            **kwargs,
        )


def test_the_report_lists_the_current_decisions_of_its_period(small_plan, chef):
    plan = small_plan["plan"]
    plan.approving_body = "Økonomiudvalget"
    plan.save()
    initiative = small_plan["initiatives"]["a"]
    wrong = _decide(
        plan, chef, dt.date(2026, 10, 7), "Forkert registreret", initiatives=[initiative]
    )
    _decide(
        plan,
        chef,
        dt.date(2026, 10, 7),
        "Kompetenceforløbet godkendt",
        corrects=wrong,
        initiatives=[initiative],
    )
    _decide(plan, chef, dt.date(2026, 11, 4), "Puljen godkendt", body="godkendende")
    _decide(plan, chef, dt.date(2026, 9, 30), "Fra kvartalet før")

    with time_machine.travel(at(2026, 12, 2), tick=False):
        report = report_compile(
            report=report_request(kind=ReportKind.KVARTALSRAPPORT, period="2026-K4", by=chef)
        )

    decisions = report.snapshot["decisions"]
    assert decisions["count"] == 2 and decisions["more"] == 0
    assert [d["title"] for d in decisions["items"]] == [
        "Kompetenceforløbet godkendt",
        "Puljen godkendt",
    ]
    assert decisions["items"][0]["initiatives"] == ["Fælles kompetenceforløb"]
    assert [d["body"] for d in decisions["items"]] == [plan.committee, "Økonomiudvalget"]
    text = " ".join(pdf_text(stored_pdf(report)).split())
    assert "Beslutninger i perioden" in text
    assert "Kompetenceforløbet godkendt" in text and "Forkert registreret" not in text


def test_a_period_without_decisions_says_so(small_plan, chef):
    with time_machine.travel(at(2026, 11, 24), tick=False):
        report = report_compile(
            report=report_request(kind=ReportKind.MAANEDSRAPPORT, period="2026-11", by=chef)
        )

    assert report.snapshot["decisions"] == {"items": [], "count": 0, "more": 0}
    assert "der er ikke registreret beslutninger fra møder i november 2026" in " ".join(
        pdf_text(stored_pdf(report)).split()
    )
