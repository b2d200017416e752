"""`manage.py scan_personal_data`: finds what came in before the screening, changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.models import Report
from tests.factories import MilestoneFactory
from tracks.models import Milestone, StatusUpdate


def _scan() -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("scan_personal_data", stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc.returncode
    return out.getvalue(), 0


@pytest.fixture
def old_rows(chef, initiative):
    """Rows written before the screening existed (bulk_create and update() bypass the guard)."""
    [update] = StatusUpdate.objects.bulk_create(
        [
            StatusUpdate(
                initiative=initiative,
                version=1,
                state="i_gang",
                health="groen",
                progress=5,
                narrative="Barn 0101 90 1234 flytter.",
                author=chef,
            )
        ]
    )
    milestone = MilestoneFactory(initiative=initiative)
    Milestone.objects.filter(pk=milestone.pk).update(completion_note="ok")
    report = Report.objects.create(
        kind="maanedsrapport", period="2026-11", period_label="november 2026",
        period_start="2026-11-01",
    )  # fmt: skip
    Report.objects.filter(pk=report.pk).update(
        snapshot={"initiatives": [{"note": "cpr 010203–1234"}]}
    )
    return {"update": update, "milestone": milestone, "report": report}


def test_it_lists_every_stored_text_with_a_cpr_number_and_exits_non_zero(old_rows):
    before = list(StatusUpdate.objects.values_list("narrative", flat=True))

    output, status = _scan()

    assert status == 1
    lines = set(output.splitlines())
    assert f"tracks.StatusUpdate\t{old_rows['update'].pk}\tnarrative" in lines
    assert f"reports.Report\t{old_rows['report'].pk}\tsnapshot" in lines
    assert not any(
        f"\t{old_rows['milestone'].pk}\t" in line for line in lines if "Milestone" in line
    )
    # nothing is changed
    assert list(StatusUpdate.objects.values_list("narrative", flat=True)) == before


def test_it_exits_zero_when_nothing_matches(initiative, chef):
    StatusUpdate.objects.create(
        initiative=initiative,
        version=1,
        state="i_gang",
        health="groen",
        progress=5,
        narrative="Møde 24.11.2026 om 50.000.000 kr., tlf. 12 34 56 78",
        author=chef,
    )

    output, status = _scan()

    assert status == 0
    assert "Ingen tekster ligner et CPR-nummer." in output
