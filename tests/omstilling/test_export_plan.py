"""The plan file round-trips: a plan edited in the portal is written back as a plan file that
loads to the same plan, and a load never replaces an edit made in the portal silently."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from omstilling.models import Area, Institution, Plan
from omstilling.plan_export import dump_plan_file
from omstilling.plan_file import PlanEditedError, PlanFileError, load_plan_file
from omstilling.quarters import Quarter
from tests.factories import InstitutionFactory, UserFactory
from tests.plan_content import plan_content
from tracks.models import Initiative, Milestone
from tracks.services import (
    initiative_archive,
    milestone_cancel,
    milestone_create,
    milestone_replan,
    theme_archive,
    theme_create,
)

MINI = Path(__file__).parent.parent / "data" / "mini-plan.yaml"
EKSEMPEL = Path(settings.BASE_DIR) / "omstilling" / "plans" / "eksempel.yaml"
pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    """Undo everything the block wrote: the database is as empty as before it."""


def _edit(instance, by, **values):
    """An edit as the portal's pages and the admin make it: saved with who made it."""
    for name, value in values.items():
        setattr(instance, name, value)
    instance._history_user = by
    instance.save()


def _without_header(text: str) -> str:
    # The header names the moment of export.
    return text.split("\n\n", 1)[1]


def _edit_in_the_portal(plan: Plan) -> None:
    chef = UserFactory(username="chef-rundtur")
    initiative = Initiative.objects.filter(plan=plan).order_by("spor__number", "order").first()
    _edit(initiative, chef, title="Ny titel, sat i portalen", description="Linje 1\nLinje 2")
    school = InstitutionFactory(name="Nyskolen", area=Area.objects.filter(plan=plan).first())
    initiative.institutions.add(school)
    milestone_create(
        initiative=initiative,
        by=chef,
        title="En ny milepæl fra portalen",
        planned_quarter=initiative.start_quarter,
        planned_date=initiative.start_quarter + dt.timedelta(days=14),
        description="Tilføjet i portalen.",
    )
    local = milestone_create(
        initiative=initiative,
        by=chef,
        title="Skolens egen milepæl",
        planned_quarter=initiative.start_quarter,
        institution=school,
    )
    _replan_cancel_archive(plan, initiative, local, chef)
    _edit(plan, chef, committee_short="UDV", advisory_committee="Det rådgivende udvalg")


def _replan_cancel_archive(plan: Plan, initiative: Initiative, local: Milestone, chef) -> None:
    """Re-plan a milestone (its original quarter is kept), cancel one, archive a theme and a
    tiltag (with its milestones), as chefgruppen does in the portal."""
    moved = milestone_create(
        initiative=initiative,
        by=chef,
        title="Flyttes i portalen",
        planned_quarter=initiative.start_quarter,
    )
    last = initiative.end_quarter or plan.end_quarter
    later = Quarter.of(last).first_day if last > initiative.start_quarter else None
    if later:
        milestone_replan(
            milestone=moved, by=chef, to_quarter=later, reason="Forsinket", expected_version=0
        )
    milestone_cancel(
        milestone=local,
        by=chef,
        reason="Skolen er med i et andet forløb",
        expected_version=local.edit_version,
    )
    theme = theme_create(spor=initiative.spor, by=chef, title="Et tema, der blev droppet")
    theme_archive(theme=theme, by=chef, expected_version=0)
    other = Initiative.objects.filter(plan=plan).exclude(pk=initiative.pk).order_by("-pk").first()
    initiative_archive(initiative=other, by=chef, expected_version=other.edit_version)


@pytest.mark.parametrize("plan_file", [settings.PLAN_FILE, EKSEMPEL], ids=["vejle", "eksempel"])
def test_load_edit_export_load_into_an_empty_database_is_the_same_plan(tmp_path, plan_file):
    exported = tmp_path / "eksport.yaml"
    with pytest.raises(_Rollback), transaction.atomic():
        plan, _stats = load_plan_file(plan_file)
        _edit_in_the_portal(plan)
        call_command("export_plan", "-o", str(exported))
        before = plan_content(Plan.objects.get(pk=plan.pk))
        institutions = set(Institution.objects.values_list("name", "kind", "is_demo"))
        text_before = exported.read_text(encoding="utf-8")
        raise _Rollback
    assert not Plan.objects.exists()

    plan, _stats = load_plan_file(exported)

    assert plan_content(plan) == before
    assert set(Institution.objects.values_list("name", "kind", "is_demo")) == institutions
    # What the portal edited is in the file.
    assert "Ny titel, sat i portalen" in text_before
    assert "institution: Nyskolen" in text_before
    assert "original_quarter:" in text_before
    assert "cancel_reason: Skolen er med i et andet forløb" in text_before
    assert "archived:" in text_before
    assert Milestone.objects.filter(original_quarter__isnull=False).exists()
    assert Initiative.objects.filter(archived_on__isnull=False).count() == 1
    # And the file written from the second database is the same file.
    assert _without_header(dump_plan_file(plan)) == _without_header(text_before)


def test_an_exported_plan_loads_back_onto_itself_without_a_change(tmp_path, chef):
    plan, _stats = load_plan_file(MINI)
    _edit_in_the_portal(plan)
    exported = tmp_path / "eksport.yaml"
    exported.write_text(dump_plan_file(plan), encoding="utf-8")

    _plan, stats = load_plan_file(exported)

    assert not stats.changed


def test_export_plan_writes_the_current_plan_to_standard_output(capsys):
    load_plan_file(MINI)
    load_plan_file(EKSEMPEL)

    call_command("export_plan")

    out = capsys.readouterr().out
    assert "slug: mini" in out
    assert "eksempel-faelles-om-det-naere" not in out


def test_export_plan_writes_the_plan_named_and_its_logo(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = tmp_path / "kilde"
    folder.mkdir()
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x01" * 32)
    plan_file = folder / "plan.yaml"
    plan_file.write_text(
        EKSEMPEL.read_text(encoding="utf-8").replace(
            '  committee_short: "SDU"\n', '  committee_short: "SDU"\n  logo: logo.png\n'
        ),
        encoding="utf-8",
    )
    load_plan_file(MINI)
    load_plan_file(plan_file)
    out = tmp_path / "ud" / "plan.yaml"
    out.parent.mkdir()

    call_command("export_plan", "eksempel-faelles-om-det-naere", "-o", str(out))

    assert "logo: eksempel-faelles-om-det-naere-logo.png" in out.read_text(encoding="utf-8")
    logo = out.parent / "eksempel-faelles-om-det-naere-logo.png"
    assert logo.read_bytes() == (folder / "logo.png").read_bytes()
    _plan, stats = load_plan_file(out)
    assert not stats.changed


def test_export_plan_names_an_unknown_plan():
    with pytest.raises(CommandError, match="ingen plan med nøglen 'findes-ikke'"):
        call_command("export_plan", "findes-ikke")


# --- the download -------------------------------------------------------------------------------


def test_chefgruppen_downloads_the_plan_file(client, chef):
    load_plan_file(MINI)
    client.force_login(chef)

    response = client.get(reverse("plan_file"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    assert 'filename="mini.yaml"' in response["Content-Disposition"]
    assert "slug: kursus" in response.content.decode()


@pytest.mark.parametrize("persona", ["bfu", "leader", "owner", "visitation", "admin_user"])
def test_no_other_role_downloads_the_plan_file(request, client, persona):
    load_plan_file(MINI)
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("plan_file")).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("plan_file"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- a load never replaces an edit made in the portal silently ----------------------------------


def test_a_load_that_would_replace_a_portal_edit_is_refused(chef):
    load_plan_file(MINI)
    initiative = Initiative.objects.get(slug="kursus")
    _edit(initiative, chef, title="Sat i portalen")

    with pytest.raises(PlanEditedError) as excinfo:
        load_plan_file(MINI)

    (edit,) = excinfo.value.edits
    assert "tiltag 'kursus', titel: ændret i portalen" in str(edit)
    assert str(chef) in str(edit)
    assert "“Sat i portalen”" in str(edit) and "“Fælles kompetenceudviklingsforløb”" in str(edit)
    initiative.refresh_from_db()
    assert initiative.title == "Sat i portalen"


def test_the_command_names_the_edits_and_writes_nothing(chef, capsys):
    call_command("load_plan", str(MINI))
    milestone = Milestone.objects.get(slug="implementering")
    _edit(milestone, chef, planned_quarter=dt.date(2025, 10, 1), planned_date=None)

    with pytest.raises(CommandError) as excinfo:
        call_command("load_plan", str(MINI))

    message = str(excinfo.value)
    assert "intet er gemt" in message and "--overwrite" in message
    assert "milepæl 'kursus/implementering', planlagt kvartal: ændret i portalen" in message
    assert "Indlæsningen ville ændre:" in capsys.readouterr().out
    milestone.refresh_from_db()
    assert milestone.planned_quarter == dt.date(2025, 10, 1)


def test_overwrite_replaces_the_portal_edits(chef):
    load_plan_file(MINI)
    initiative = Initiative.objects.get(slug="kursus")
    _edit(initiative, chef, title="Sat i portalen")

    call_command("load_plan", str(MINI), "--overwrite")

    initiative.refresh_from_db()
    assert initiative.title == "Fælles kompetenceudviklingsforløb"
    # The replaced edit stays in the history.
    assert initiative.history.filter(title="Sat i portalen").exists()


def test_an_edit_the_file_does_not_touch_is_kept(tmp_path, chef):
    load_plan_file(MINI)
    _edit(Initiative.objects.get(slug="kursus"), chef, title="Sat i portalen")
    edited = tmp_path / "plan.yaml"
    edited.write_text(
        MINI.read_text(encoding="utf-8").replace(
            'title: "Lokalt design"', 'title: "Lokalt design, ny udgave"'
        ),
        encoding="utf-8",
    )
    # The file still says the old title of 'kursus': that is an edit it would replace.
    with pytest.raises(PlanEditedError):
        load_plan_file(edited)
    edited.write_text(
        edited.read_text(encoding="utf-8").replace(
            'title: "Fælles kompetenceudviklingsforløb"', 'title: "Sat i portalen"'
        ),
        encoding="utf-8",
    )

    _plan, stats = load_plan_file(edited)

    assert stats.updated["tiltag"] == 1
    assert Initiative.objects.get(slug="lokalt-design").title == "Lokalt design, ny udgave"
    assert Initiative.objects.get(slug="kursus").title == "Sat i portalen"


def test_an_edit_of_another_field_of_the_row_is_no_conflict(tmp_path, chef):
    load_plan_file(MINI)
    _edit(Initiative.objects.get(slug="kursus"), chef, description="Skrevet i portalen")
    edited = tmp_path / "plan.yaml"
    edited.write_text(
        MINI.read_text(encoding="utf-8").replace(
            'title: "Fælles kompetenceudviklingsforløb"', 'title: "Nyt navn"'
        ),
        encoding="utf-8",
    )

    with pytest.raises(PlanEditedError) as excinfo:
        load_plan_file(edited)

    # The description (which the file would blank) is the edit; the title is the file's own.
    assert [edit.change.field for edit in excinfo.value.edits] == ["beskrivelse"]


def test_edits_replaced_by_an_earlier_load_are_not_named_again(chef):
    load_plan_file(MINI)
    _edit(Initiative.objects.get(slug="kursus"), chef, title="Sat i portalen")
    load_plan_file(MINI, overwrite=True)

    _plan, stats = load_plan_file(MINI)

    assert not stats.changed


def test_an_area_edited_in_the_admin_is_named_too(chef):
    plan, _stats = load_plan_file(MINI)
    _edit(Area.objects.get(plan=plan, slug="ul"), chef, name="Skoleområdet")

    with pytest.raises(PlanEditedError, match="område 'ul', navn: ændret i portalen"):
        load_plan_file(MINI)


def test_institutions_concerned_changed_in_the_portal_are_named(tmp_path, chef):
    school = InstitutionFactory(name="Skole Øst")
    plan, _stats = load_plan_file(MINI)
    initiative = Initiative.objects.get(slug="kursus")
    exported = tmp_path / "eksport.yaml"
    initiative.institutions.add(school)
    exported.write_text(dump_plan_file(plan), encoding="utf-8")
    load_plan_file(exported)
    initiative.institutions.remove(school)

    with pytest.raises(PlanEditedError, match="tiltag 'kursus', berørte institutioner"):
        load_plan_file(exported)


def test_the_plan_remembers_the_file_it_was_loaded_from():
    plan, _stats = load_plan_file(MINI)

    assert plan.loaded_at is not None
    assert len(plan.loaded_sha256) == 64


# --- institutions in the plan file ------------------------------------------------------------

INSTITUTIONS = """
institutions:
  - name: "Skole A"
    kind: skole
    area: ul
  - name: "Børnehuset"
    kind: dagtilbud
    area: dagtilbud
    demo: true
"""


def _with(text: str, tmp_path, *, replace: tuple[str, str] | None = None) -> Path:
    content = MINI.read_text(encoding="utf-8").replace(
        "governance_bodies:", text.strip() + "\ngovernance_bodies:", 1
    )
    if replace:
        content = content.replace(*replace, 1)
    path = tmp_path / "plan.yaml"
    path.write_text(content, encoding="utf-8")
    return path


def test_the_plan_file_can_name_the_institutions(tmp_path):
    plan, _stats = load_plan_file(
        _with(
            INSTITUTIONS,
            tmp_path,
            replace=(
                "        end: 2026-Q2\n",
                '        end: 2026-Q2\n        institutions: ["Skole A"]\n',
            ),
        )
    )

    school = Institution.objects.get(name="Skole A")
    assert school.kind == Institution.Kind.SKOLE
    assert school.area == Area.objects.get(plan=plan, slug="ul")
    assert not school.is_demo
    assert Institution.objects.get(name="Børnehuset").is_demo
    assert list(Initiative.objects.get(slug="kursus").institutions.all()) == [school]


def test_an_institution_left_out_of_a_file_keeps_its_values(tmp_path):
    other = InstitutionFactory(name="Skole A", kind=Institution.Kind.SKOLE, is_demo=True)

    load_plan_file(_with('institutions:\n  - name: "Skole A"\n    kind: skole\n', tmp_path))

    other.refresh_from_db()
    assert other.is_demo  # `demo` left out: as it was


@pytest.mark.parametrize(
    ("replace", "at", "path", "expected"),
    [
        (
            ("area: ul\n", "area: ukendt\n"),
            "area: ukendt",
            "institutions[0].area",
            "'ukendt' er ikke et område i filen",
        ),
        (
            ("kind: skole\n", "kind: gymnasium\n"),
            "kind: gymnasium",
            "institutions[0].kind",
            "har en ukendt værdi",
        ),
        (
            ('name: "Børnehuset"', 'name: "Skole A"'),
            'name: "Skole A"\n    kind: dagtilbud',
            "institutions[1].name",
            "'Skole A' er brugt mere end én gang",
        ),
        (
            ("        end: 2026-Q2\n", '        end: 2026-Q2\n        institutions: ["Ukendt"]\n'),
            'institutions: ["Ukendt"]',
            "spor[0].initiatives[0].institutions[0]",
            "'Ukendt' er ikke en institution i filen",
        ),
    ],
)
def test_a_bad_institution_is_refused_with_its_line(tmp_path, replace, at, path, expected):
    broken = _with(INSTITUTIONS, tmp_path, replace=replace)
    text = broken.read_text(encoding="utf-8")
    line = text[: text.index(at)].count("\n") + 1

    with pytest.raises(PlanFileError) as excinfo:
        load_plan_file(broken)

    assert f"linje {line}, {path}: {expected}" in str(excinfo.value)
    assert not Institution.objects.exists()
