"""Sample files of each accepted format, and the wrong ones: an .exe renamed .pdf, a zip bomb
renamed .docx …; documents stored in a temporary directory."""

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import Document

NOW = dt.datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Europe/Copenhagen"))

PERSONA_FIXTURES = {
    "chef": "chef",
    "bfu": "bfu",
    "owner": "owner",
    "leader": "leader",
    "support": "support",
    "visitation": "visitation",
    "admin": "admin_user",
}
PERSONAS = list(PERSONA_FIXTURES)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def zipped(parts: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    return zipped(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>",
            **(extra or {}),
        }
    )


def xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "Bilag"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def odt() -> bytes:
    """As an office suite writes it: the mimetype first and not compressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text")
        for name, data in (
            ("content.xml", b"<office:document-content/>"),
            ("META-INF/manifest.xml", b"<manifest/>"),
        ):
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def zip_bomb(size: int) -> bytes:
    """A .docx whose document part unpacks to `size` bytes of zeros (a few KB packed)."""
    return docx({"word/document.xml": b"\0" * size})


def lying_zip_bomb(size: int) -> bytes:
    """As zip_bomb, but the archive claims the part is 10 bytes long."""
    data = bytearray(zip_bomb(size))
    needle = size.to_bytes(4, "little")
    # the uncompressed size in the local header and in the central directory
    for _ in range(2):
        index = data.index(needle)
        data[index : index + 4] = (10).to_bytes(4, "little")
    return bytes(data)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def document_storage(monkeypatch, tmp_path):
    """The field's storage is resolved from settings.STORAGES once, when the models load; the
    tests store in a directory of their own instead."""
    location = tmp_path / "dokumenter"
    monkeypatch.setattr(
        Document._meta.get_field("file"), "storage", FileSystemStorage(location=location)
    )
    return location


@pytest.fixture
def persona(request):
    return request.getfixturevalue(PERSONA_FIXTURES[request.param])
