from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omstilling.bounds import NOTE_LENGTH, SEARCH_LENGTH, STATUS_LENGTH, VERSION_MAX
from omstilling.fields import (
    BoundedDateField,
    BoundedIntegerField,
    BoundedModelChoiceField,
    FreeTextField,
)
from omstilling.forms import HiddenFieldsMixin
from omstilling.models import Area, User
from omstilling.quarters import Quarter, quarter_range
from tracks.models import Health, Spor, StatusReview, WorkState

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
    owner = BoundedModelChoiceField(
        label=_("Ejer"), queryset=User.objects.none(), required=False, empty_label=_("Alle ejere")
    )
    area = BoundedModelChoiceField(
        label=_("Ledende område"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("Alle områder"),
    )
    quarter = forms.ChoiceField(label=_("Aktiv i kvartal"), required=False)

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
        self.fields["owner"].queryset = (
            User.objects.filter(owned_initiatives__plan=plan).distinct().order_by("first_name")
        )
        self.fields["area"].queryset = Area.objects.filter(
            pk__in=plan.initiatives.values("lead_area")
        )
        quarters = quarter_range(Quarter.of(plan.start_quarter), Quarter.of(plan.end_quarter))
        self.fields["quarter"].choices = [("", _("Alle kvartaler"))] + [
            (q.code, q.label) for q in quarters
        ]

    def clean_quarter(self) -> Quarter | None:
        value = self.cleaned_data.get("quarter")
        return Quarter.parse(value) if value else None


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
