"""The support system: who can help with what, and forløbscirklen (stages as data, forløb, history).

A forløb about one child or young person holds no name, CPR number, address or description of
the child: only `case_key`, the HMAC of the case number in the municipality's own case system
(omstilling.privacy.case_key). The case number itself is never stored.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from omstilling.bounds import (
    DESCRIPTION_LENGTH,
    NAME_LENGTH,
    NOTE_LENGTH,
    ORDER_MAX,
    SHORT_NOTE_LENGTH,
)
from omstilling.fields import (
    BoundedDateModelField,
    ScreenedCharField,
    ScreenedTextField,
    TextListField,
)
from omstilling.models import Area, Institution


class SupportActor(models.Model):
    """An actor of the internal or external support system, or a partner: who helps with what."""

    class Kind(models.TextChoices):
        INTERNT = "internt", _("Internt støttesystem")
        EKSTERNT = "eksternt", _("Eksternt støttesystem")
        PARTNER = "partner", _("Samarbejdspartner")

    slug = models.SlugField(_("nøgle"), max_length=120, unique=True)
    name = ScreenedCharField(_("navn"), max_length=NAME_LENGTH)
    kind = models.CharField(_("del af støttesystemet"), max_length=10, choices=Kind.choices)
    area = models.ForeignKey(
        Area,
        verbose_name=_("område"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_actors",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_actors",
        help_text=_("For det interne støttesystem: den institution, aktøren hører til."),
    )
    description = ScreenedTextField(_("beskrivelse"), max_length=DESCRIPTION_LENGTH, blank=True)
    competences = ScreenedTextField(
        _("hvad kan de hjælpe med"),
        max_length=DESCRIPTION_LENGTH,
        blank=True,
        help_text=_("Én kompetence eller opgave pr. linje."),
    )
    contact = ScreenedCharField(
        _("kontakt"),
        max_length=SHORT_NOTE_LENGTH,
        blank=True,
        help_text=_(
            "Et funktionelt kontaktpunkt (fx en fælles postkasse eller et hovednummer), "
            "ikke en privatpersons oplysninger."
        ),
    )
    order = models.PositiveSmallIntegerField(
        _("rækkefølge"), default=0, validators=[MaxValueValidator(ORDER_MAX)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("aktør i støttesystemet")
        verbose_name_plural = _("aktører i støttesystemet")

    def __str__(self) -> str:
        return self.name

    @property
    def competence_list(self) -> list[str]:
        return [line.strip() for line in self.competences.splitlines() if line.strip()]


class SupportSystemPart(models.Model):
    """What the plan says about one part of the support system (e.g. the external one's core task
    and its "det kan vi se, når" statements). Shown above that part of the directory."""

    kind = models.CharField(
        _("del af støttesystemet"), max_length=10, choices=SupportActor.Kind.choices, unique=True
    )
    description = ScreenedTextField(_("beskrivelse"), max_length=DESCRIPTION_LENGTH, blank=True)
    statements = TextListField(
        _("det kan vi se, når"),
        blank=True,
        help_text=_("Konkrete billeder på, hvordan opgaven løses (en liste af sætninger)."),
    )

    class Meta:
        ordering = ["kind"]
        verbose_name = _("del af støttesystemet")
        verbose_name_plural = _("dele af støttesystemet")

    def __str__(self) -> str:
        return self.get_kind_display()


class Stage(models.Model):
    """A step of forløbscirklen. The plan calls its model a draft, so the steps are data."""

    slug = models.SlugField(_("nøgle"), max_length=120, unique=True)
    name = ScreenedCharField(_("navn"), max_length=NAME_LENGTH)
    description = ScreenedTextField(_("beskrivelse"), max_length=DESCRIPTION_LENGTH, blank=True)
    order = models.PositiveSmallIntegerField(
        _("rækkefølge"), validators=[MaxValueValidator(ORDER_MAX)]
    )
    external = models.BooleanField(
        _("første skridt med det eksterne støttesystem"),
        default=False,
        help_text=_("Bruges til at måle dage fra bekymring til samarbejde med det eksterne."),
    )
    closing = models.BooleanField(_("afslutter forløbet"), default=False)
    active = models.BooleanField(
        _("i brug"),
        default=True,
        help_text=_("Trin, der ikke længere står i planfilen, bevares for forløbenes historik."),
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("trin i forløbscirklen")
        verbose_name_plural = _("trin i forløbscirklen")

    def __str__(self) -> str:
        return self.name


class ConcernType(models.TextChoices):
    FAELLESSKAB = "faellesskab", _("Fællesskab")
    LAERINGSMILJOE = "laeringsmiljoe", _("Læringsmiljø")
    BARN = "barn", _("Barn/ung")


class AgeGroup(models.TextChoices):
    """Age group (daycare) or grade level (school): never finer than that."""

    VUGGESTUE = "vuggestue", _("Vuggestue/dagpleje (0–2 år)")
    BOERNEHAVE = "boernehave", _("Børnehave (3–5 år)")
    KLASSE_0 = "0", _("0. klasse")
    KLASSE_1 = "1", _("1. klasse")
    KLASSE_2 = "2", _("2. klasse")
    KLASSE_3 = "3", _("3. klasse")
    KLASSE_4 = "4", _("4. klasse")
    KLASSE_5 = "5", _("5. klasse")
    KLASSE_6 = "6", _("6. klasse")
    KLASSE_7 = "7", _("7. klasse")
    KLASSE_8 = "8", _("8. klasse")
    KLASSE_9 = "9", _("9. klasse")
    KLASSE_10 = "10", _("10. klasse")


class Forloeb(models.Model):
    """A forløb in forløbscirklen: a concern about a community, a learning environment or a child.

    Its stage changes only through the services, which append a Transition for every change.
    """

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="forloeb",
    )
    concern_type = models.CharField(
        _("bekymringen gælder"), max_length=20, choices=ConcernType.choices
    )
    case_key = models.CharField(
        _("pseudonym sagsnøgle"),
        max_length=64,
        blank=True,
        help_text=_("HMAC af sagsnummeret; sagsnummeret selv gemmes aldrig."),
    )
    label = ScreenedCharField(
        _("betegnelse"),
        max_length=80,
        blank=True,
        help_text=_("Kun for et fællesskab eller læringsmiljø, fx en klasse eller en stue."),
    )
    age_group = models.CharField(
        _("aldersgruppe/klassetrin"), max_length=12, choices=AgeGroup.choices, blank=True
    )
    current_stage = models.ForeignKey(
        Stage, verbose_name=_("trin"), on_delete=models.PROTECT, related_name="+"
    )
    opened_on = BoundedDateModelField(_("bekymring registreret"))
    closed_on = BoundedDateModelField(_("afsluttet"), null=True, blank=True)
    outcome = models.ForeignKey(
        Stage,
        verbose_name=_("udfald"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("forløb")
        verbose_name_plural = _("forløb")
        constraints = [
            # Only a child's forløb has a case key, and it always has one.
            models.CheckConstraint(
                condition=(Q(concern_type=ConcernType.BARN) & ~Q(case_key=""))
                | (~Q(concern_type=ConcernType.BARN) & Q(case_key="")),
                name="forloeb_case_key_only_for_a_child",
            ),
            # A label could identify a child; only communities and learning environments have one.
            models.CheckConstraint(
                condition=~Q(concern_type=ConcernType.BARN) | Q(label=""),
                name="forloeb_no_label_for_a_child",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, outcome__isnull=True)
                | Q(closed_on__isnull=False, outcome__isnull=False),
                name="forloeb_closed_with_outcome",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="forloeb_closed_after_opened",
            ),
            # One open forløb per child and institution: a second one would split the history.
            models.UniqueConstraint(
                fields=["institution", "case_key"],
                condition=Q(closed_on__isnull=True) & ~Q(case_key=""),
                name="forloeb_one_open_per_child",
            ),
        ]
        indexes = [
            # the forløb list: open forløb of the user's institutions
            models.Index(fields=["institution", "closed_on"], name="forloeb_inst_closed_idx"),
            # retention: closed forløb older than the cutoff
            models.Index(fields=["closed_on"], name="forloeb_closed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_concern_type_display()} · {self.reference}"

    @property
    def reference(self) -> str:
        """What staff see to tell forløb apart: a label, or the first digits of the case key."""
        if self.concern_type == ConcernType.BARN:
            return _("sag %(key)s") % {"key": self.case_key[:6]}
        return self.label or _("forløb %(pk)s") % {"pk": self.pk}

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def days_open(self, today=None) -> int:
        end = self.closed_on or today or timezone.localdate()
        return (end - self.opened_on).days


class Transition(models.Model):
    """One step of a forløb: from which stage to which, when, by whom. Append-only."""

    class Kind(models.TextChoices):
        OPEN = "open", _("Oprettet")
        MOVE = "move", _("Videre")
        CLOSE = "close", _("Afsluttet")
        REOPEN = "reopen", _("Genåbnet")

    forloeb = models.ForeignKey(Forloeb, on_delete=models.PROTECT, related_name="transitions")
    kind = models.CharField(_("handling"), max_length=10, choices=Kind.choices)
    from_stage = models.ForeignKey(
        Stage,
        verbose_name=_("fra trin"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_stage = models.ForeignKey(
        Stage, verbose_name=_("til trin"), on_delete=models.PROTECT, related_name="+"
    )
    on = BoundedDateModelField(_("dato"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registreret af"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = ScreenedTextField(_("note"), max_length=NOTE_LENGTH, blank=True)
    created_at = models.DateTimeField(_("registreret"), default=timezone.now)

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("skridt i forløb")
        verbose_name_plural = _("skridt i forløb")
        indexes = [
            # a forløb's history, and the first step into the external support system (KPI)
            models.Index(fields=["forloeb", "on"], name="transition_forloeb_on_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.on}: {self.from_stage or '–'} → {self.to_stage}"

    def save(self, *args, **kwargs):
        # Append-only: history is never rewritten (retention deletes whole forløb).
        if self.pk is not None:
            raise ValueError("Transition rows are append-only")
        super().save(*args, **kwargs)
