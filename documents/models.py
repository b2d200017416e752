"""Attachments: the committee's case papers, a working group's plan … attached by chefgruppen to
a tiltag, an investment or a decision.

A file is stored through the storage "documents" (settings.STORAGES: the file system, or an
S3-compatible store) under a random name that says nothing of the file; the name people gave it
is kept, screened, on the row and given back only in the download's Content-Disposition. Files
are served by documents.views.document_download alone, which checks that the user may read
what the document belongs to. Nothing is deleted: a document is withdrawn (DocumentWithdrawal,
a row of its own), and both tables are append-only.
"""

import secrets

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from decisions.models import Decision
from investments.models import Investment
from omstilling.bounds import NAME_LENGTH, SHORT_NOTE_LENGTH, TITLE_LENGTH
from omstilling.fields import ScreenedCharField
from omstilling.models import Plan
from tracks.models import Initiative


class DocumentKind(models.TextChoices):
    """The formats accepted, as found from the file's content (documents/inspection.py)."""

    PDF = "pdf", _("PDF")
    DOCX = "docx", _("Word-dokument (.docx)")
    XLSX = "xlsx", _("Excel-regneark (.xlsx)")
    ODT = "odt", _("OpenDocument-tekst (.odt)")


def documents_storage():
    return storages["documents"]


def random_name(instance, filename: str) -> str:
    """A name nobody can guess or read anything from (the upload's own name is on the row)."""
    return secrets.token_hex(20)


class Document(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="documents")
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("tiltag"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    investment = models.ForeignKey(
        Investment,
        verbose_name=_("investering"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("beslutning"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    title = ScreenedCharField(_("titel"), max_length=TITLE_LENGTH)
    file_name = ScreenedCharField(_("filnavn"), max_length=NAME_LENGTH)
    kind = models.CharField(_("filtype"), max_length=10, choices=DocumentKind.choices)
    file = models.FileField(
        _("fil"), storage=documents_storage, upload_to=random_name, max_length=100
    )
    size = models.PositiveBigIntegerField(_("størrelse (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tilføjet af"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("tilføjet"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("bilag")
        verbose_name_plural = _("bilag")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(initiative__isnull=False, investment__isnull=True, decision__isnull=True)
                    | Q(initiative__isnull=True, investment__isnull=False, decision__isnull=True)
                    | Q(initiative__isnull=True, investment__isnull=True, decision__isnull=False)
                ),
                name="document_belongs_to_one_thing",
            ),
        ]
        indexes = [
            # "Bilag i perioden" in the report: a plan's documents by when they were added
            models.Index(fields=["plan", "at"], name="document_plan_at_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def target(self):
        return self.initiative or self.investment or self.decision


class DocumentWithdrawal(models.Model):
    """A document taken back: it stays stored and listed with this marker, never deleted."""

    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="withdrawal")
    reason = ScreenedCharField(_("begrundelse"), max_length=SHORT_NOTE_LENGTH)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trukket tilbage af"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("trukket tilbage"), default=timezone.now)

    class Meta:
        verbose_name = _("tilbagetrukket bilag")
        verbose_name_plural = _("tilbagetrukne bilag")

    def __str__(self) -> str:
        return str(self.document)
