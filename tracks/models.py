"""The plan's content: spor, themes, initiatives, milestones, status history, recommendations."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from omstilling.bounds import (
    DESCRIPTION_LENGTH,
    NOTE_LENGTH,
    ORDER_MAX,
    STATUS_LENGTH,
    TITLE_LENGTH,
)
from omstilling.fields import (
    BoundedDateModelField,
    ScreenedCharField,
    ScreenedTextField,
    TextListField,
)
from omstilling.models import Area, GovernanceBody, Institution, Plan
from omstilling.quarters import Quarter, validate_quarter_start


class WorkState(models.TextChoices):
    IKKE_STARTET = "ikke_startet", _("Ikke startet")
    I_GANG = "i_gang", _("I gang")
    AFSLUTTET = "afsluttet", _("Afsluttet")
    PAUSE = "pause", _("Sat på pause")
    OPGIVET = "opgivet", _("Opgivet")


class Health(models.TextChoices):
    GROEN = "groen", _("Grøn – på sporet")
    GUL = "gul", _("Gul – i risiko")
    ROED = "roed", _("Rød – bagud")


def _plan_period(first: dt.date, last: dt.date) -> str:
    return f"{Quarter.of(first).label} – {Quarter.of(last).label}"


class ArchivableQuerySet(models.QuerySet):
    def active(self):
        """Not archived: what lists and figures count. Archived rows stay readable."""
        return self.filter(archived_on__isnull=True)


class Editable(models.Model):
    """Plan content edited in the portal: archived (never deleted) and guarded by a version
    number that every edit checks and raises (two editors never overwrite each other)."""

    archived_on = BoundedDateModelField(_("arkiveret den"), null=True, blank=True, editable=False)
    edit_version = models.PositiveIntegerField(default=0, editable=False)

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_on is not None


class Spor(Editable):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="spor")
    number = models.PositiveSmallIntegerField(_("nummer"))
    slug = models.SlugField(_("nøgle"))
    title = ScreenedCharField(_("titel"), max_length=TITLE_LENGTH)
    description = ScreenedTextField(_("beskrivelse"), max_length=DESCRIPTION_LENGTH, blank=True)
    lead_areas = models.ManyToManyField(Area, verbose_name=_("ledende områder"), blank=True)
    history = HistoricalRecords(m2m_fields=[lead_areas], excluded_fields=["edit_version"])

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("spor")
        verbose_name_plural = _("spor")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="spor_unique_number"),
            models.UniqueConstraint(fields=["plan", "slug"], name="spor_unique_slug"),
        ]

    def __str__(self) -> str:
        return _("Spor %(number)s: %(title)s") % {"number": self.number, "title": self.title}


class Theme(Editable):
    spor = models.ForeignKey(Spor, on_delete=models.PROTECT, related_name="themes")
    slug = models.SlugField(_("nøgle"))
    title = ScreenedCharField(_("titel"), max_length=TITLE_LENGTH)
    description = ScreenedTextField(_("beskrivelse"), max_length=DESCRIPTION_LENGTH, blank=True)
    order = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(ORDER_MAX)])
    history = HistoricalRecords(excluded_fields=["edit_version"])

    class Meta:
        ordering = ["spor", "order"]
        verbose_name = _("tema")
        verbose_name_plural = _("temaer")
        constraints = [
            models.UniqueConstraint(fields=["spor", "slug"], name="theme_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.title


class Initiative(Editable):
    """A tiltag. Its current status is the newest StatusUpdate (`version` guards edits)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="initiatives")
    spor = models.ForeignKey(Spor, on_delete=models.PROTECT, related_name="initiatives")
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("tema"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="initiatives",
    )
    slug = models.SlugField(_("nøgle"), max_length=120)
    title = ScreenedCharField(_("titel"), max_length=TITLE_LENGTH)
    description = ScreenedTextField(_("beskrivelse"), max_length=DESCRIPTION_LENGTH, blank=True)
    lead_area = models.ForeignKey(
        Area, verbose_name=_("ledende område"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ejer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_initiatives",
    )
    owner_body = models.ForeignKey(
        GovernanceBody,
        verbose_name=_("ejergruppe"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_initiatives",
    )
    start_quarter = models.DateField(_("startkvartal"), validators=[validate_quarter_start])
    end_quarter = models.DateField(
        _("slutkvartal"), null=True, blank=True, validators=[validate_quarter_start]
    )
    order = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(ORDER_MAX)])
    institutions = models.ManyToManyField(
        Institution,
        verbose_name=_("berørte institutioner"),
        blank=True,
        related_name="initiatives",
    )
    version = models.PositiveIntegerField(default=0, editable=False)
    current_status = models.ForeignKey(
        "StatusUpdate",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The institutions concerned are plan content too: their changes are history (and an edit
    # a new load of the plan file would replace is named before it does).
    history = HistoricalRecords(
        excluded_fields=["version", "edit_version", "current_status"], m2m_fields=[institutions]
    )

    class Meta:
        ordering = ["spor__number", "order", "pk"]
        verbose_name = _("tiltag")
        verbose_name_plural = _("tiltag")
        constraints = [
            models.UniqueConstraint(fields=["plan", "slug"], name="initiative_unique_slug"),
            models.CheckConstraint(
                condition=Q(end_quarter__isnull=True)
                | Q(end_quarter__gte=models.F("start_quarter")),
                name="initiative_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("tracks:initiative_detail", args=[self.pk])

    @staticmethod
    def period_errors(
        *, start: dt.date, end: dt.date | None, plan_start: dt.date, plan_end: dt.date
    ) -> dict[str, str]:
        """Why a tiltag's start and end quarters do not fit (field name → message): the end
        before the start, or either outside the plan's period. The one home of this rule, for
        the plan-file loader and the plan's edit services alike."""
        errors = {}
        period = _plan_period(plan_start, plan_end)
        if not plan_start <= start <= plan_end:
            errors["start"] = gettext(
                "Startkvartalet (%(quarter)s) ligger uden for planens periode (%(period)s)."
            ) % {"quarter": Quarter.of(start).label, "period": period}
        if end is not None and end < start:
            errors["end"] = gettext(
                "Slutkvartalet (%(end)s) ligger før startkvartalet (%(start)s)."
            ) % {"end": Quarter.of(end).label, "start": Quarter.of(start).label}
        elif end is not None and not plan_start <= end <= plan_end:
            errors["end"] = gettext(
                "Slutkvartalet (%(quarter)s) ligger uden for planens periode (%(period)s)."
            ) % {"quarter": Quarter.of(end).label, "period": period}
        return errors

    @property
    def start(self) -> Quarter:
        return Quarter.of(self.start_quarter)

    @property
    def end(self) -> Quarter | None:
        return Quarter.of(self.end_quarter) if self.end_quarter else None


class StatusUpdate(models.Model):
    """One entry in an initiative's status history. Rows are only ever added."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="status_updates"
    )
    version = models.PositiveIntegerField(_("version"))
    state = models.CharField(_("arbejdsstatus"), max_length=20, choices=WorkState.choices)
    health = models.CharField(_("sundhed"), max_length=10, choices=Health.choices)
    progress = models.PositiveSmallIntegerField(
        _("fremdrift (%)"), validators=[MaxValueValidator(100)]
    )
    narrative = ScreenedTextField(_("beskrivelse af status"), max_length=STATUS_LENGTH, blank=True)
    next_steps = ScreenedTextField(_("næste skridt"), max_length=NOTE_LENGTH, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opdateret af"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tidspunkt"), default=timezone.now)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("statusopdatering")
        verbose_name_plural = _("statusopdateringer")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "version"], name="status_unique_version"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="status_progress_max_100"),
            models.CheckConstraint(
                condition=Q(health="groen") | ~Q(narrative=""),
                name="status_narrative_required_unless_green",
            ),
        ]
        indexes = [
            # "changed status since" queries on the dashboard and in reports
            models.Index(fields=["created_at"], name="status_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.initiative} v{self.version}: {self.get_state_display()}"


class MilestoneState(models.TextChoices):
    """Where a milestone stands on a day: the one home of these words (pages, reports, mails)."""

    PLANNED = "planlagt", _("Planlagt")
    REPLANNED = "flyttet", _("Flyttet")
    OVERDUE = "forsinket", _("Forsinket")
    DONE = "naaet", _("Nået")
    DONE_LATE = "naaet_for_sent", _("Nået for sent")
    CANCELLED = "aflyst", _("Aflyst")


class MilestoneQuerySet(ArchivableQuerySet):
    def overdue(self, today: dt.date) -> "MilestoneQuerySet":
        return self.filter(Milestone.overdue_condition(today))


class Milestone(Editable):
    """A milepæl. Plan-wide when `institution` is empty, otherwise one institution's own.

    Its state on a day (`state_on`) is decided here and nowhere else; `overdue_condition` and
    `not_yet_due_condition` say the same in SQL for aggregates. Re-planned to another quarter,
    it keeps the quarter it was first planned for (`original_quarter`), so slippage stays
    visible; cancelled (with a reason), it is never due nor overdue."""

    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="milestones")
    slug = models.SlugField(_("nøgle"), max_length=120)
    title = ScreenedCharField(_("titel"), max_length=TITLE_LENGTH)
    description = ScreenedTextField(_("beskrivelse"), max_length=DESCRIPTION_LENGTH, blank=True)
    planned_quarter = models.DateField(_("planlagt kvartal"), validators=[validate_quarter_start])
    planned_date = BoundedDateModelField(_("planlagt dato"), null=True, blank=True)
    # Set on the first re-plan and never again: the quarter in the plan as first made.
    original_quarter = models.DateField(
        _("oprindeligt kvartal"),
        null=True,
        blank=True,
        editable=False,
        validators=[validate_quarter_start],
    )
    cancelled_on = BoundedDateModelField(_("aflyst den"), null=True, blank=True, editable=False)
    cancel_reason = ScreenedTextField(
        _("begrundelse for aflysning"), max_length=NOTE_LENGTH, blank=True, editable=False
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="milestones",
    )
    order = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(ORDER_MAX)])
    completed_on = BoundedDateModelField(_("afsluttet den"), null=True, blank=True, editable=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("afsluttet af"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    completion_note = ScreenedTextField(
        _("note"), max_length=NOTE_LENGTH, blank=True, editable=False
    )
    history = HistoricalRecords(
        excluded_fields=[
            "completed_on",
            "completed_by",
            "completed_at",
            "completion_note",
            "edit_version",
        ]
    )

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["planned_quarter", "planned_date", "order", "pk"]
        verbose_name = _("milepæl")
        verbose_name_plural = _("milepæle")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "slug"], name="milestone_unique_slug"),
            models.CheckConstraint(
                condition=Q(cancelled_on__isnull=True) | ~Q(cancel_reason=""),
                name="milestone_cancel_reason_required",
            ),
        ]
        indexes = [
            # "Mine milepæle" and overdue lists: open milestones by due quarter
            models.Index(fields=["completed_on", "planned_quarter"], name="milestone_open_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def schedule_errors(
        *,
        quarter: dt.date,
        date: dt.date | None,
        initiative_start: dt.date,
        initiative_end: dt.date | None,
        plan_start: dt.date,
        plan_end: dt.date,
    ) -> dict[str, str]:
        """Why a milestone's planned quarter and date do not fit (field name → message): the
        quarter outside the plan's period or its tiltag's (a tiltag without an end runs to the
        plan's end), or the date outside the quarter it states. The one home of this rule."""
        errors = {}
        label = Quarter.of(quarter).label
        last = initiative_end or plan_end
        if not plan_start <= quarter <= plan_end:
            errors["quarter"] = gettext(
                "Kvartalet (%(quarter)s) ligger uden for planens periode (%(period)s)."
            ) % {"quarter": label, "period": _plan_period(plan_start, plan_end)}
        elif initiative_start <= last and not initiative_start <= quarter <= last:
            errors["quarter"] = gettext(
                "Kvartalet (%(quarter)s) ligger uden for tiltagets periode (%(period)s)."
            ) % {"quarter": label, "period": _plan_period(initiative_start, last)}
        if date is not None and Quarter.of(date) != Quarter.of(quarter):
            errors["date"] = gettext(
                "Datoen (%(date)s) ligger ikke i det angivne kvartal (%(quarter)s)."
            ) % {"date": date_format(date, "DATE_FORMAT"), "quarter": label}
        return errors

    @property
    def quarter(self) -> Quarter:
        return Quarter.of(self.planned_quarter)

    @property
    def due_date(self) -> dt.date:
        return self.planned_date or self.quarter.last_day

    @property
    def is_done(self) -> bool:
        return self.completed_on is not None

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_on is not None

    @property
    def is_replanned(self) -> bool:
        return self.original_quarter is not None and self.original_quarter != self.planned_quarter

    @property
    def original(self) -> Quarter | None:
        return Quarter.of(self.original_quarter) if self.original_quarter else None

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Open, past its due date, and neither cancelled nor archived (`overdue_condition`)."""
        today = today or timezone.localdate()
        if self.is_done or self.is_cancelled or self.is_archived:
            return False
        return self.due_date < today

    @property
    def days_late(self) -> int:
        """Slippage in days: how late it was done, or how late it is now if still open."""
        end = self.completed_on or timezone.localdate()
        return max(0, (end - self.due_date).days)

    @property
    def is_done_late(self) -> bool:
        return self.is_done and self.completed_on > self.due_date

    def state_on(self, today: dt.date) -> MilestoneState:
        if self.is_cancelled:
            return MilestoneState.CANCELLED
        if self.is_done:
            return MilestoneState.DONE_LATE if self.is_done_late else MilestoneState.DONE
        if self.is_overdue(today):
            return MilestoneState.OVERDUE
        return MilestoneState.REPLANNED if self.is_replanned else MilestoneState.PLANNED

    @property
    def state(self) -> MilestoneState:
        return self.state_on(timezone.localdate())

    @staticmethod
    def open_condition() -> Q:
        """Neither reached, cancelled nor archived: still work to do, in SQL."""
        return Q(completed_on__isnull=True, cancelled_on__isnull=True, archived_on__isnull=True)

    @staticmethod
    def overdue_condition(today: dt.date) -> Q:
        """`is_overdue` in SQL: open and past its due date (the planned date if there is one,
        otherwise the last day of the planned quarter, i.e. any quarter before today's); a
        cancelled or archived milestone is never overdue."""
        return Milestone.open_condition() & (
            Q(planned_date__lt=today)
            | Q(planned_date__isnull=True, planned_quarter__lt=Quarter.of(today).first_day)
        )

    @staticmethod
    def not_yet_due_condition(today: dt.date) -> Q:
        """Open and not yet past its due date, in SQL (cancelled and archived ones are not)."""
        return Milestone.open_condition() & (
            Q(planned_date__gte=today)
            | Q(planned_date__isnull=True, planned_quarter__gte=Quarter.of(today).first_day)
        )


class MilestoneEvent(models.Model):
    """The log of a milestone's completions and undos. Rows are only ever added."""

    class Kind(models.TextChoices):
        COMPLETED = "afsluttet", _("Markeret som afsluttet")
        REOPENED = "genaabnet", _("Afslutning fortrudt")
        REPLANNED = "flyttet", _("Flyttet til et andet kvartal")
        CANCELLED = "aflyst", _("Aflyst")

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("hændelse"), max_length=20, choices=Kind.choices)
    completed_on = BoundedDateModelField(_("afsluttet den"), null=True, blank=True)
    # A re-plan: from which quarter to which (the note is the required reason).
    from_quarter = models.DateField(
        _("fra kvartal"), null=True, blank=True, validators=[validate_quarter_start]
    )
    to_quarter = models.DateField(
        _("til kvartal"), null=True, blank=True, validators=[validate_quarter_start]
    )
    note = ScreenedTextField(_("note"), max_length=NOTE_LENGTH, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("af"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("tidspunkt"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("milepælshændelse")
        verbose_name_plural = _("milepælshændelser")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="flyttet")
                | (Q(from_quarter__isnull=False, to_quarter__isnull=False) & ~Q(note="")),
                name="milestone_event_replan_complete",
            ),
            models.CheckConstraint(
                condition=~Q(kind="aflyst") | ~Q(note=""),
                name="milestone_event_cancel_reason",
            ),
        ]
        indexes = [
            # "Flyttede milepæle" this quarter: re-plans by time (dashboard, report)
            models.Index(fields=["kind", "at"], name="milestone_event_kind_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.milestone}: {self.get_kind_display()}"

    @property
    def moved_text(self) -> str:
        """ "flyttet fra 2. kvartal 2025 til 4. kvartal 2025: <reason>" (re-plans only)."""
        if self.kind != self.Kind.REPLANNED or not (self.from_quarter and self.to_quarter):
            return ""
        return gettext("flyttet fra %(from)s til %(to)s: %(reason)s") % {
            "from": Quarter.of(self.from_quarter).label,
            "to": Quarter.of(self.to_quarter).label,
            "reason": self.note,
        }


class RecommendationTheme(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="recommendation_themes")
    number = models.PositiveSmallIntegerField(_("nummer"))
    slug = models.SlugField(_("nøgle"), max_length=120)
    title = ScreenedCharField(_("titel"), max_length=TITLE_LENGTH)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("anbefalingstema")
        verbose_name_plural = _("anbefalingstemaer")
        constraints = [
            models.UniqueConstraint(fields=["plan", "slug"], name="rectheme_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.title


class Recommendation(models.Model):
    """One of the §17.4 committee's recommendations, traced to the initiatives that carry it."""

    theme = models.ForeignKey(
        RecommendationTheme, on_delete=models.PROTECT, related_name="recommendations"
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    slug = models.SlugField(_("nøgle"), max_length=120)
    text = ScreenedTextField(_("anbefaling"), max_length=STATUS_LENGTH)
    means = TextListField(_("det betyder"), blank=True)
    initiatives = models.ManyToManyField(
        Initiative, verbose_name=_("tiltag"), blank=True, related_name="recommendations"
    )
    history = HistoricalRecords(m2m_fields=[initiatives])

    class Meta:
        ordering = ["number"]
        verbose_name = _("anbefaling")
        verbose_name_plural = _("anbefalinger")
        constraints = [
            models.UniqueConstraint(fields=["theme", "slug"], name="recommendation_unique_slug"),
        ]

    def __str__(self) -> str:
        return _("Anbefaling %(number)s") % {"number": self.number}
