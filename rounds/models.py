"""Update rounds (opdateringsrunder): chefgruppen asks the owners of a set of tiltag for a
status update for a quarter by a deadline; closing the round compiles the quarterly report."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omstilling.fields import BoundedDateModelField
from omstilling.models import Plan
from omstilling.quarters import Quarter, validate_quarter_start
from tracks.models import Initiative


class UpdateRound(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="update_rounds")
    period = models.DateField(_("kvartal"), validators=[validate_quarter_start])
    deadline = BoundedDateModelField(_("frist"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("åbnet af"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("åbnet"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lukket af"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("lukket"), null=True, blank=True)
    # The quarterly report compiled when the round was closed.
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-period", "-pk"]
        verbose_name = _("opdateringsrunde")
        verbose_name_plural = _("opdateringsrunder")
        constraints = [
            models.UniqueConstraint(fields=["plan", "period"], name="round_one_per_quarter"),
            # at most one open round per plan: "Mine opgaver" shows one deadline
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(closed_at__isnull=True),
                name="round_one_open_per_plan",
            ),
        ]

    def __str__(self) -> str:
        return _("Opdateringsrunde for %(quarter)s") % {"quarter": self.quarter.label}

    def get_absolute_url(self) -> str:
        return reverse("rounds:detail", args=[self.pk])

    @property
    def quarter(self) -> Quarter:
        return Quarter.of(self.period)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RoundItem(models.Model):
    """A tiltag asked for an update in a round."""

    round = models.ForeignKey(UpdateRound, on_delete=models.PROTECT, related_name="items")
    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["initiative__spor__number", "initiative__order", "initiative__pk"]
        verbose_name = _("tiltag i runden")
        verbose_name_plural = _("tiltag i runden")
        constraints = [
            models.UniqueConstraint(fields=["round", "initiative"], name="round_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.initiative}"
