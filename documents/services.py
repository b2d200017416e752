"""Attaching and withdrawing documents."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from documents.inspection import inspect_upload
from documents.models import Document, DocumentWithdrawal
from omstilling.models import Plan, User


@transaction.atomic
def document_attach(*, target, by: User, upload: UploadedFile, title: str = "") -> Document:
    """Attach `upload` to `target` (a tiltag, an investment or a decision of the current plan).

    The file is checked by its content (documents/inspection.py), stored under a random name
    through the "documents" storage, and its row written; the title defaults to the file's
    name."""
    Plan.objects.check_writable(target.plan_id)
    try:
        inspected = inspect_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    field = {
        "tracks.Initiative": "initiative",
        "investments.Investment": "investment",
        "decisions.Decision": "decision",
    }[target._meta.label]
    document = Document(
        plan_id=target.plan_id,
        title=(title or "").strip() or inspected.file_name.rsplit(".", 1)[0],
        file_name=inspected.file_name,
        kind=inspected.kind,
        size=inspected.size,
        sha256=inspected.sha256,
        by=by,
        **{field: target},
    )
    document.full_clean(exclude=["file", "plan", "by", field])
    document.file.save("bilag", upload, save=False)
    document.save()
    return document


@transaction.atomic
def document_withdraw(*, document: Document, by: User, reason: str) -> DocumentWithdrawal:
    """Withdraw a document: it stays stored and listed, marked as withdrawn with the reason."""
    Plan.objects.check_writable(document.plan_id)
    Document.objects.select_for_update().get(pk=document.pk)
    if DocumentWithdrawal.objects.filter(document=document).exists():
        raise ValidationError(_("Bilaget er allerede trukket tilbage."))
    withdrawal = DocumentWithdrawal(document=document, reason=reason.strip(), by=by)
    withdrawal.full_clean(exclude=["document", "by"])
    try:
        with transaction.atomic():
            withdrawal.save()
    except IntegrityError as exc:
        raise ValidationError(_("Bilaget er allerede trukket tilbage.")) from exc
    return withdrawal
