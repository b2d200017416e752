"""The plan core every app shares: plan, areas, institutions, governance bodies, users and roles."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from omstilling.bounds import (
    DESCRIPTION_LENGTH,
    NAME_LENGTH,
    ORDER_MAX,
    REFERENCE_LENGTH,
    SHORT_NAME_LENGTH,
    TITLE_LENGTH,
)
from omstilling.fields import (
    BoundedDateModelField,
    ScreenedCharField,
    ScreenedTextField,
    TextListField,
)
from omstilling.quarters import validate_quarter_start


class Role(models.TextChoices):
    CHEFGRUPPE = "chefgruppe", _("Chefgruppe")
    # The committee's members read; the role has one name in every plan (a user keeps the role
    # when another plan becomes current), so it names no committee.
    BFU = "bfu", _("Udvalgsmedlem")
    LEDER = "leder", _("Leder")
    INITIATIVEJER = "initiativejer", _("Initiativejer")
    STOETTESYSTEM = "stoettesystem", _("Støttesystem")
    VISITATION = "visitation", _("Visitation")
    ADMIN = "admin", _("Administrator")


class Area(models.Model):
    """An organisational area of the department (Dagtilbud, U&L, F&F, PPR, …), as a plan names
    it: each plan has its own, so loading one plan never renames another's."""

    plan = models.ForeignKey(
        "Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="areas"
    )
    slug = models.SlugField(_("nøgle"))
    name = ScreenedCharField(_("navn"), max_length=120)
    short = ScreenedCharField(_("forkortelse"), max_length=20, blank=True)
    # An edit in the admin since the plan file was last loaded is one a new load would replace
    # (omstilling.plan_file names it before it does).
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("område")
        verbose_name_plural = _("områder")
        constraints = [
            models.UniqueConstraint(fields=["plan", "slug"], name="area_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class Institution(models.Model):
    """A daycare, a school or a special offer. Demo institutions are marked as such.

    Institutions are the municipality's, shared by all its plans (a successor plan works with
    the same schools); their `area` is the one the plan loaded last gave them."""

    class Kind(models.TextChoices):
        DAGTILBUD = "dagtilbud", _("Dagtilbud")
        SKOLE = "skole", _("Skole")
        SPECIALTILBUD = "specialtilbud", _("Specialtilbud")

    name = ScreenedCharField(_("navn"), max_length=NAME_LENGTH, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("område"), null=True, blank=True, on_delete=models.SET_NULL
    )
    is_demo = models.BooleanField(_("demo-institution"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutioner")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A portal user with exactly one role; leaders and support staff are bound to institutions."""

    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, blank=True)
    institutions = models.ManyToManyField(
        Institution,
        verbose_name=_("institutioner"),
        blank=True,
        related_name="users",
        help_text=_(
            "For ledere: egne institutioner. For støttesystemet: de institutioner, der betjenes."
        ),
    )
    # Only a public officeholder's name is ever shown on the public pages and in the open
    # data (e.g. as a tiltag's owner); everyone else stays unnamed there.
    is_public_officeholder = models.BooleanField(
        _("offentlig embedsperson"),
        default=False,
        help_text=_(
            "Navnet må vises på de offentlige sider og i de åbne data, fx som ejer af et tiltag."
        ),
    )

    class Meta:
        verbose_name = _("bruger")
        verbose_name_plural = _("brugere")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.BFU


class PlanQuerySet(models.QuerySet):
    def current(self) -> "Plan | None":
        """The plan the portal runs now: the one marked current, else the first loaded. The one
        home of "which plan" for every page, job and report."""
        return self.order_by("-is_current", "pk").first()

    def current_pk(self) -> int | None:
        """The current plan's pk (`current`'s rule, without loading the row)."""
        return self.order_by("-is_current", "pk").values_list("pk", flat=True).first()

    def check_writable(self, plan_pk: int) -> None:
        """Refuse a write to a plan that is not the current one: an earlier plan stays as it
        was, read-only. Every service that writes plan content calls this (one query)."""
        if plan_pk != self.current_pk():
            title = self.filter(pk=plan_pk).values_list("title", flat=True).first()
            raise ValidationError(
                _("“%(plan)s” er ikke den aktuelle plan: den kan kun læses.") % {"plan": title},
                code="plan_read_only",
            )


class Plan(models.Model):
    """A municipality's transition plan, loaded from a plan file (see omstilling/plans/).

    Several plans may live in one portal (a successor follows); one of them is current."""

    slug = models.SlugField(_("nøgle"), unique=True)
    title = ScreenedCharField(_("titel"), max_length=TITLE_LENGTH)
    municipality = ScreenedCharField(_("kommune"), max_length=120)
    department = ScreenedCharField(_("forvaltning"), max_length=120)
    committee = ScreenedCharField(_("udvalg"), max_length=NAME_LENGTH)
    summary = ScreenedTextField(_("resumé"), max_length=DESCRIPTION_LENGTH, blank=True)
    mandate_body = ScreenedCharField(_("mandat vedtaget af"), max_length=NAME_LENGTH, blank=True)
    mandate_date = BoundedDateModelField(_("mandat vedtaget"), null=True, blank=True)
    mandate_reference = ScreenedCharField(_("mandat, sag"), max_length=REFERENCE_LENGTH, blank=True)
    cornerstones = TextListField(_("hjørneflag"), blank=True)
    start_quarter = models.DateField(_("første kvartal"), validators=[validate_quarter_start])
    end_quarter = models.DateField(_("sidste kvartal"), validators=[validate_quarter_start])
    cadence = ScreenedTextField(_("kadence"), max_length=DESCRIPTION_LENGTH, blank=True)
    funding_title = ScreenedCharField(_("pulje"), max_length=TITLE_LENGTH, blank=True)
    funding_amount = models.DecimalField(
        _("puljens beløb (kr.)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    funding_granted_by = ScreenedCharField(_("bevilget af"), max_length=120, blank=True)
    funding_date = BoundedDateModelField(_("bevilget"), null=True, blank=True)
    funding_reference = ScreenedCharField(
        _("bevilling, sag"), max_length=REFERENCE_LENGTH, blank=True
    )
    funding_development_schools = models.PositiveSmallIntegerField(
        _("antal udviklingsskoler"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(ORDER_MAX)],
    )
    funding_note = ScreenedTextField(_("note om puljen"), max_length=DESCRIPTION_LENGTH, blank=True)
    # The names of the municipality's bodies, from the plan file: the pages, e-mails and reports
    # read them here (`names`), never from a template or the code.
    committee_short = ScreenedCharField(
        _("udvalgets forkortelse"),
        max_length=SHORT_NAME_LENGTH,
        blank=True,
        help_text=_("Tom: udvalgets fulde navn."),
    )
    approving_body = ScreenedCharField(
        _("godkender investeringer efter udvalget"),
        max_length=NAME_LENGTH,
        blank=True,
        help_text=_("Tom: udvalget godkender selv."),
    )
    approving_body_short = ScreenedCharField(
        _("kort navn på det godkendende organ"), max_length=SHORT_NAME_LENGTH, blank=True
    )
    advisory_committee = ScreenedCharField(
        _("rådgivende udvalg"),
        max_length=NAME_LENGTH,
        blank=True,
        help_text=_("Det udvalg, hvis anbefalinger planen følger. Tom: intet."),
    )
    logo = models.FileField(
        _("logo"), upload_to="planer/", blank=True, editable=False, max_length=200
    )
    is_current = models.BooleanField(
        _("aktuel plan"),
        default=False,
        help_text=_("Den plan, portalen kører nu. Tidligere planer kan stadig læses."),
    )
    # The public progress page and the open-data API of this plan (off until switched on by
    # the plan file's `public:` section or by chefgruppen).
    is_public = models.BooleanField(
        _("offentlig"),
        default=False,
        help_text=_("Planens fremdrift vises for alle uden log-ind og som åbne data."),
    )
    # The last load of the plan file (load_plan): when, and the SHA-256 of the file's content.
    # A row of the plan edited in the portal after `loaded_at` is an edit a new load would
    # replace (omstilling.plan_file).
    loaded_at = models.DateTimeField(_("sidst indlæst"), null=True, blank=True, editable=False)
    loaded_sha256 = models.CharField(
        _("planfilens SHA-256"), max_length=64, blank=True, editable=False
    )
    history = HistoricalRecords(excluded_fields=["loaded_at", "loaded_sha256"])

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("planer")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=models.Q(is_current=True), name="plan_one_current"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def names(self) -> "PlanNames":
        return PlanNames.of(self)

    @property
    def has_pool(self) -> bool:
        """Whether the plan has a one-off investment pool (`funding` in the plan file)."""
        return bool(self.funding_amount)

    @property
    def is_writable(self) -> bool:
        """Only the current plan is written to; an earlier plan stays as it was, read-only."""
        return self.pk is not None and self.pk == Plan.objects.current_pk()


@dataclass(frozen=True)
class PlanNames:
    """What the municipality calls its bodies, for pages, e-mails and reports (the one home;
    the plan file sets them). Every name has a sensible default when the file leaves it out:
    the committee's short name is its name, and without an approving body the committee
    approves the investments itself."""

    municipality: str
    department: str
    committee: str
    committee_short: str
    approving_body: str
    approving_body_short: str
    advisory_committee: str
    logo: str

    @classmethod
    def of(cls, plan: "Plan") -> "PlanNames":
        committee_short = plan.committee_short or plan.committee
        approving_body = plan.approving_body or plan.committee
        return cls(
            municipality=plan.municipality,
            department=plan.department,
            committee=plan.committee,
            committee_short=committee_short,
            approving_body=approving_body,
            approving_body_short=plan.approving_body_short
            or (plan.approving_body if plan.approving_body else committee_short),
            advisory_committee=plan.advisory_committee,
            logo=plan.logo.name if plan.logo else "",
        )

    @property
    def has_approving_body(self) -> bool:
        """Whether a body other than the committee approves the investments."""
        return self.approving_body != self.committee

    @property
    def has_advisory_committee(self) -> bool:
        return bool(self.advisory_committee)


class GovernanceBody(models.Model):
    """A body that steers, advises, is consulted or works on an initiative. Each plan has its
    own (matched by slug within the plan)."""

    class Kind(models.TextChoices):
        STYREGRUPPE = "styregruppe", _("Styregruppe")
        UDVALG = "udvalg", _("Politisk udvalg")
        FOELGEGRUPPE = "foelgegruppe", _("Følgegruppe")
        ARBEJDSGRUPPE = "arbejdsgruppe", _("Arbejdsgruppe")
        NETVAERK = "netvaerk", _("Netværk")
        KONTAKTORGAN = "kontaktorgan", _("Kontaktorgan")
        MED = "med", _("MED-udvalg")
        RAADGIVENDE = "raadgivende", _("Rådgivende udvalg")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="governance_bodies"
    )
    slug = models.SlugField(_("nøgle"))
    name = ScreenedCharField(_("navn"), max_length=NAME_LENGTH)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    description = ScreenedTextField(_("beskrivelse"), max_length=DESCRIPTION_LENGTH, blank=True)
    members = models.ManyToManyField(
        User, verbose_name=_("medlemmer"), blank=True, related_name="governance_bodies"
    )
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["name"]
        verbose_name = _("organ")
        verbose_name_plural = _("organer")
        constraints = [
            models.UniqueConstraint(fields=["plan", "slug"], name="governancebody_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class AccessLog(models.Model):
    """Who read or wrote which child-level row, or was refused a protected page or row, when.

    Never the row's content. Append-only.
    """

    class Action(models.TextChoices):
        LIST = "list", _("Liste vist")
        READ = "read", _("Læst")
        CREATE = "create", _("Oprettet")
        UPDATE = "update", _("Ændret")
        DELETE = "delete", _("Slettet")
        # 403 or 404 on a protected page or row (omstilling.access.log_refusal)
        REFUSED = "refused", _("Adgang afvist")

    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User,
        verbose_name=_("bruger"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    username = models.CharField(_("brugernavn"), max_length=150)
    action = models.CharField(_("handling"), max_length=10, choices=Action.choices)
    model = models.CharField(_("datatype"), max_length=100)
    object_id = models.CharField(_("række"), max_length=64, blank=True)
    path = models.CharField(_("side"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("adgangslog")
        verbose_name_plural = _("adgangslog")
        # Every index is paid on every page that lists child-level rows (an entry per row
        # shown, 40 a page of the visitation workspace), so one per question asked of the log:
        # when (`at`: the admin's order and date filter), who (`user`, the foreign key's own
        # index), which row (here). No index on the username: no query filters on it; one
        # user's history goes by `user` (the admin's search, omstilling.admin.AccessLogAdmin).
        indexes = [
            # the admin's datatypes and filter by datatype; one row's history (model and id)
            models.Index(fields=["model", "object_id"], name="accesslog_row_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.model} {self.object_id}"
        )

    def save(self, *args, **kwargs):
        # Append-only: a row, once written, is never changed.
        if self.pk is not None:
            raise ValueError("AccessLog rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("AccessLog rows are append-only")
