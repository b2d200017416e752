"""A demo document: a one-page PDF attached by chefgruppen to the plan's first tiltag and to
the first decision, written through the service (stored like any other upload)."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from decisions.models import Decision
from documents.services import document_attach
from omstilling.demo import register_demo_seeder
from omstilling.models import Institution, Plan, User
from tracks.models import Initiative


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)  # A4 in points
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@register_demo_seeder
def seed_documents_demo(
    *, users: dict[str, User], institutions: dict[str, Institution], today: dt.date
) -> None:
    plan = Plan.objects.current()
    initiative = Initiative.objects.filter(plan=plan).order_by("spor__number", "order").first()
    if initiative is None:
        return
    chef = users["chefgruppe"]
    content = _blank_pdf()
    document_attach(
        target=initiative,
        by=chef,
        upload=SimpleUploadedFile("Kommissorium (demo).pdf", content),
        title="Kommissorium for arbejdsgruppen (demo)",
    )
    # The newest decision, the one the register lists first.
    decision = Decision.objects.current().filter(plan=plan).order_by("-meeting_date", "-at").first()
    if decision is not None:
        document_attach(
            target=decision,
            by=chef,
            upload=SimpleUploadedFile("Sagsfremstilling (demo).pdf", content),
            title="Sagsfremstilling (demo)",
        )
