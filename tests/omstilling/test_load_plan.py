import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from omstilling.models import Area, GovernanceBody, Plan
from omstilling.plan_file import PlanFileError, load_plan_file
from tracks.models import Initiative, Milestone, Recommendation, RecommendationTheme, Spor

MINI = Path(__file__).parent.parent / "data" / "mini-plan.yaml"
pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    models = [
        Plan,
        Area,
        GovernanceBody,
        Spor,
        Initiative,
        Milestone,
        RecommendationTheme,
        Recommendation,
    ]
    return {model.__name__: model.objects.count() for model in models}


def _history_rows() -> int:
    return Initiative.history.count() + Milestone.history.count() + Spor.history.count()


def test_it_loads_the_vejle_plan():
    plan, _stats = load_plan_file(settings.PLAN_FILE)

    assert plan.title == "Flere børn og unge sammen – i lokale fællesskaber"
    assert plan.mandate_reference == "sag 67"
    assert str(plan.mandate_date) == "2024-05-30"
    assert len(plan.cornerstones) == 4
    assert plan.funding_amount == 50_000_000
    assert plan.funding_development_schools == 10
    assert Spor.objects.filter(plan=plan).count() == 5
    assert list(Spor.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    assert RecommendationTheme.objects.filter(plan=plan).count() == 5
    assert Recommendation.objects.filter(theme__plan=plan).count() == 18
    assert sorted(Recommendation.objects.values_list("number", flat=True)) == list(range(1, 19))
    # Every recommendation carries its "Det betyder …" statements.
    assert all(rec.means for rec in Recommendation.objects.all())
    # Spor 2's four themes from the plan.
    themes = set(Spor.objects.get(number=2).themes.values_list("title", flat=True))
    assert {
        "Skoleudvikling",
        "Lederudvikling",
        "Kvalitet i forældresamarbejde",
        "Kvalitetsprogrammet for folkeskolen",
    } <= themes
    assert Initiative.objects.filter(plan=plan).count() >= 20
    assert Milestone.objects.filter(initiative__plan=plan).count() >= Initiative.objects.count()
    # Most recommendations are traced to initiatives that carry them out.
    assert Recommendation.objects.filter(initiatives__isnull=False).distinct().count() >= 15


def test_it_follows_the_plans_cadence():
    load_plan_file(settings.PLAN_FILE)

    quarters = {str(q) for q in Milestone.objects.values_list("planned_quarter", flat=True)}
    # Q1 2025 bearbejdning, Q2 2025 beslutning/forankring/udrulning, Q3 2025 implementering
    assert {"2025-01-01", "2025-04-01", "2025-07-01"} <= quarters


def test_it_is_idempotent():
    load_plan_file(settings.PLAN_FILE)
    before, history_before = _counts(), _history_rows()

    _plan, stats = load_plan_file(settings.PLAN_FILE)

    assert not stats.changed
    assert _counts() == before
    assert _history_rows() == history_before


def test_it_updates_an_edited_file_in_place(tmp_path):
    load_plan_file(MINI)
    initiative = Initiative.objects.get(slug="kursus")
    edited = tmp_path / "plan.yaml"
    edited.write_text(
        MINI.read_text(encoding="utf-8").replace(
            'title: "Fælles kompetenceudviklingsforløb"', 'title: "Nyt navn på forløbet"'
        ),
        encoding="utf-8",
    )

    _plan, stats = load_plan_file(edited)

    initiative.refresh_from_db()
    assert initiative.title == "Nyt navn på forløbet"
    assert Initiative.objects.count() == 2
    assert stats.updated["tiltag"] == 1
    # The edit is in the plan's audit trail.
    assert initiative.history.first().title == "Nyt navn på forløbet"


@pytest.mark.parametrize(
    ("needle", "replacement", "expected"),
    [
        (
            "lead_area: dagtilbud\n        owner_body",
            "lead_area: ukendt\n        owner_body",
            "'ukendt' er ikke et område",
        ),
        ("quarter: 2025-Q3", "quarter: 2025-Q5", "ikke et kvartal"),
        ('title: "Det gode dagtilbud"', 'titel: "Det gode dagtilbud"', "ukendt felt"),
        (
            "initiatives: [kursus, lokalt-design]",
            "initiatives: [kursus, findes-ikke]",
            "'findes-ikke' er ikke et tiltag",
        ),
        ("end: 2026-Q2", "end: 2024-Q1", "ligger før startkvartalet"),
        ("format: 1", "format: 1\nunknown_section: 3", "ukendt afsnit"),
        (
            "quarter: 2025-Q1\n",
            "quarter: 2025-Q1\n            cancelled: 2025-02-01\n",
            "en aflyst milepæl skal have en begrundelse",
        ),
        (
            "quarter: 2025-Q1\n",
            "quarter: 2025-Q1\n            archived: 2025-02-30\n",
            "ikke en dato, der findes",
        ),
    ],
)
def test_it_rejects_a_malformed_file_and_writes_nothing(tmp_path, needle, replacement, expected):
    text = MINI.read_text(encoding="utf-8")
    assert needle in text
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace(needle, replacement, 1), encoding="utf-8")

    with pytest.raises(PlanFileError) as excinfo:
        load_plan_file(broken)

    message = str(excinfo.value)
    assert expected in message
    assert "linje " in message
    assert sum(_counts().values()) == 0


@pytest.mark.parametrize(
    ("needle", "replacement", "at", "path", "expected"),
    [
        # an impossible date (PyYAML's own date conversion raised a bare ValueError)
        (
            "date: 2025-08-15",
            "date: 2025-02-30",
            "date: 2025-02-30",
            "spor[0].initiatives[0].milestones[1].date",
            "'2025-02-30' er ikke en dato, der findes",
        ),
        (
            "date: 2025-08-15",
            "date: !!timestamp 2025-02-30",
            "date: !!timestamp",
            "spor[0].initiatives[0].milestones[1].date",
            "er ikke en dato, der findes",
        ),
        (
            "date: 2025-08-15",
            "date: 15-08-2025",
            "date: 15-08-2025",
            "spor[0].initiatives[0].milestones[1].date",
            "er ikke en dato på formen ÅÅÅÅ-MM-DD",
        ),
        (
            "amount: 50000000",
            "amount: 50000000\n    date: 2024-13-01",
            "date: 2024-13-01",
            "plan.funding.date",
            "er ikke en dato, der findes",
        ),
        # a date outside the quarter it states
        (
            "date: 2025-08-15",
            "date: 2025-10-15",
            "date: 2025-10-15",
            "spor[0].initiatives[0].milestones[1].date",
            "ligger ikke i det angivne kvartal (3. kvartal 2025)",
        ),
        # a milestone outside its tiltag's period (inside the plan's)
        (
            "start: 2025-Q1\n        end: 2026-Q2",
            "start: 2025-Q2\n        end: 2026-Q2",
            "quarter: 2025-Q1",
            "spor[0].initiatives[0].milestones[0].quarter",
            "uden for tiltagets periode (2. kvartal 2025 – 2. kvartal 2026)",
        ),
        # a milestone outside the plan's period
        (
            "quarter: 2025-Q1",
            "quarter: 2024-Q4",
            "quarter: 2024-Q4",
            "spor[0].initiatives[0].milestones[0].quarter",
            "uden for planens periode (1. kvartal 2025 – 4. kvartal 2026)",
        ),
        # a tiltag outside the plan's period
        (
            "start: 2025-Q2\n",
            "start: 2027-Q1\n",
            "start: 2027-Q1",
            "spor[1].initiatives[0].start",
            "Startkvartalet (1. kvartal 2027) ligger uden for planens periode",
        ),
        (
            "end: 2026-Q2",
            "end: 2027-Q2",
            "end: 2027-Q2",
            "spor[0].initiatives[0].end",
            "Slutkvartalet (2. kvartal 2027) ligger uden for planens periode",
        ),
        # an end before a start
        (
            "end: 2026-Q2",
            "end: 2024-Q4",
            "end: 2024-Q4",
            "spor[0].initiatives[0].end",
            "ligger før startkvartalet (1. kvartal 2025)",
        ),
        (
            "end: 2026-Q4",
            "end: 2024-Q4",
            "end: 2024-Q4",
            "plan.end",
            "sidste kvartal ligger før første kvartal",
        ),
    ],
)
def test_it_rejects_an_impossible_schedule_naming_line_and_path(
    tmp_path, needle, replacement, at, path, expected
):
    broken_text = MINI.read_text(encoding="utf-8").replace(needle, replacement, 1)
    # The line of the wrong key, counted in the broken file (`at` marks it).
    line = broken_text[: broken_text.index(at)].count("\n") + 1
    broken = tmp_path / "broken.yaml"
    broken.write_text(broken_text, encoding="utf-8")

    with pytest.raises(PlanFileError) as excinfo:
        load_plan_file(broken)

    assert f"linje {line}, {path}: " in str(excinfo.value)
    assert expected in str(excinfo.value)
    assert sum(_counts().values()) == 0


def test_it_names_the_line_of_a_yaml_syntax_error(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: 1\nplan:\n  title: [unclosed\n", encoding="utf-8")

    with pytest.raises(PlanFileError, match="linje 4"):
        load_plan_file(broken)


def test_it_names_the_field_path_in_errors(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        MINI.read_text(encoding="utf-8").replace('    title: "Det gode skoletilbud"\n', ""),
        encoding="utf-8",
    )

    with pytest.raises(PlanFileError, match=r"spor\[1\]\.title: feltet mangler"):
        load_plan_file(broken)


def test_it_leaves_an_earlier_load_untouched_when_a_file_is_malformed(tmp_path):
    load_plan_file(MINI)
    before = _counts()
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        MINI.read_text(encoding="utf-8")
        .replace('title: "Miniplan"', 'title: "Ændret"')
        .replace("quarter: 2025-Q1", "quarter: forår"),
        encoding="utf-8",
    )

    with pytest.raises(PlanFileError):
        load_plan_file(broken)

    assert _counts() == before
    assert Plan.objects.get().title == "Miniplan"


def test_the_command_reports_errors_in_danish(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: 1\n", encoding="utf-8")

    with pytest.raises(CommandError, match="intet er gemt"):
        call_command("load_plan", str(broken))


def test_the_command_says_when_nothing_changed(capsys):
    call_command("load_plan", str(MINI))
    call_command("load_plan", str(MINI))

    assert "ingen ændringer" in capsys.readouterr().out


def test_it_loads_what_the_portal_records_of_re_plans_cancellations_and_archiving(tmp_path):
    text = MINI.read_text(encoding="utf-8").replace(
        "            quarter: 2025-Q1\n",
        "            quarter: 2025-Q3\n"
        "            original_quarter: 2025-Q1\n"
        "            cancelled: 2025-09-01\n"
        '            cancel_reason: "Indgår i implementeringen"\n'
        "            archived: 2025-10-01\n",
        1,
    )
    edited = tmp_path / "plan.yaml"
    edited.write_text(text, encoding="utf-8")

    load_plan_file(edited)

    from tracks.models import Milestone

    milestone = Milestone.objects.get(slug="bearbejdning")
    assert milestone.original_quarter == dt.date(2025, 1, 1)
    assert milestone.planned_quarter == dt.date(2025, 7, 1)
    assert milestone.cancelled_on == dt.date(2025, 9, 1)
    assert milestone.cancel_reason == "Indgår i implementeringen"
    assert milestone.archived_on == dt.date(2025, 10, 1)
