"""Reports to the committee and the leaders: documents of record, and the reminders sent about
milestones.

A Report row is created when a report is asked for (by a person or by the schedule) and filled in
once by the compile task: the snapshot of the data at that moment, the PDF rendered from it and
the PDF's SHA-256. What the committee was told on a date stays what it was told: nothing changes
a finished report, and no view deletes one. A new version of a period is a new row; the old one
stays.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reports.archive.periods import MONTHLY, QUARTERLY


class ReportKind(models.TextChoices):
    # The committee a quarterly report goes to is the plan's: the pages and the paper name it
    # ("Kvartalsrapport til BFU"), the kind itself does not.
    KVARTALSRAPPORT = QUARTERLY, _("Kvartalsrapport")
    MAANEDSRAPPORT = MONTHLY, _("Månedsrapport")


class ReportState(models.TextChoices):
    I_KOE = "i_koe", _("I kø")
    UDARBEJDES = "udarbejdes", _("Udarbejdes")
    FAERDIG = "faerdig", _("Færdig")
    FEJLET = "fejlet", _("Fejlet")


PENDING_STATES = (ReportState.I_KOE, ReportState.UDARBEJDES)


def _pdf_path(report: "Report", filename: str) -> str:
    return f"rapporter/{report.period_start:%Y}/{filename}"


class Report(models.Model):
    kind = models.CharField(_("type"), max_length=20, choices=ReportKind.choices)
    period = models.CharField(_("periode"), max_length=7, help_text="2026-K3 eller 2026-11")
    period_label = models.CharField(_("periode"), max_length=40)
    period_start = models.DateField(_("periodens første dag"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    state = models.CharField(
        _("status"), max_length=20, choices=ReportState.choices, default=ReportState.I_KOE
    )
    failure_reason = models.TextField(_("årsag til fejl"), blank=True)
    # Empty when the schedule asked for the report ("planlagt").
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bestilt af"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("bestilt"), auto_now_add=True)
    started_at = models.DateTimeField(_("påbegyndt"), null=True, blank=True)
    finished_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    snapshot = models.JSONField(_("øjebliksbillede"), null=True, blank=True, editable=False)
    pdf = models.FileField(_("PDF"), upload_to=_pdf_path, blank=True, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    pdf_size = models.PositiveIntegerField(_("størrelse (bytes)"), null=True, blank=True)
    page_count = models.PositiveSmallIntegerField(_("sider"), null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "kind", "-version"]
        verbose_name = _("rapport")
        verbose_name_plural = _("rapporter")
        constraints = [
            # One report per kind and period, unless a new version is issued on purpose: the
            # schedule and a retried task rely on this constraint, not on a look-up first.
            models.UniqueConstraint(
                fields=["kind", "period", "version"], name="report_unique_version"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="report_version_positive"),
            # A finished report always has its snapshot and its checksummed PDF.
            models.CheckConstraint(
                condition=~Q(state=ReportState.FAERDIG)
                | (Q(snapshot__isnull=False) & ~Q(sha256="") & ~Q(pdf="")),
                name="report_finished_has_pdf",
            ),
        ]
        indexes = [
            # the archive, newest period first, filtered by year and kind
            models.Index(fields=["period_start", "kind"], name="report_period_idx"),
            # "since the last quarterly report" on the dashboard and in the quarterly report
            models.Index(fields=["kind", "state", "finished_at"], name="report_last_idx"),
        ]

    def __str__(self) -> str:
        name = f"{self.get_kind_display()} {self.period_label}"
        return f"{name}, version {self.version}" if self.version > 1 else name

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_STATES

    @property
    def is_finished(self) -> bool:
        return self.state == ReportState.FAERDIG

    @property
    def filename(self) -> str:
        """The name a download gets: kvartalsrapport-2026-K3.pdf, maanedsrapport-2026-11-v2.pdf."""
        suffix = f"-v{self.version}" if self.version > 1 else ""
        return f"{self.kind}-{self.period}{suffix}.pdf"


class ReminderSent(models.Model):
    """A reminder e-mail sent to a user on a day. The constraint allows one per person per day,
    however many times (or on however many workers) the reminder job runs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    date = models.DateField(_("dato"))
    sent_at = models.DateTimeField(_("sendt"), auto_now_add=True)
    milestones = models.PositiveSmallIntegerField(_("milepæle"), default=0)
    initiatives = models.PositiveSmallIntegerField(_("tiltag uden status"), default=0)

    class Meta:
        ordering = ["-date", "user"]
        verbose_name = _("sendt påmindelse")
        verbose_name_plural = _("sendte påmindelser")
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="reminder_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.date}"
