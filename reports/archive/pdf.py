"""A report's snapshot rendered to PDF by WeasyPrint: A4, Danish, tagged (PDF/UA-1).

WeasyPrint fetches what a document links to. A report holds text that people typed into the
portal, so the fetcher given to WeasyPrint serves our own static files (the style sheet and the
fonts) from disk, and the plan's logo that the snapshot names, and refuses every other URL: no
request ever leaves the machine, whatever the content says.
"""

import hashlib
import logging
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils._os import safe_join

# WeasyPrint reports each rendering step at INFO; a worker's log needs only its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

import pydyf  # noqa: E402
from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"
TEMPLATE = "reports/pdf/report.html"
APPENDIX = "bilag"  # the id of the appendix's first heading: the main part ends before it
# Relative URLs in the report resolve against this base. The host is reserved (RFC 2606) and
# never asked for: the fetcher maps its static path to files on disk.
BASE_URL = "https://rapport.invalid/"
# The plan's logo on the cover (`<img src="logo">`), served from the media storage.
LOGO_URL = urljoin(BASE_URL, "logo")


class RefusedURL(ValueError):
    """A URL the report renderer will not fetch. WeasyPrint logs it and leaves the resource out."""


def _static_file(relative: str) -> Path | None:
    if not relative or ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        try:
            path = Path(safe_join(str(settings.STATIC_ROOT), relative))
        except Exception:  # noqa: BLE001 - a path outside STATIC_ROOT is simply not ours
            return None
        return path if path.is_file() else None
    return None


class StaticFilesOnlyFetcher(URLFetcher):
    """Serves `BASE_URL` + STATIC_URL from our static files on disk; refuses everything else
    (http, https, file, data, ftp …) without opening a connection."""

    def __init__(self, *, logo: tuple[bytes, str] | None = None):
        super().__init__(timeout=1, allowed_protocols=())
        self.static_prefix = urljoin(BASE_URL, settings.STATIC_URL)
        self.logo = logo
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url == LOGO_URL and self.logo is not None:
            content, content_type = self.logo
            return URLFetcherResponse(url, body=content, headers={"Content-Type": content_type})
        if not url.startswith(self.static_prefix):
            self.refused.append(url)
            logger.warning("Rapport: hentede ikke %s (kun egne statiske filer)", url[:200])
            raise RefusedURL(f"not one of our static files: {url[:200]}")
        relative = unquote(urlsplit(url).path)[len(urlsplit(self.static_prefix).path) :]
        path = _static_file(relative)
        if path is None:
            raise RefusedURL(f"no such static file: {relative}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int
    # Pages before the one holding the anchor APPENDIX (all of them without an appendix).
    main_pages: int


def _reference_number(value) -> int | None:
    """The object number of a pydyf reference ("12 0 R"), else None."""
    text = value.decode() if isinstance(value, bytes) else str(value)
    parts = text.split()
    return int(parts[0]) if len(parts) == 3 and parts[2] == "R" else None


def scope_table_headers(document, pdf) -> None:
    """Give every table header cell its /Scope (PDF/UA-1 §7.5), as HTML's `scope` says: a
    header in a table's head (THead) heads its column, one in its body or foot (TBody, TFoot)
    heads its row. Our templates write `scope="col"` in <thead> and `scope="row"` elsewhere;
    WeasyPrint tags the cells but does not carry the attribute over. A WeasyPrint finisher:
    it runs on the PDF's objects before they are written."""
    objects = {obj.number: obj for obj in pdf.objects if hasattr(obj, "number")}
    for obj in pdf.objects:
        if not isinstance(obj, dict) or obj.get("S") != "/TH":
            continue
        parent = objects.get(_reference_number(obj.get("P", "")))
        section = parent
        while section is not None and section.get("S") == "/TR":
            section = objects.get(_reference_number(section.get("P", "")))
        role = section.get("S") if section is not None else None
        obj.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
        obj["A"]["Scope"] = "/Column" if role == "/THead" else "/Row"


def html_to_pdf(html: str, *, fetcher: URLFetcher | None = None) -> RenderedPdf:
    """Any HTML to a tagged PDF, with only our static files fetched."""
    document = HTML(
        string=html, base_url=BASE_URL, url_fetcher=fetcher or StaticFilesOnlyFetcher()
    ).render()
    main = next(
        (n for n, page in enumerate(document.pages) if APPENDIX in page.anchors),
        len(document.pages),
    )
    return RenderedPdf(
        content=document.write_pdf(pdf_variant=PDF_VARIANT, finisher=scope_table_headers),
        pages=len(document.pages),
        main_pages=main,
    )


def report_html(snapshot: dict, *, logo: bool = False) -> str:
    """The report as HTML; `logo`: the cover shows the plan's logo (served at LOGO_URL)."""
    with translation.override("da"):
        return render_to_string(TEMPLATE, {"s": snapshot, "logo": logo})


def snapshot_logo(snapshot: dict) -> tuple[bytes, str] | None:
    """The logo the snapshot names, with its media type, if the stored file is still the one
    the report was compiled with (same SHA-256); else None, and the cover shows no logo."""
    plan = snapshot.get("plan", {})
    name, sha256 = plan.get("logo"), plan.get("logo_sha256")
    if not name or not sha256:
        return None
    try:
        with default_storage.open(name, "rb") as stored:
            content = stored.read()
    except OSError:
        logger.warning("Rapport: logoet %s findes ikke længere", name[:200])
        return None
    if hashlib.sha256(content).hexdigest() != sha256:
        logger.warning("Rapport: logoet %s er ikke det, rapporten blev udarbejdet med", name[:200])
        return None
    return content, mimetypes.guess_type(name)[0] or "application/octet-stream"


def render_report(snapshot: dict) -> RenderedPdf:
    """The report's PDF, from its snapshot alone (and the logo file it names)."""
    logo = snapshot_logo(snapshot)
    return html_to_pdf(
        report_html(snapshot, logo=logo is not None),
        fetcher=StaticFilesOnlyFetcher(logo=logo),
    )
