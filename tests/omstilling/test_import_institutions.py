"""The municipality's institutions imported from a list (CSV or .xlsx)."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from omstilling.institution_import import InstitutionFileError, parse_institution_file
from omstilling.models import Area, Institution
from omstilling.plan_file import load_plan_file
from omstilling.tables import MAX_ROWS
from tests.factories import InstitutionFactory

MINI = Path(__file__).parent.parent / "data" / "mini-plan.yaml"
pytestmark = pytest.mark.django_db


@pytest.fixture
def mini():
    plan, _stats = load_plan_file(MINI)
    return plan


def _csv(tmp_path, text: str) -> Path:
    path = tmp_path / "institutioner.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_it_creates_and_updates_institutions_from_a_csv(tmp_path, mini, capsys):
    existing = InstitutionFactory(name="Skole A", kind=Institution.Kind.SKOLE, is_demo=True)
    path = _csv(
        tmp_path,
        "navn;type;område;demo\n"
        "Skole A;skole;ul;nej\n"
        "Børnehuset;Dagtilbud;Dagtilbud;\n"
        "Heldagsskolen;specialtilbud;;\n",
    )

    call_command("import_institutions", str(path))

    existing.refresh_from_db()
    assert existing.area == Area.objects.get(plan=mini, slug="ul")
    assert not existing.is_demo
    daycare = Institution.objects.get(name="Børnehuset")
    assert daycare.kind == Institution.Kind.DAGTILBUD
    assert daycare.area == Area.objects.get(plan=mini, slug="dagtilbud")
    assert Institution.objects.get(name="Heldagsskolen").area is None
    assert "2 oprettet, 1 ændret" in capsys.readouterr().out
    # The change is in the institution's history.
    assert existing.history.count() == 2


def test_it_reads_an_xlsx(tmp_path, mini):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Type", "Navn"])
    sheet.append(["skole", "Skole Nord"])
    path = tmp_path / "institutioner.xlsx"
    workbook.save(path)

    call_command("import_institutions", str(path))

    assert Institution.objects.get(name="Skole Nord").kind == Institution.Kind.SKOLE


def test_a_column_left_out_leaves_the_value_as_it_is(tmp_path, mini):
    area = Area.objects.get(plan=mini, slug="ul")
    existing = InstitutionFactory(name="Skole A", area=area, is_demo=True)

    call_command("import_institutions", str(_csv(tmp_path, "navn;type\nSkole A;skole\n")))

    existing.refresh_from_db()
    assert existing.area == area and existing.is_demo


def test_every_bad_row_is_named_and_nothing_is_written(tmp_path, mini):
    path = _csv(
        tmp_path,
        "navn;type;område;demo\n"
        "Skole A;skole;ul;ja\n"
        ";skole;;\n"
        "Skole B;gymnasium;;\n"
        "Skole C;skole;ukendt;\n"
        "Skole D;skole;;måske\n"
        "Skole A;skole;;\n"
        "Elev 010203-1234;skole;;\n",
    )

    with pytest.raises(CommandError) as excinfo:
        call_command("import_institutions", str(path))

    message = str(excinfo.value)
    assert "intet er gemt" in message
    assert "Række 3, kolonne 'navn': Skriv institutionens navn." in message
    assert "Række 4, kolonne 'type': 'gymnasium' er ikke en type" in message
    assert "Række 5, kolonne 'område': 'ukendt' er ikke et område" in message
    assert "Række 6, kolonne 'demo': Skriv ja eller nej." in message
    assert "Række 7, kolonne 'navn': Skole A står også i række 2." in message
    assert "Række 8, kolonne 'navn'" in message
    assert "010203-1234" not in message
    assert not Institution.objects.exists()


def test_a_list_without_the_required_columns_is_refused(tmp_path, mini):
    with pytest.raises(CommandError, match="kolonnen 'type' mangler"):
        call_command("import_institutions", str(_csv(tmp_path, "navn\nSkole A\n")))


def test_the_list_is_bounded(mini):
    data = ("navn;type\n" + "Skole;skole\n" * (MAX_ROWS + 1)).encode()

    with pytest.raises(InstitutionFileError, match="flere end 5000 rækker"):
        parse_institution_file(data=data, file_name="x.csv", plan=mini)


def test_a_zip_bomb_is_refused_before_it_is_read(mini):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<c/>" * 3_000_000)

    with pytest.raises(InstitutionFileError, match="pakkes ud|for stor"):
        parse_institution_file(data=buffer.getvalue(), file_name="x.xlsx", plan=mini)


def test_it_needs_a_plan_for_the_areas(tmp_path):
    with pytest.raises(CommandError, match="Indlæs en plan først"):
        call_command("import_institutions", str(_csv(tmp_path, "navn;type\nSkole A;skole\n")))
