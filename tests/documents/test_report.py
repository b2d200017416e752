"""The report lists the documents attached in its period (not the withdrawn ones)."""

import pytest
import time_machine

from documents.services import document_attach, document_withdraw
from reports.archive.compiler import report_compile
from reports.archive.services import report_request
from reports.models import ReportKind
from tests.documents.conftest import PDF, docx, upload
from tests.reports.report_support import (  # noqa: F401 - fixtures
    at,
    media_root_fixture,
    pdf_text,
    small_plan_fixture,
    stored_pdf,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def test_the_report_lists_the_documents_of_its_period(small_plan, chef):
    initiative = small_plan["initiatives"]["a"]
    with time_machine.travel(at(2026, 10, 2), tick=False):
        document_attach(target=initiative, by=chef, upload=upload("Arbejdsplan.docx", docx()))
        withdrawn = document_attach(target=initiative, by=chef, upload=upload("Gammel.pdf", PDF))
        document_withdraw(document=withdrawn, by=chef, reason="Erstattet")
    with time_machine.travel(at(2026, 9, 28), tick=False):
        document_attach(target=initiative, by=chef, upload=upload("Sidste kvartal.pdf", PDF))

    with time_machine.travel(at(2026, 12, 2), tick=False):
        report = report_compile(
            report=report_request(kind=ReportKind.KVARTALSRAPPORT, period="2026-K4", by=chef)
        )

    documents = report.snapshot["documents"]
    assert documents["count"] == 1
    item = documents["items"][0]
    assert (item["title"], item["kind_label"], item["added_on"]) == (
        "Arbejdsplan",
        "Word-dokument (.docx)",
        "2026-10-02",
    )
    assert item["belongs_to"] == "Fælles kompetenceforløb"
    text = " ".join(pdf_text(stored_pdf(report)).split())
    assert "Bilag i perioden" in text and "Arbejdsplan" in text
    assert "Gammel" not in text and "Sidste kvartal" not in text
