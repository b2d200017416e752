"""The report names the plan's bodies and shows the municipality's logo, as they were when it
was compiled: the snapshot keeps the names and the logo (the stored file's name and SHA-256),
so a later load that renames the committee or replaces the logo leaves an old report as it was.
"""

import io
from pathlib import Path

import pytest
import time_machine
from pdfua import validate
from PIL import Image

from omstilling.plan_file import load_plan_file
from reports.archive.compiler import report_compile
from reports.archive.pdf import render_report
from reports.archive.services import report_request
from reports.models import ReportKind
from tests.reports.report_support import at, media_root_fixture, pdf_reader, pdf_text  # noqa: F401

MINI = Path(__file__).parent.parent / "data" / "mini-plan.yaml"
NOW = at(2026, 11, 24)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def _png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _plan_file(folder: Path, *, committee_short: str, logo: bytes) -> Path:
    (folder / "logo.png").write_bytes(logo)
    plan_file = folder / "plan.yaml"
    plan_file.write_text(
        MINI.read_text(encoding="utf-8").replace(
            '  committee: "Børne- og Familieudvalget"\n',
            '  committee: "Børne- og Familieudvalget"\n'
            f'  committee_short: "{committee_short}"\n'
            '  approving_body: "Økonomiudvalget"\n'
            '  advisory_committee: "Det rådgivende udvalg"\n'
            '  logo: "logo.png"\n',
        ),
        encoding="utf-8",
    )
    return plan_file


def _compiled(kind=ReportKind.KVARTALSRAPPORT, period="2026-K3"):
    with time_machine.travel(NOW, tick=False):
        return report_compile(report=report_request(kind=kind, period=period))


def _images(content: bytes) -> int:
    return len(pdf_reader(content).pages[0].images)


def test_the_snapshot_keeps_the_plans_names_and_logo(tmp_path):
    plan, _stats = load_plan_file(_plan_file(tmp_path, committee_short="BFU", logo=_png("red")))

    report = _compiled()

    names = report.snapshot["plan"]
    assert names["municipality"] == "Testkommune"
    assert names["department"] == "Børn & Unge"
    assert names["committee"] == "Børne- og Familieudvalget"
    assert names["committee_short"] == "BFU"
    assert names["approving_body"] == names["approving_body_short"] == "Økonomiudvalget"
    assert names["advisory_committee"] == "Det rådgivende udvalg"
    assert names["logo"] == plan.logo.name
    assert len(names["logo_sha256"]) == 64


def test_the_cover_shows_the_municipalitys_name_and_logo(tmp_path):
    load_plan_file(_plan_file(tmp_path, committee_short="BFU", logo=_png("red")))

    report = _compiled()

    with report.pdf.open("rb") as stored:
        content = stored.read()
    cover = pdf_text(content).split("Side 2 af")[0]
    assert "Børn & Unge, Testkommune" in cover
    assert "Kvartalsrapport til Børne- og Familieudvalget" in cover
    assert _images(content) == 1
    # The logo has its alternative text: the PDF/UA-1 checker finds nothing.
    assert list(validate(io.BytesIO(content)).findings) == []


def test_an_old_report_keeps_the_names_and_logo_of_its_time(tmp_path):
    load_plan_file(_plan_file(tmp_path, committee_short="BFU", logo=_png("red")))
    old = _compiled()
    old_logo = old.snapshot["plan"]["logo"]

    renamed = tmp_path / "new"
    renamed.mkdir()
    plan, _stats = load_plan_file(
        _plan_file(renamed, committee_short="NYT", logo=_png("blue")), overwrite=True
    )
    new = _compiled(ReportKind.MAANEDSRAPPORT, "2026-11")

    assert plan.names.committee_short == "NYT"
    assert new.snapshot["plan"]["committee_short"] == "NYT"
    assert new.snapshot["plan"]["logo"] != old_logo
    old.refresh_from_db()
    assert old.snapshot["plan"]["committee_short"] == "BFU"
    # Rendered again from its snapshot, the old report still has its own logo.
    assert _images(render_report(old.snapshot).content) == 1


def test_a_logo_that_is_no_longer_the_same_file_is_left_out(tmp_path):
    load_plan_file(_plan_file(tmp_path, committee_short="BFU", logo=_png("red")))
    report = _compiled()

    snapshot = {**report.snapshot, "plan": {**report.snapshot["plan"], "logo_sha256": "0" * 64}}

    assert _images(render_report(snapshot).content) == 0
