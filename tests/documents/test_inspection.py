"""A file is what its content says: PDF, .docx, .xlsx and .odt pass; an .exe renamed .pdf, a
zip bomb renamed .docx, a damaged or mislabelled file, a CPR number in the name do not."""

import pytest
from django.core.exceptions import ValidationError

from documents.inspection import inspect_upload, safe_file_name
from tests.documents.conftest import (
    EXE,
    PDF,
    docx,
    lying_zip_bomb,
    odt,
    upload,
    xlsx,
    zip_bomb,
    zipped,
)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("Indstilling.pdf", PDF, "pdf"),
        ("Arbejdsplan.docx", docx(), "docx"),
        ("Budget.XLSX", xlsx(), "xlsx"),
        ("Referat.odt", odt(), "odt"),
    ],
)
def test_it_accepts_the_four_formats_by_their_content(name, content, kind):
    inspected = inspect_upload(upload(name, content))

    assert inspected.kind == kind
    assert inspected.size == len(content)
    assert inspected.file_name.endswith(f".{kind}")
    assert len(inspected.sha256) == 64


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tom.pdf", b"", "tom"),
        ("program.pdf", EXE, "ikke en af de filtyper"),
        ("program.exe", EXE, "ikke en af de filtyper"),
        ("tekst.pdf", b"Bare tekst, ingen PDF.", "ikke en af de filtyper"),
        ("arkiv.docx", zipped({"a.txt": b"hej"}), "ikke en af de filtyper"),
        ("dokument.pdf", docx(), "men navnet ender på “.pdf”"),
        ("notat.docx", PDF, "men navnet ender på “.docx”"),
        ("uden-endelse", PDF, "men navnet ender på"),
        ("010190-1234 indstilling.pdf", PDF, "CPR"),
        ("0101901234.pdf", PDF, "CPR"),
    ],
)
def test_it_refuses_what_is_not_an_accepted_file(name, content, message):
    with pytest.raises(ValidationError) as exc:
        inspect_upload(upload(name, content))
    assert message in " ".join(exc.value.messages)


def test_it_refuses_a_zip_bomb_renamed_docx(settings):
    settings.DOCUMENT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    bomb = zip_bomb(5 * 1024 * 1024)
    assert len(bomb) < 50_000

    with pytest.raises(ValidationError) as exc:
        inspect_upload(upload("bombe.docx", bomb))
    assert "fylder for meget" in exc.value.messages[0]


def test_it_refuses_a_zip_bomb_that_lies_about_its_size(settings):
    settings.DOCUMENT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024

    with pytest.raises(ValidationError) as exc:
        inspect_upload(upload("bombe.docx", lying_zip_bomb(5 * 1024 * 1024)))
    assert "beskadiget" in exc.value.messages[0]


def test_it_refuses_a_docx_without_its_document_and_an_odt_with_another_mimetype():
    fake = zipped({"[Content_Types].xml": b"<Types/>", "word/styles.xml": b"<w:styles/>"})
    other = zipped(
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}
    )
    for name, content in (("falsk.docx", fake), ("regneark.odt", other)):
        with pytest.raises(ValidationError):
            inspect_upload(upload(name, content))


def test_it_refuses_a_truncated_docx():
    with pytest.raises(ValidationError) as exc:
        inspect_upload(upload("halv.docx", docx()[:-40]))
    assert "beskadiget" in exc.value.messages[0]


def test_it_refuses_a_file_over_the_limit(settings):
    settings.DOCUMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        inspect_upload(upload("stor.pdf", PDF + b"0" * 100))
    assert "for stor" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Referat fra mødet.pdf", "Referat_fra_mødet.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\x\\Sag 12.pdf", "Sag_12.pdf"),
        ('a"b;c\r\nd.pdf', "abcd.pdf"),
        ("....pdf", "bilag.pdf"),
        ("x" * 400 + ".pdf", "x" * 194 + ".pdf"),
    ],
)
def test_the_stored_name_is_safe_for_a_download(name, expected):
    assert safe_file_name(name, "pdf") == expected
