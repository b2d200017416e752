"""The register of the committee's decisions (and the approving body's, for investments).

A decision is a document of record: rows are only ever added. A correction is a new row that
restates the decision in full and points to the row it corrects (`corrects`); the register
shows the latest row of each chain and keeps the earlier ones as its history. Nothing is
deleted, and on PostgreSQL a trigger refuses UPDATE and DELETE on the table and its links.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from investments.models import Investment
from omstilling.bounds import REFERENCE_LENGTH, STATUS_LENGTH, TITLE_LENGTH
from omstilling.fields import BoundedDateModelField, ScreenedCharField, ScreenedTextField
from omstilling.models import Plan, PlanNames
from omstilling.privacy import validate_case_number
from tracks.models import Initiative, Recommendation


class DecisionBody(models.TextChoices):
    """Which body decided. The labels here are only fallbacks: pages and reports name the
    bodies as the plan does (`Decision.body_name`)."""

    COMMITTEE = "udvalg", _("Udvalget")
    APPROVING_BODY = "godkendende", _("Det godkendende organ")


class DecisionQuerySet(models.QuerySet):
    def current(self) -> "DecisionQuerySet":
        """The decisions as they stand: the rows no later row corrects."""
        return self.filter(correction__isnull=True)


class Decision(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="decisions")
    body = models.CharField(_("besluttet af"), max_length=20, choices=DecisionBody.choices)
    meeting_date = BoundedDateModelField(_("mødedato"))
    case_number = ScreenedCharField(
        _("sagsnummer"),
        max_length=REFERENCE_LENGTH,
        validators=[validate_case_number],
        help_text=_("Sagens nummer på dagsordenen eller i sagssystemet, fx “sag 67”."),
    )
    title = ScreenedCharField(_("overskrift"), max_length=TITLE_LENGTH)
    text = ScreenedTextField(_("beslutning"), max_length=STATUS_LENGTH)
    initiatives = models.ManyToManyField(
        Initiative, verbose_name=_("tiltag"), blank=True, related_name="committee_decisions"
    )
    investments = models.ManyToManyField(
        Investment, verbose_name=_("investeringer"), blank=True, related_name="committee_decisions"
    )
    recommendations = models.ManyToManyField(
        Recommendation,
        verbose_name=_("anbefalinger"),
        blank=True,
        related_name="committee_decisions",
    )
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("retter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registreret af"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("registreret"), default=timezone.now)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting_date", "-at", "-pk"]
        verbose_name = _("beslutning")
        verbose_name_plural = _("beslutninger")
        indexes = [
            # the register and "Beslutninger i perioden": a plan's decisions by meeting date
            models.Index(fields=["plan", "meeting_date"], name="decision_plan_meeting_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_number}: {self.title}"

    def body_name(self, names: PlanNames) -> str:
        """The body as the plan names it."""
        if self.body == DecisionBody.APPROVING_BODY:
            return names.approving_body
        return names.committee
