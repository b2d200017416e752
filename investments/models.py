"""The plan's one-off investment pool (Vejle's: 50 mio. kr.): udviklingsskoler, investments,
their decision path and spending.

Amounts are kroner as exact decimals (øre in the two decimal places), never floats.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from omstilling.bounds import NOTE_LENGTH, ORDER_MAX, REFERENCE_LENGTH, STATUS_LENGTH, TITLE_LENGTH
from omstilling.fields import BoundedDateModelField, ScreenedCharField, ScreenedTextField
from omstilling.models import Institution, Plan, PlanNames
from tracks.models import Initiative

AMOUNT_MAX_DIGITS = 14
AMOUNT_DECIMAL_PLACES = 2
ZERO = Decimal("0.00")


def amount_field(verbose_name) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES
    )


class DevelopmentSchool(models.Model):
    """An udviklingsskole funded by the plan's pool, with the daycares linked to it."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="development_schools")
    school = models.ForeignKey(
        Institution,
        verbose_name=_("skole"),
        on_delete=models.PROTECT,
        limit_choices_to={"kind": Institution.Kind.SKOLE},
        related_name="development_schools",
    )
    daycares = models.ManyToManyField(
        Institution,
        verbose_name=_("tilknyttede dagtilbud"),
        blank=True,
        limit_choices_to={"kind": Institution.Kind.DAGTILBUD},
        related_name="linked_development_schools",
    )
    order = models.PositiveSmallIntegerField(
        _("rækkefølge"), default=0, validators=[MaxValueValidator(ORDER_MAX)]
    )
    history = HistoricalRecords(m2m_fields=[daycares])

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = _("udviklingsskole")
        verbose_name_plural = _("udviklingsskoler")
        constraints = [
            models.UniqueConstraint(fields=["plan", "school"], name="devschool_unique_school"),
        ]

    def __str__(self) -> str:
        return str(self.school)


class InvestmentState(models.TextChoices):
    """The decision path. The committee that treats an investment and the body that approves
    it are the plan's (`state_label`); these labels name neither. The stored value
    "behandlet_bfu" is kept from the first plan's words: it is never shown."""

    KLADDE = "kladde", _("Kladde")
    BEHANDLET_BFU = "behandlet_bfu", _("Behandlet i udvalget")
    GODKENDT = "godkendt", _("Godkendt")
    I_GANG = "i_gang", _("I gang")
    AFSLUTTET = "afsluttet", _("Afsluttet")
    AFVIST = "afvist", _("Afvist")


def state_label(state: str, names: PlanNames) -> str:
    """A state as the plan's governance names it: "Behandlet i BFU", "Godkendt af ØKU og
    gruppeformænd" (the one home of these words; pages, forms, exports and reports call it)."""
    if state == InvestmentState.BEHANDLET_BFU:
        return _("Behandlet i %(committee)s") % {"committee": names.committee_short}
    if state == InvestmentState.GODKENDT:
        return _("Godkendt af %(body)s") % {"body": names.approving_body_short}
    return str(InvestmentState(state).label)


# Investments in these states count against the pool.
APPROVED_STATES = (InvestmentState.GODKENDT, InvestmentState.I_GANG, InvestmentState.AFSLUTTET)
# Spending may be recorded while the money is approved and the work not yet closed.
SPENDABLE_STATES = (InvestmentState.GODKENDT, InvestmentState.I_GANG)


class Investment(models.Model):
    """One investment from the pool. Its state moves along the decision path (InvestmentDecision);
    `version` guards edits and decisions against two people saving over each other."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="investments")
    development_school = models.ForeignKey(
        DevelopmentSchool,
        verbose_name=_("udviklingsskole"),
        on_delete=models.PROTECT,
        related_name="investments",
    )
    title = ScreenedCharField(_("titel"), max_length=TITLE_LENGTH)
    purpose = ScreenedTextField(_("formål"), max_length=STATUS_LENGTH, blank=True)
    initiatives = models.ManyToManyField(
        Initiative, verbose_name=_("tiltag"), blank=True, related_name="investments"
    )
    amount = amount_field(_("beløb (kr.)"))
    state = models.CharField(
        _("status"),
        max_length=20,
        choices=InvestmentState.choices,
        default=InvestmentState.KLADDE,
        editable=False,
    )
    version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oprettet af"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)
    history = HistoricalRecords(m2m_fields=[initiatives], excluded_fields=["version"])

    class Meta:
        ordering = ["development_school__order", "development_school", "created_at", "pk"]
        verbose_name = _("investering")
        verbose_name_plural = _("investeringer")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="investment_amount_positive"),
        ]
        indexes = [
            # the approved total of a plan, summed under the plan's row lock on every approval
            models.Index(fields=["plan", "state"], name="investment_plan_state_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_approved(self) -> bool:
        return self.state in APPROVED_STATES


class InvestmentDecision(models.Model):
    """One step on an investment's decision path. Rows are only ever added."""

    investment = models.ForeignKey(Investment, on_delete=models.PROTECT, related_name="decisions")
    from_state = models.CharField(_("fra status"), max_length=20, choices=InvestmentState.choices)
    to_state = models.CharField(_("til status"), max_length=20, choices=InvestmentState.choices)
    decided_on = BoundedDateModelField(_("dato"))
    reference = ScreenedCharField(_("reference"), max_length=REFERENCE_LENGTH, blank=True)
    note = ScreenedTextField(_("note"), max_length=NOTE_LENGTH, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registreret af"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("registreret"), default=timezone.now)

    class Meta:
        ordering = ["decided_on", "at", "pk"]
        verbose_name = _("beslutning")
        verbose_name_plural = _("beslutninger")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_state=models.F("to_state")), name="decision_changes_state"
            ),
        ]
        indexes = [
            # "Godkendt dato" per investment in the overview and the exports
            models.Index(fields=["investment", "to_state"], name="decision_investment_to_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.investment}: {self.get_to_state_display()}"


class Spending(models.Model):
    """Money spent on an investment. Rows are only ever added."""

    investment = models.ForeignKey(Investment, on_delete=models.PROTECT, related_name="spendings")
    spent_on = BoundedDateModelField(_("dato"))
    amount = amount_field(_("beløb (kr.)"))
    note = ScreenedTextField(_("note"), max_length=NOTE_LENGTH, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registreret af"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("registreret"), default=timezone.now)

    class Meta:
        ordering = ["spent_on", "at", "pk"]
        verbose_name = _("forbrug")
        verbose_name_plural = _("forbrug")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="spending_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.investment}: {self.amount}"
