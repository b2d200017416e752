"""What an uploaded file is, decided by its content, never by its name.

`inspect_upload` accepts PDF, .docx, .xlsx and .odt. The type comes from the file's first bytes
(the `filetype` package); the name's extension must agree with it. The three zip-based formats
are opened as zip archives and must hold the parts their format requires; every member is
decompressed once, counting, so an archive whose content unpacks to more than
DOCUMENT_MAX_UNCOMPRESSED_BYTES (a zip bomb), or that is damaged, is refused before anything is
stored. The file name is screened like every other text and made safe for a download.
"""

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from documents.models import DocumentKind
from omstilling.bounds import NAME_LENGTH
from omstilling.privacy import screen_free_text

HEAD_BYTES = 8192  # what filetype reads to recognise a format
MAX_MEMBERS = 5_000  # parts of a zip-based document; real ones have tens to a few hundred
CHUNK = 64 * 1024

_MIME = {
    "application/pdf": DocumentKind.PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": DocumentKind.DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": DocumentKind.XLSX,
    "application/vnd.oasis.opendocument.text": DocumentKind.ODT,
}
_ODT_MIME = b"application/vnd.oasis.opendocument.text"
# The parts each zip-based format cannot be without.
_REQUIRED = {
    DocumentKind.DOCX: ("[Content_Types].xml", "word/document.xml"),
    DocumentKind.XLSX: ("[Content_Types].xml", "xl/workbook.xml"),
    DocumentKind.ODT: ("mimetype", "content.xml"),
}
_ACCEPTED = _(
    "Vælg en PDF, et Word-dokument (.docx), et Excel-regneark (.xlsx) eller en "
    "OpenDocument-tekst (.odt)."
)


@dataclass(frozen=True)
class Inspected:
    kind: str
    file_name: str  # safe for a download, with the extension of its kind
    size: int
    sha256: str


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="document")


def safe_file_name(name: str, kind: str) -> str:
    """The upload's name without a path, without characters a download cannot carry, at most
    NAME_LENGTH long, ending in its kind's extension."""
    stem = PurePath(name.replace("\\", "/")).stem
    stem = get_valid_filename(stem.strip()) if stem.strip(" ._") else ""
    stem = stem[: NAME_LENGTH - 6] or "bilag"
    return f"{stem}.{kind}"


def _check_zip(upload: UploadedFile, kind: str) -> None:
    limit = settings.DOCUMENT_MAX_UNCOMPRESSED_BYTES
    damaged = _refuse(
        _("Filen er beskadiget og kan ikke åbnes som %(kind)s.")
        % {"kind": DocumentKind(kind).label}
    )
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise damaged
            names = {m.filename for m in members}
            if not all(part in names for part in _REQUIRED[kind]):
                raise _refuse(
                    _("Filen er ikke et rigtigt %(kind)s, selv om den ligner et.")
                    % {"kind": DocumentKind(kind).label}
                )
            if kind == DocumentKind.ODT and archive.read("mimetype").strip() != _ODT_MIME:
                raise damaged
            too_big = _refuse(
                _("Filens indhold fylder for meget, når det pakkes ud (højst %(limit)s).")
                % {"limit": filesizeformat(limit)}
            )
            if sum(m.file_size for m in members) > limit:
                raise too_big
            unpacked = 0
            for member in members:
                if member.flag_bits & 0x1:
                    raise _refuse(_("Filen er krypteret. Vedhæft den uden adgangskode."))
                with archive.open(member) as part:
                    while chunk := part.read(CHUNK):
                        unpacked += len(chunk)
                        if unpacked > limit:
                            raise too_big
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        OSError,
        NotImplementedError,
        RuntimeError,
        ValueError,
    ) as exc:
        raise damaged from exc
    finally:
        upload.seek(0)


def inspect_upload(upload: UploadedFile) -> Inspected:
    """Check an uploaded file; a ValidationError (in Danish) says why it is refused."""
    limit = settings.DOCUMENT_MAX_BYTES
    if not upload.size:
        raise _refuse(_("Filen er tom."))
    if upload.size > limit:
        raise _refuse(
            _("Filen er for stor (%(size)s). Den må højst fylde %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    name = upload.name or ""
    screen_free_text(name)  # a CPR number in a file name is refused like anywhere else
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = _MIME.get(filetype.guess_mime(head) or "")
    if kind is None:
        raise _refuse(
            _("Filens indhold er ikke en af de filtyper, portalen modtager. ") + _ACCEPTED
        )
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension != kind:
        raise _refuse(
            _(
                "Filens indhold er %(kind)s, men navnet ender på “.%(extension)s”. Ret navnet, "
                "så det passer til indholdet."
            )
            % {"kind": DocumentKind(kind).label, "extension": extension[:10]}
        )
    if kind in _REQUIRED:
        _check_zip(upload, kind)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Inspected(kind, safe_file_name(name, kind), upload.size, digest.hexdigest())
