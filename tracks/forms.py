import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from omstilling.bounds import (
    DESCRIPTION_LENGTH,
    NOTE_LENGTH,
    SEARCH_LENGTH,
    STATUS_LENGTH,
    TITLE_LENGTH,
    VERSION_MAX,
)
from omstilling.fields import (
    BoundedDateField,
    BoundedIntegerField,
    BoundedModelChoiceField,
    BoundedModelMultipleChoiceField,
    FreeTextField,
)
from omstilling.forms import HiddenFieldsMixin
from omstilling.models import Area, GovernanceBody, Institution, User
from omstilling.quarters import Quarter, quarter_range
from tracks.models import (
    Health,
    MilestoneState,
    Recommendation,
    Spor,
    StatusReview,
    Theme,
    WorkState,
)
from tracks.selectors import AttentionKind, owner_candidates

_PROGRESS_RANGE = _("Fremdriften skal være et tal mellem 0 og 100 %%.")


class StatusUpdateForm(HiddenFieldsMixin, forms.Form):
    """The fields of a status update. The rules (e.g. narrative for gul/rød) live in the service."""

    state = forms.ChoiceField(
        label=_("Arbejdsstatus"), choices=WorkState.choices, widget=forms.RadioSelect
    )
    health = forms.ChoiceField(
        label=_("Sundhed"),
        choices=Health.choices,
        widget=forms.RadioSelect,
        help_text=_("Sundhed er adskilt fra arbejdsstatus: er tiltaget på sporet?"),
    )
    progress = forms.IntegerField(
        label=_("Fremdrift (%)"),
        min_value=0,
        max_value=100,
        help_text=_("Et helt tal fra 0 til 100."),
        # %% because Django formats these messages with the limit's parameters.
        error_messages={
            "max_value": _PROGRESS_RANGE,
            "min_value": _PROGRESS_RANGE,
            "invalid": _("Fremdriften skal være et helt tal."),
            "required": _("Angiv fremdriften i procent."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    narrative = FreeTextField(
        label=_("Beskrivelse af status"),
        required=False,
        max_length=STATUS_LENGTH,
        multiline=True,
        rows=4,
        required_when=_("skal udfyldes ved gul og rød"),
        help_text=_("Hvad er udfordringen, og hvad gøres der ved den?"),
    )
    next_steps = FreeTextField(
        label=_("Næste skridt"), required=False, max_length=NOTE_LENGTH, multiline=True
    )
    expected_version = BoundedIntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=VERSION_MAX
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].error_messages["required"] = _("Vælg en arbejdsstatus.")
        self.fields["health"].error_messages["required"] = _("Vælg sundhed: grøn, gul eller rød.")


class MilestoneCompleteForm(forms.Form):
    completed_on = BoundedDateField(
        label=_("Afsluttet den"),
        last=timezone.localdate,
        help_text=_("Datoen, hvor milepælen blev nået."),
    )
    note = FreeTextField(
        label=_("Note"),
        required=False,
        max_length=NOTE_LENGTH,
        multiline=True,
        rows=2,
        help_text=_("Fx hvad der blev besluttet eller gennemført."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"completed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class InitiativeFilterForm(forms.Form):
    """The list page's filters; read from the query string so the state lives in the URL."""

    is_filter = True  # every field is optional; the layout does not mark them "(valgfrit)"

    q = forms.CharField(label=_("Søg"), required=False, max_length=SEARCH_LENGTH)
    spor = BoundedModelChoiceField(
        label=_("Spor"), queryset=Spor.objects.none(), required=False, empty_label=_("Alle spor")
    )
    status = forms.ChoiceField(label=_("Arbejdsstatus"), required=False)
    health = forms.ChoiceField(label=_("Sundhed"), required=False)
    # A name to search for, not a list of every owner: the owners grow with the plan.
    owner = forms.CharField(
        label=_("Ejer"),
        required=False,
        max_length=SEARCH_LENGTH,
        help_text=_("Navnet på en person eller en gruppe, der ejer tiltaget."),
    )
    area = BoundedModelChoiceField(
        label=_("Ledende område"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("Alle områder"),
    )
    quarter = forms.ChoiceField(label=_("Aktiv i kvartal"), required=False)
    # The verdict's counts link here ("se alle"): each filter lists exactly what it counted.
    attention = forms.ChoiceField(
        label=_("Kræver opmærksomhed"),
        required=False,
        choices=[("", _("Alle")), *AttentionKind.choices],
        help_text=_("Kun tiltag, der hverken er afsluttet eller opgivet."),
    )
    recommendation = BoundedModelChoiceField(
        label=_("Udmønter anbefaling"),
        queryset=Recommendation.objects.none(),
        required=False,
        empty_label=_("Alle anbefalinger"),
    )
    changed_since = BoundedDateField(
        label=_("Status ændret siden"),
        required=False,
        last=timezone.localdate,
        help_text=_("Arbejdsstatus eller sundhed er en anden end på datoen."),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spor"].queryset = Spor.objects.filter(plan=plan).order_by("number")
        self.fields["spor"].label_from_instance = lambda s: f"{s.number}. {s.title}"
        self.fields["status"].choices = [
            ("", _("Alle")),
            *WorkState.choices,
            ("ingen", _("Ingen status endnu")),
        ]
        self.fields["health"].choices = [("", _("Alle")), *Health.choices]
        self.fields["area"].queryset = Area.objects.filter(
            pk__in=plan.initiatives.values("lead_area")
        )
        self.fields["recommendation"].queryset = Recommendation.objects.filter(
            theme__plan=plan
        ).order_by("theme__number", "number")
        self.fields["recommendation"].label_from_instance = lambda r: (
            _("Anbefaling %(number)s: %(text)s")
            % {"number": r.number, "text": Truncator(r.text).chars(60)}
        )
        quarters = quarter_range(Quarter.of(plan.start_quarter), Quarter.of(plan.end_quarter))
        self.fields["quarter"].choices = [("", _("Alle kvartaler"))] + [
            (q.code, q.label) for q in quarters
        ]

    def clean_quarter(self) -> Quarter | None:
        value = self.cleaned_data.get("quarter")
        return Quarter.parse(value) if value else None


# --- Editing the plan in the portal ------------------------------------------------------------


def plan_quarter_choices(plan) -> list[tuple[str, str]]:
    """The plan's quarters as choices ("2. kvartal 2025"): quarters are chosen, never typed as
    dates, and a quarter outside the plan is not on offer."""
    quarters = quarter_range(Quarter.of(plan.start_quarter), Quarter.of(plan.end_quarter))
    return [(q.code, q.label) for q in quarters]


class QuarterChoiceField(forms.ChoiceField):
    """One of the plan's quarters; cleaned to the quarter's first day (how quarters are stored)."""

    def __init__(self, *, plan, blank_label=None, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Vælg et kvartal."),
                "invalid_choice": _("Vælg et af planens kvartaler."),
            },
        )
        super().__init__(**kwargs)
        choices = plan_quarter_choices(plan)
        self.choices = [("", blank_label)] + choices if blank_label else choices

    def clean(self, value):
        value = super().clean(value)
        return Quarter.parse(value).first_day if value else None

    def prepare_value(self, value):
        if isinstance(value, dt.date):
            return Quarter.of(value).code
        return value


class VersionedForm(HiddenFieldsMixin, forms.Form):
    """An edit form: the version of the row it was opened at goes back hidden and is checked by
    the service (a second editor gets a conflict, with their input kept)."""

    expected_version = BoundedIntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=VERSION_MAX
    )


def _title_field() -> FreeTextField:
    return FreeTextField(
        label=_("Titel"),
        max_length=TITLE_LENGTH,
        error_messages={"required": _("Skriv en titel.")},
    )


def _description_field() -> FreeTextField:
    return FreeTextField(
        label=_("Beskrivelse"),
        required=False,
        max_length=DESCRIPTION_LENGTH,
        multiline=True,
        rows=5,
    )


def _reason_field(label, help_text) -> FreeTextField:
    return FreeTextField(
        label=label,
        max_length=NOTE_LENGTH,
        multiline=True,
        rows=3,
        help_text=help_text,
        error_messages={"required": _("Skriv en begrundelse.")},
    )


class SporForm(forms.Form):
    title = _title_field()
    description = _description_field()


class SporEditForm(SporForm, VersionedForm):
    pass


class ThemeForm(forms.Form):
    title = _title_field()
    description = _description_field()


class ThemeEditForm(ThemeForm, VersionedForm):
    pass


class CheckboxesField(BoundedModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class InitiativeForm(forms.Form):
    """Every field of a tiltag, for chefgruppen (its spor is chosen where it is created)."""

    title = _title_field()
    description = _description_field()
    theme = BoundedModelChoiceField(
        label=_("Tema"), queryset=Theme.objects.none(), required=False, empty_label=_("Intet tema")
    )
    lead_area = BoundedModelChoiceField(
        label=_("Ledende område"),
        queryset=Area.objects.none(),
        empty_label=_("Vælg område"),
        error_messages={"required": _("Vælg det ledende område.")},
    )
    owner = BoundedModelChoiceField(
        label=_("Ansvarlig ejer"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Ingen ejer"),
        help_text=_("Den person, der står til ansvar for tiltaget."),
    )
    owner_body = BoundedModelChoiceField(
        label=_("Ejergruppe"),
        queryset=GovernanceBody.objects.none(),
        required=False,
        empty_label=_("Ingen gruppe"),
    )
    start_quarter = forms.ChoiceField(label=_("Startkvartal"))
    end_quarter = forms.ChoiceField(label=_("Slutkvartal"), required=False)
    institutions = CheckboxesField(
        label=_("Berørte institutioner"), queryset=Institution.objects.none(), required=False
    )
    recommendations = CheckboxesField(
        label=_("Anbefalinger, som tiltaget udmønter"),
        queryset=Recommendation.objects.none(),
        required=False,
    )

    def __init__(self, *args, spor, **kwargs):
        super().__init__(*args, **kwargs)
        plan = spor.plan
        self.fields["theme"].queryset = spor.themes.active().order_by("order", "pk")
        self.fields["lead_area"].queryset = Area.objects.filter(plan=plan).order_by("name")
        self.fields["owner"].queryset = owner_candidates()
        self.fields["owner"].label_from_instance = _candidate_label
        self.fields["owner_body"].queryset = GovernanceBody.objects.filter(plan=plan).order_by(
            "name"
        )
        self.fields["start_quarter"] = QuarterChoiceField(plan=plan, label=_("Startkvartal"))
        self.fields["end_quarter"] = QuarterChoiceField(
            plan=plan,
            label=_("Slutkvartal"),
            required=False,
            blank_label=_("Løber planen ud"),
        )
        self.fields["institutions"].queryset = Institution.objects.order_by("name")
        self.fields["recommendations"].queryset = Recommendation.objects.filter(
            theme__plan=plan
        ).order_by("number")
        self.fields["recommendations"].label_from_instance = lambda r: str(
            _("Anbefaling %(number)s: %(text)s")
            % {"number": r.number, "text": Truncator(r.text).chars(120)}
        )


class InitiativeEditForm(InitiativeForm, VersionedForm):
    pass


class InitiativeDescriptionForm(VersionedForm):
    """What an owner edits of their own tiltag (the rest is chefgruppen's)."""

    description = _description_field()


class MilestoneForm(forms.Form):
    title = _title_field()
    description = _description_field()
    quarter = forms.ChoiceField(label=_("Kvartal"))
    institution = BoundedModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.none(),
        required=False,
        empty_label=_("Hele planen (ingen bestemt institution)"),
        help_text=_("Vælg en institution, hvis milepælen er en enkelt institutions egen."),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"] = QuarterChoiceField(
            plan=plan, label=_("Kvartal"), help_text=_("Det kvartal, milepælen skal nås i.")
        )
        self.fields["institution"].queryset = Institution.objects.order_by("name")


class MilestoneEditForm(VersionedForm):
    """A milestone's text and institution; its quarter moves only by re-planning."""

    title = _title_field()
    description = _description_field()
    institution = BoundedModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.none(),
        required=False,
        empty_label=_("Hele planen (ingen bestemt institution)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.order_by("name")


class MilestoneReplanForm(VersionedForm):
    quarter = forms.ChoiceField(label=_("Nyt kvartal"))
    reason = _reason_field(
        _("Begrundelse"), _("Hvorfor flyttes milepælen? Begrundelsen vises ved milepælen.")
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"] = QuarterChoiceField(
            plan=plan, label=_("Nyt kvartal"), blank_label=_("Vælg kvartal")
        )


class MilestoneCancelForm(VersionedForm):
    reason = _reason_field(
        _("Begrundelse"), _("Hvorfor aflyses milepælen? Begrundelsen vises ved milepælen.")
    )


class ArchiveForm(VersionedForm):
    """Archive (never delete): only the version the page showed."""


class AssignOwnerForm(VersionedForm):
    """ "Tildel ejer": the tiltag's accountable owner, versioned like every edit of a tiltag."""

    owner = BoundedModelChoiceField(
        label=_("Ansvarlig ejer"),
        queryset=User.objects.none(),
        empty_label=_("Vælg en person"),
        help_text=_("Ejeren får tiltagets milepæle under Mine milepæle og påmindelserne om dem."),
        error_messages={"required": _("Vælg den person, der skal eje tiltaget.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_candidates()
        self.fields["owner"].label_from_instance = _candidate_label


def _candidate_label(user: User) -> str:
    return f"{user} ({user.get_role_display()})"


class MilestoneFilterForm(forms.Form):
    """The milestone list's filters, in the query string like the tiltag list's."""

    is_filter = True

    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Alle")),
            (MilestoneState.OVERDUE, _("Forsinkede")),
            (MilestoneState.PLANNED, _("Planlagte (fristen er ikke overskredet)")),
            (MilestoneState.DONE, _("Nåede")),
        ],
    )
    spor = BoundedModelChoiceField(
        label=_("Spor"), queryset=Spor.objects.none(), required=False, empty_label=_("Alle spor")
    )
    area = BoundedModelChoiceField(
        label=_("Ledende område"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("Alle områder"),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spor"].queryset = Spor.objects.filter(plan=plan).order_by("number")
        self.fields["spor"].label_from_instance = lambda s: f"{s.number}. {s.title}"
        self.fields["area"].queryset = Area.objects.filter(
            pk__in=plan.initiatives.values("lead_area")
        )


class StatusReviewForm(forms.Form):
    """Chefgruppen's decision on a draft. The rules (a comment when sent back) live in the
    service."""

    decision = forms.ChoiceField(
        label=_("Afgørelse"),
        choices=[
            (StatusReview.Decision.APPROVED, _("Godkend og offentliggør")),
            (StatusReview.Decision.SENT_BACK, _("Send tilbage til forfatteren")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg godkend eller send tilbage.")},
    )
    comment = FreeTextField(
        label=_("Kommentar"),
        required=False,
        max_length=NOTE_LENGTH,
        multiline=True,
        rows=2,
        required_when=_("skal udfyldes, når opdateringen sendes tilbage"),
        help_text=_("Sendes til forfatteren og gemmes i historikken."),
    )
