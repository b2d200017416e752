"""Visitation: før-henvisninger, henvisninger and their decisions, the quarterly count of children
in special offers (bestand), and chefgruppen's KPI targets.

A child appears here only as a pseudonymous case key (omstilling.privacy.case_key): no name,
no CPR number, no address, no free-text description. Child-level rows (PreReferral, Referral,
Decision) are deleted RETENTION_MONTHS after their case is closed (visitation/tasks.py); what
the KPIs need from them is kept first as month figures (ReferralMonthStats), which hold counts
only. SpecialOfferCount and KpiTarget are aggregates and are kept.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from omstilling.bounds import COUNT_MAX, NAME_LENGTH, NOTE_LENGTH, SHORT_NOTE_LENGTH
from omstilling.fields import BoundedDateModelField, ScreenedCharField, ScreenedTextField
from omstilling.models import Institution
from omstilling.quarters import Quarter, validate_quarter_start

# The general offers a child is referred from and whose counts are imported.
GENERAL_KINDS = (Institution.Kind.DAGTILBUD, Institution.Kind.SKOLE)


class AgeGroup(models.TextChoices):
    """Age group or grade level, in bands wide enough not to point at one child."""

    DAGTILBUD_0_2 = "dagtilbud_0_2", _("0–2 år (dagpleje og vuggestue)")
    DAGTILBUD_3_5 = "dagtilbud_3_5", _("3–5 år (børnehave)")
    SKOLE_0 = "skole_0", _("0. klasse")
    SKOLE_1_3 = "skole_1_3", _("1.–3. klasse")
    SKOLE_4_6 = "skole_4_6", _("4.–6. klasse")
    SKOLE_7_10 = "skole_7_10", _("7.–10. klasse")


# Age groups from which a child can start school (the "school start directly in a special
# offer after a general kindergarten" indicator).
SCHOOL_START_AGE_GROUPS = (AgeGroup.DAGTILBUD_3_5, AgeGroup.SKOLE_0)


class ExternalSupport(models.TextChoices):
    """Who in the external support system led the før-henvisning."""

    PPR = "ppr", _("PPR")
    PAED_RAADGIVER = "paed_raadgiver", _("Pædagogisk rådgiver (Dagtilbud)")
    SOCIALFAGLIG = "socialfaglig", _("Socialfaglig rådgiver")
    LAERINGSKONSULENT = "laeringskonsulent", _("Læringskonsulent")
    PAED_VEJLEDER = "paed_vejleder", _("Pædagogisk vejleder")


class PreReferralOutcome(models.TextChoices):
    PENDING = "afventer", _("Afventer")
    STAYED = "almentilbud", _("Blev i almentilbuddet")
    REFERRED = "henvist", _("Gik videre til henvisning")


class DecisionKind(models.TextChoices):
    GENERAL_WITH_SUPPORT = "almen_med_stoette", _("Almentilbud med støtte")
    SPECIAL_OFFER = "specialtilbud", _("Specialtilbud")


class SpecialOfferType(models.TextChoices):
    SPECIALGRUPPE_DAGTILBUD = "specialgruppe_dagtilbud", _("Specialgruppe i dagtilbud")
    SPECIALBOERNEHAVE = "specialboernehave", _("Specialbørnehave")
    SPECIALKLASSE = "specialklasse", _("Specialklasse")
    SPECIALSKOLE = "specialskole", _("Specialskole")
    DAGBEHANDLING = "dagbehandling", _("Dagbehandlingstilbud")
    ANDET = "andet", _("Andet specialtilbud")


class Level(models.TextChoices):
    """The offer level a count belongs to."""

    DAGTILBUD = "dagtilbud", _("Dagtilbud")
    SKOLE = "skole", _("Skole")


class PreReferral(models.Model):
    """A før-henvisning: sparring led by the external support system before any referral."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="pre_referrals",
    )
    age_group = models.CharField(_("alder/klassetrin"), max_length=20, choices=AgeGroup.choices)
    case_key = models.CharField(_("sagsnøgle"), max_length=64, db_index=True, editable=False)
    held_on = BoundedDateModelField(_("holdt den"))
    led_by = models.CharField(_("ledet af"), max_length=20, choices=ExternalSupport.choices)
    outcome = models.CharField(
        _("udfald"),
        max_length=20,
        choices=PreReferralOutcome.choices,
        default=PreReferralOutcome.PENDING,
    )
    # The day the outcome was known: the case is closed then, and retention counts from it.
    outcome_on = BoundedDateModelField(_("udfald kendt den"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registreret"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("før-henvisning")
        verbose_name_plural = _("før-henvisninger")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome=PreReferralOutcome.PENDING, outcome_on__isnull=True)
                | (~Q(outcome=PreReferralOutcome.PENDING) & Q(outcome_on__isnull=False)),
                name="prereferral_outcome_dated",
            ),
        ]
        indexes = [
            # retention: closed cases by the day they closed
            models.Index(fields=["outcome_on"], name="prereferral_closed_idx"),
        ]

    def __str__(self) -> str:
        return _("Før-henvisning %(pk)s") % {"pk": self.pk}

    @property
    def short_key(self) -> str:
        return self.case_key[:8]


class Referral(models.Model):
    """A henvisning to the visitation committee. Its decision is the newest Decision row."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    age_group = models.CharField(_("alder/klassetrin"), max_length=20, choices=AgeGroup.choices)
    case_key = models.CharField(_("sagsnøgle"), max_length=64, db_index=True, editable=False)
    received_on = BoundedDateModelField(_("modtaget den"))
    pre_referral = models.ForeignKey(
        PreReferral,
        verbose_name=_("før-henvisning"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    # True also when the før-henvisning was held but is not (or no longer) recorded here.
    preceded_by_pre_referral = models.BooleanField(_("før-henvisning holdt"), default=False)
    decided_on = BoundedDateModelField(_("afgjort den"), null=True, blank=True)
    decision = models.CharField(
        _("afgørelse"), max_length=20, choices=DecisionKind.choices, blank=True
    )
    special_offer_type = models.CharField(
        _("type af specialtilbud"), max_length=30, choices=SpecialOfferType.choices, blank=True
    )
    school_start_direct = models.BooleanField(
        _("skolestart direkte i specialtilbud efter almindelig børnehave"), default=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registreret"), auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("henvisning")
        verbose_name_plural = _("henvisninger")
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True, decision="")
                | (Q(decided_on__isnull=False) & ~Q(decision="")),
                name="referral_decision_dated",
            ),
            models.CheckConstraint(
                condition=Q(decision=DecisionKind.SPECIAL_OFFER) & ~Q(special_offer_type="")
                | ~Q(decision=DecisionKind.SPECIAL_OFFER)
                & Q(special_offer_type="", school_start_direct=False),
                name="referral_special_offer_typed",
            ),
            models.CheckConstraint(
                condition=Q(pre_referral__isnull=True) | Q(preceded_by_pre_referral=True),
                name="referral_preceded_flag",
            ),
        ]
        indexes = [
            # retention: decided cases by the day they were decided
            models.Index(fields=["decided_on"], name="referral_decided_idx"),
        ]

    def __str__(self) -> str:
        return _("Henvisning %(pk)s") % {"pk": self.pk}

    @property
    def short_key(self) -> str:
        return self.case_key[:8]


class Decision(models.Model):
    """One decision on a referral, kept as history: a correction is a new row. Append-only."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="decisions")
    decided_on = BoundedDateModelField(_("afgjort den"))
    decision = models.CharField(_("afgørelse"), max_length=20, choices=DecisionKind.choices)
    special_offer_type = models.CharField(
        _("type af specialtilbud"), max_length=30, choices=SpecialOfferType.choices, blank=True
    )
    school_start_direct = models.BooleanField(
        _("skolestart direkte i specialtilbud efter almindelig børnehave"), default=False
    )
    note = ScreenedTextField(_("bemærkning"), max_length=NOTE_LENGTH, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registreret"), auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("afgørelse")
        verbose_name_plural = _("afgørelser")

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.decided_on:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Decision rows are append-only")
        super().save(*args, **kwargs)


class PreReferralOutcomeChange(models.Model):
    """The history of a før-henvisning's outcome (also the first one). Append-only."""

    pre_referral = models.ForeignKey(
        PreReferral, on_delete=models.PROTECT, related_name="outcome_changes"
    )
    outcome = models.CharField(_("udfald"), max_length=20, choices=PreReferralOutcome.choices)
    outcome_on = BoundedDateModelField(_("udfald kendt den"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registreret"), auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("ændring af udfald")
        verbose_name_plural = _("ændringer af udfald")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.recorded_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("PreReferralOutcomeChange rows are append-only")
        super().save(*args, **kwargs)


class ReferralMonthStats(models.Model):
    """The referral KPIs' raw counts for one month, kept when the month's child rows go.

    Written by the retention job just before it deletes the first closed case of a month; from
    then on the KPIs read the month from here and no new case may be dated in it. Counts only.
    """

    month = models.DateField(_("måned"), unique=True)
    referrals = models.PositiveIntegerField(_("henvisninger modtaget"), default=0)
    referrals_preceded = models.PositiveIntegerField(_("heraf med før-henvisning"), default=0)
    pre_referrals_stayed = models.PositiveIntegerField(
        _("før-henvisninger: blev i almentilbuddet"), default=0
    )
    pre_referrals_referred = models.PositiveIntegerField(
        _("før-henvisninger: gik videre til henvisning"), default=0
    )
    school_start_direct = models.PositiveIntegerField(
        _("skolestart direkte i specialtilbud"), default=0
    )
    frozen_at = models.DateTimeField(_("gemt"), auto_now_add=True)

    class Meta:
        ordering = ["month"]
        verbose_name = _("månedstal for visitation")
        verbose_name_plural = _("månedstal for visitation")
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="referralmonthstats_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class CountImport(models.Model):
    """One import of quarterly counts: who, when, which file, what it replaced. Append-only."""

    file_name = ScreenedCharField(_("fil"), max_length=NAME_LENGTH)
    quarters = models.JSONField(_("kvartaler"), default=list)
    rows = models.PositiveIntegerField(_("rækker"))
    replaced_rows = models.PositiveIntegerField(_("erstattede rækker"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("indlæst"), auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("indlæsning af bestand")
        verbose_name_plural = _("indlæsninger af bestand")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("CountImport rows are append-only")
        super().save(*args, **kwargs)

    @property
    def quarter_labels(self) -> str:
        return ", ".join(Quarter.parse(code).short_label for code in self.quarters)


class SpecialOfferCount(models.Model):
    """Bestand: children of a district school or daycare in a municipal special offer, per
    quarter."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="special_offer_counts",
    )
    quarter = models.DateField(_("kvartal"), validators=[validate_quarter_start])
    level = models.CharField(_("niveau"), max_length=20, choices=Level.choices)
    children_in_special_offers = models.PositiveIntegerField(
        _("antal i specialtilbud"), validators=[MaxValueValidator(COUNT_MAX)]
    )
    district_pupils = models.PositiveIntegerField(
        _("elever i distriktet"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(COUNT_MAX)],
        help_text=_("Alle børn i distriktet på niveauet, også dem i specialtilbud."),
    )
    source = models.ForeignKey(
        CountImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="counts"
    )

    class Meta:
        ordering = ["quarter", "level", "institution__name"]
        verbose_name = _("bestand i specialtilbud")
        verbose_name_plural = _("bestand i specialtilbud")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "quarter", "level"], name="specialoffercount_unique"
            ),
            models.CheckConstraint(
                condition=Q(district_pupils__isnull=True)
                | Q(district_pupils__gte=models.F("children_in_special_offers")),
                name="specialoffercount_pupils_cover_special",
            ),
        ]
        indexes = [
            # the KPIs: sums per quarter and level
            models.Index(fields=["quarter", "level"], name="specialoffercount_q_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.quarter:%Y-%m} {self.level}"


class KpiIndicator(models.TextChoices):
    """The indicators chefgruppen sets targets for, with the unit the target is in."""

    SPECIAL_TOTAL = "special_total", _("Børn og unge i specialtilbud i alt")
    SPECIAL_DAGTILBUD = "special_dagtilbud", _("Børn i specialtilbud, dagtilbud")
    SPECIAL_SKOLE = "special_skole", _("Børn og unge i specialtilbud, skole")
    SEGREGATION_RATE = "segregation_rate", _("Segregeringsgrad, alle distriktsskoler (%)")
    REFERRALS = "referrals", _("Henvisninger til visitation pr. kvartal")
    PRECEDED_SHARE = "preceded_share", _("Andel henvisninger med før-henvisning (%)")
    STAYED_SHARE = (
        "stayed_share",
        _("Andel før-henvisninger, hvor barnet blev i almentilbuddet (%)"),
    )


PERCENT_INDICATORS = (
    KpiIndicator.SEGREGATION_RATE,
    KpiIndicator.PRECEDED_SHARE,
    KpiIndicator.STAYED_SHARE,
)


class KpiTarget(models.Model):
    """Chefgruppen's target (and baseline, where one is set) for an indicator in a quarter.

    The baseline is entered once, in the quarter it was measured, and holds until a later
    quarter sets a new one.
    """

    indicator = models.CharField(_("nøgletal"), max_length=30, choices=KpiIndicator.choices)
    quarter = models.DateField(_("kvartal"), validators=[validate_quarter_start])
    target = models.DecimalField(_("mål"), max_digits=10, decimal_places=1, null=True, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    note = ScreenedCharField(_("note"), max_length=SHORT_NOTE_LENGTH, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "quarter"]
        verbose_name = _("mål for nøgletal")
        verbose_name_plural = _("mål for nøgletal")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "quarter"], name="kpitarget_unique"),
            models.CheckConstraint(
                condition=Q(target__isnull=False) | Q(baseline__isnull=False),
                name="kpitarget_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()} {self.quarter:%Y-%m}"


def school_year_of(day: dt.date) -> int:
    """The school year (August–July) a day falls in, by the year it starts: 2026-02-01 → 2025."""
    return day.year if day.month >= 8 else day.year - 1


def school_year_label(start_year: int) -> str:
    """2025 → "2025/26"."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"
