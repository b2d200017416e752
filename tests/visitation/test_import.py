"""Importing a quarter's counts: good files in every accepted shape, bad ones named by row and
column with nothing written, and a re-import that replaces the quarter."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from omstilling.models import Institution
from tests.factories import InstitutionFactory
from visitation.imports import CountFileError, parse_count_file
from visitation.models import CountImport, SpecialOfferCount

pytestmark = pytest.mark.django_db

HEADER = "institution;kvartal;niveau;antal_i_specialtilbud;elever_i_distriktet"


@pytest.fixture
def institutions(school, other_school, daycare):
    return {"school": school, "other_school": other_school, "daycare": daycare}


def _csv(*lines: str, header: str = HEADER, bom: bool = False, sep: str = ";") -> bytes:
    text = "\r\n".join([header, *lines]).replace(";", sep) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


GOOD = (
    "Skole A (demo);2026-K3;skole;14;620",
    "Skole B (demo);2026-K3;skole;3;",
    "Børnehave A (demo);2026-K3;dagtilbud;5;",
)


@pytest.mark.parametrize(
    ("bom", "sep"), [(False, ";"), (True, ";"), (False, ","), (True, ",")], ids=str
)
def test_it_reads_a_csv_with_either_separator_and_with_or_without_bom(institutions, bom, sep):
    rows = parse_count_file(data=_csv(*GOOD, bom=bom, sep=sep), file_name="bestand.csv")

    assert [
        (
            r.institution.name,
            r.quarter.code,
            r.level,
            r.children_in_special_offers,
            r.district_pupils,
        )
        for r in rows
    ] == [
        ("Skole A (demo)", "2026-Q3", "skole", 14, 620),
        ("Skole B (demo)", "2026-Q3", "skole", 3, None),
        ("Børnehave A (demo)", "2026-Q3", "dagtilbud", 5, None),
    ]


def test_it_reads_an_xlsx_with_numbers_as_numbers(institutions):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["Institution", "Kvartal", "Niveau", "antal_i_specialtilbud", "elever_i_distriktet"]
    )
    sheet.append(["skole a (demo)", "2026-K3", "Skole", 14.0, 620])
    sheet.append([None, None, None, None, None])
    sheet.append(["Børnehave A (demo)", "2026-Q3", "dagtilbud", 5, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    rows = parse_count_file(data=buffer.getvalue(), file_name="bestand.xlsx")

    assert [
        (r.institution.name, r.children_in_special_offers, r.district_pupils) for r in rows
    ] == [
        ("Skole A (demo)", 14, 620),
        ("Børnehave A (demo)", 5, None),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Skole A (demo);2026-K5;skole;14;620",
            "Række 2, kolonne 'kvartal': '2026-K5' er ikke et kvartal",
        ),
        (
            "Skole A (demo);2026-K3;gymnasium;14;620",
            "Række 2, kolonne 'niveau': 'gymnasium' er ikke et niveau",
        ),
        (
            "Skole A (demo);2026-K3;skole;fjorten;620",
            "Række 2, kolonne 'antal_i_specialtilbud': 'fjorten' er ikke et helt tal",
        ),
        (
            "Skole A (demo);2026-K3;skole;-1;620",
            "Række 2, kolonne 'antal_i_specialtilbud': Tallet kan ikke være negativt",
        ),
        (
            "Skole A (demo);2026-K3;skole;2,5;620",
            "Række 2, kolonne 'antal_i_specialtilbud': '2,5' er ikke et helt tal",
        ),
        (
            "Skole A (demo);2026-K3;skole;;620",
            "Række 2, kolonne 'antal_i_specialtilbud': Feltet skal udfyldes",
        ),
        ("Skole A (demo);2026-K3;skole;14;10", "Række 2, kolonne 'elever_i_distriktet'"),
        (
            "Skole Z;2026-K3;skole;14;620",
            "Række 2, kolonne 'institution': 'Skole Z' er ikke en kendt",
        ),
        ("Specialtilbud A (demo);2026-K3;skole;14;620", "Række 2, kolonne 'institution'"),
    ],
)
def test_it_names_the_row_and_column_of_a_bad_value(institutions, line, expected):
    InstitutionFactory(name="Specialtilbud A (demo)", kind=Institution.Kind.SPECIALTILBUD)

    with pytest.raises(CountFileError) as excinfo:
        parse_count_file(data=_csv(line), file_name="bestand.csv")

    assert any(message.startswith(expected) for message in excinfo.value.messages), (
        excinfo.value.messages
    )


def test_it_counts_rows_the_way_a_spreadsheet_does(institutions):
    data = _csv(
        *GOOD, "", "Skole A (demo);2026-K3;skole;14;620", "Skole A (demo);2026-K9;skole;1;2"
    )

    with pytest.raises(CountFileError) as excinfo:
        parse_count_file(data=data, file_name="bestand.csv")

    assert excinfo.value.messages == [
        "Række 6, kolonne 'institution': Institution, kvartal og niveau står også i række 2.",
        "Række 7, kolonne 'kvartal': '2026-K9' er ikke et kvartal på formen ÅÅÅÅ-Kn, fx 2026-K3.",
    ]


def test_it_names_missing_and_unknown_columns(institutions):
    header = "institution;kvartal;niveau;antal;elever_i_distrikt"

    with pytest.raises(CountFileError) as excinfo:
        parse_count_file(
            data=_csv("Skole A (demo);2026-K3;skole;14;620", header=header), file_name="b.csv"
        )

    messages = excinfo.value.messages
    assert "Række 1, kolonne 'antal': Ukendt kolonne." in messages[0]
    assert any(
        m.startswith("Række 1, kolonne 'elever_i_distrikt': Ukendt kolonne") for m in messages
    )
    assert (
        "Række 1, kolonne 'antal_i_specialtilbud': Kolonnen mangler i overskriftsrækken."
        in messages
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "Filen er tom."),
        (HEADER.encode() + b"\r\n", "Filen indeholder ingen rækker med tal."),
        ("institution;kvartal\r\nSkole Æ;2026-K3".encode("cp1252"), "Filen er ikke gemt som UTF-8"),
    ],
)
def test_it_refuses_an_empty_or_undecodable_file(institutions, data, expected):
    with pytest.raises(CountFileError) as excinfo:
        parse_count_file(data=data, file_name="bestand.csv")

    assert excinfo.value.messages[0].startswith(expected)


def test_a_broken_xlsx_is_refused(institutions):
    with pytest.raises(CountFileError, match="Excel"):
        parse_count_file(data=b"PK\x03\x04 not really a zip", file_name="bestand.xlsx")


def _upload(client, data: bytes, name: str = "bestand-2026-K3.csv"):
    return client.post(
        reverse("visitation:counts"), {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


def test_a_good_file_is_imported_from_the_page(client, visitation, institutions):
    client.force_login(visitation)

    response = _upload(client, _csv(*GOOD))

    assert response.status_code == 302
    assert SpecialOfferCount.objects.count() == 3
    batch = CountImport.objects.get()
    assert (batch.rows, batch.replaced_rows, batch.quarters, batch.imported_by) == (
        3,
        0,
        ["2026-Q3"],
        visitation,
    )
    page = client.get(response.url).content.decode()
    assert "Filen er indlæst: 3 rækker for K3 2026." in page
    assert "Et kvartal indlæst igen bliver erstattet" in page


def test_a_file_named_with_a_cpr_number_is_refused_at_the_file_field(
    client, visitation, institutions
):
    client.force_login(visitation)

    response = _upload(client, _csv(*GOOD), name="bestand 010203-1234.csv")

    content = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_file-error"' in content
    assert "CPR-nummer" in content
    assert not SpecialOfferCount.objects.exists()
    assert not CountImport.objects.exists()


def test_a_bad_file_writes_nothing_and_says_where_the_errors_are(client, visitation, institutions):
    client.force_login(visitation)
    SpecialOfferCount.objects.create(
        institution=institutions["school"],
        quarter="2026-07-01",
        level="skole",
        children_in_special_offers=20,
    )
    bad = _csv(*GOOD, "Skole A (demo);2026-K3;dagtilbud;x;", "Skole B (demo);2026-K7;skole;1;")

    response = _upload(client, bad)

    content = response.content.decode()
    assert response.status_code == 400
    assert "Filen er ikke indlæst. Intet er gemt." in content
    assert (
        "Række 5, kolonne &#x27;antal_i_specialtilbud&#x27;: &#x27;x&#x27; er ikke et helt tal."
        in content
    )
    assert "Række 6, kolonne &#x27;kvartal&#x27;" in content
    assert list(SpecialOfferCount.objects.values_list("children_in_special_offers", flat=True)) == [
        20
    ]
    assert not CountImport.objects.exists()


def test_importing_a_quarter_again_replaces_it_whole(client, chef, institutions):
    client.force_login(chef)
    _upload(client, _csv(*GOOD, "Skole A (demo);2026-K2;skole;15;620"))

    response = _upload(client, _csv("Skole A (demo);2026-K3;skole;12;615"))

    assert response.status_code == 302
    counts = {
        (c.institution.name, c.quarter.isoformat()): c.children_in_special_offers
        for c in SpecialOfferCount.objects.select_related("institution")
    }
    assert counts == {("Skole A (demo)", "2026-07-01"): 12, ("Skole A (demo)", "2026-04-01"): 15}
    latest = CountImport.objects.first()
    assert (latest.rows, latest.replaced_rows) == (1, 3)
    page = client.get(response.url).content.decode()
    assert "De 3 rækker, der var indlæst for samme kvartal før, er erstattet." in page


def test_only_visitation_staff_see_the_counts_per_institution(
    client, chef, visitation, institutions
):
    client.force_login(visitation)
    _upload(client, _csv(*GOOD))
    mine = client.get(reverse("visitation:counts")).content.decode()
    client.force_login(chef)
    theirs = client.get(reverse("visitation:counts")).content.decode()

    assert "Tallene for 3. kvartal 2026" in mine
    assert "Tallene for 3. kvartal 2026" not in theirs


def test_the_template_file_has_the_documented_columns(client, visitation):
    client.force_login(visitation)

    response = client.get(reverse("visitation:counts_template"))

    assert response.content.decode("utf-8-sig").splitlines()[0] == HEADER
