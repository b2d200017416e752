"""Forms of the support-system pages. Few required fields: the plan asks for little paperwork.

The rules (forward only, close only to a closing stage, no CPR numbers, …) live in the
services; the forms only collect the input and show the services' errors on their fields.
"""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omstilling.bounds import CASE_DATES_FROM, NOTE_LENGTH, SEARCH_LENGTH
from omstilling.fields import (
    BoundedDateField,
    BoundedModelChoiceField,
    CaseNumberField,
    FreeTextField,
)
from omstilling.models import Area, Institution, Plan
from omstilling.privacy import CASE_KEY_LENGTH
from supportsystem.models import AgeGroup, ConcernType, Stage, SupportActor

_NOTE_HINT = _(
    "Kort om indsatsen og samarbejdet. Skriv aldrig navne, CPR-numre eller adresser på børn."
)


def _date_field(label: str, help_text: str = "") -> BoundedDateField:
    """A date in a forløb: from 2000 until today (the service checks the forløb's order)."""
    return BoundedDateField(
        label=label,
        help_text=help_text,
        first=CASE_DATES_FROM,
        last=timezone.localdate,
        error_messages={
            "required": _("Angiv en dato."),
            "invalid": _("Skriv datoen som åååå-mm-dd."),
        },
    )


class DirectoryFilterForm(forms.Form):
    is_filter = True

    q = forms.CharField(
        label=_("Søg"),
        required=False,
        max_length=SEARCH_LENGTH,
        help_text=_("Fx “sprog”, “PPV” eller navnet på en aktør."),
    )
    kind = forms.ChoiceField(
        label=_("Del af støttesystemet"),
        required=False,
        choices=[("", _("Alle dele")), *SupportActor.Kind.choices],
    )
    area = BoundedModelChoiceField(
        label=_("Område"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("Alle områder"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The current plan's areas: an earlier plan's have the same names.
        self.fields["area"].queryset = Area.objects.filter(
            plan=Plan.objects.current(), support_actors__isnull=False
        ).distinct()


class ForloebFilterForm(forms.Form):
    is_filter = True

    STATUS_CHOICES = [
        ("aabne", _("Åbne forløb")),
        ("afsluttede", _("Afsluttede forløb")),
        ("alle", _("Alle forløb")),
    ]

    status = forms.ChoiceField(label=_("Vis"), required=False, choices=STATUS_CHOICES)
    stage = forms.ChoiceField(label=_("Trin"), required=False)
    concern_type = forms.ChoiceField(
        label=_("Bekymringen gælder"),
        required=False,
        choices=[("", _("Alle")), *ConcernType.choices],
    )
    institution = forms.ChoiceField(label=_("Institution"), required=False)
    sag = forms.CharField(required=False, max_length=CASE_KEY_LENGTH, widget=forms.HiddenInput)

    def __init__(self, *args, stage_list, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices from lists already fetched for the page, so validation costs no query.
        self.fields["stage"].choices = [("", _("Alle trin"))] + [(s.pk, s.name) for s in stage_list]
        self.fields["institution"].choices = [("", _("Alle mine institutioner"))] + [
            (i.pk, i.name) for i in institutions
        ]
        self._stages = {str(s.pk): s for s in stage_list}
        self._institutions = {str(i.pk): i for i in institutions}

    def clean_stage(self) -> Stage | None:
        return self._stages.get(self.cleaned_data.get("stage") or "")

    def clean_institution(self) -> Institution | None:
        return self._institutions.get(self.cleaned_data.get("institution") or "")

    def clean_sag(self) -> str:
        value = (self.cleaned_data.get("sag") or "").lower()
        return value if re.fullmatch(r"[0-9a-f]{64}", value) else ""


class CaseLookupForm(forms.Form):
    """Find a child's forløb by the case number: it is turned into the key, never kept."""

    case_number = CaseNumberField(
        help_text=_("Sagsnummeret fra kommunens sagssystem. Det gemmes ikke."),
        error_messages={"required": _("Skriv sagsnummeret.")},
    )


class ForloebOpenForm(forms.Form):
    institution = BoundedModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.none(),
        empty_label=_("Vælg institution"),
        error_messages={"required": _("Vælg institutionen.")},
    )
    concern_type = forms.ChoiceField(
        label=_("Bekymringen gælder"),
        choices=[
            (ConcernType.FAELLESSKAB, _("Et fællesskab, fx en klasse eller en børnegruppe")),
            (ConcernType.LAERINGSMILJOE, _("Et læringsmiljø")),
            (ConcernType.BARN, _("Et barn eller en ung")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg, hvad bekymringen gælder.")},
    )
    # Required for a child, refused otherwise (the service decides): see conditional_field.html.
    case_number = CaseNumberField(
        required=False,
        help_text=_(
            "Skal udfyldes, når bekymringen gælder et barn eller en ung: sagsnummeret fra "
            "kommunens sagssystem. Portalen gemmer det ikke, kun en pseudonym nøgle, så I kan "
            "finde forløbet igen med samme sagsnummer."
        ),
    )
    label = FreeTextField(
        label=_("Betegnelse"),
        required=False,
        max_length=80,
        help_text=_(
            "Kan udfyldes for et fællesskab eller læringsmiljø, fx “3.b” eller “Mellemgruppen”. "
            "Aldrig et barns navn."
        ),
    )
    age_group = forms.ChoiceField(
        label=_("Aldersgruppe eller klassetrin"),
        required=False,
        choices=[("", _("Ikke angivet")), *AgeGroup.choices],
    )
    opened_on = _date_field(_("Bekymringen er registreret den"))
    note = FreeTextField(
        label=_("Note"),
        required=False,
        max_length=NOTE_LENGTH,
        multiline=True,
        help_text=_NOTE_HINT,
    )

    def __init__(self, *args, institutions, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("opened_on", timezone.localdate())
        if len(institutions) == 1:
            kwargs["initial"].setdefault("institution", institutions[0].pk)
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.filter(
            pk__in=[i.pk for i in institutions]
        )


class _StageChoiceForm(forms.Form):
    preselect = True  # propose the first stage; a re-opening is chosen deliberately

    to_stage = forms.ChoiceField(
        widget=forms.RadioSelect, error_messages={"required": _("Vælg et trin.")}
    )
    on = _date_field(_("Dato"))

    def __init__(self, *args, stages: list[Stage], **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("on", timezone.localdate())
        if stages and self.preselect:
            kwargs["initial"].setdefault("to_stage", stages[0].pk)
        super().__init__(*args, **kwargs)
        self._stages = {str(stage.pk): stage for stage in stages}
        self.fields["to_stage"].choices = [(stage.pk, self.stage_label(stage)) for stage in stages]

    def stage_label(self, stage: Stage) -> str:
        return stage.name

    def clean_to_stage(self) -> Stage:
        return self._stages[self.cleaned_data["to_stage"]]


class ForloebStepForm(_StageChoiceForm):
    """Move a forløb on, or close it: one form, the chosen stage decides which."""

    note = FreeTextField(
        label=_("Note"),
        required=False,
        max_length=NOTE_LENGTH,
        multiline=True,
        rows=2,
        help_text=_NOTE_HINT,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].label = _("Næste trin")

    def stage_label(self, stage: Stage) -> str:
        if stage.closing:
            return _("Afslut forløbet: %(name)s") % {"name": stage.name}
        return stage.name


class ForloebReopenForm(_StageChoiceForm):
    preselect = False

    reason = FreeTextField(
        label=_("Begrundelse"),
        max_length=NOTE_LENGTH,
        multiline=True,
        rows=2,
        help_text=_("Hvorfor genåbnes forløbet? Skriv aldrig navne eller CPR-numre."),
        error_messages={"required": _("Skriv kort, hvorfor forløbet genåbnes.")},
    )

    def __init__(self, *args, **kwargs):
        # Shown beside the step form, which has fields of the same names: own ids.
        kwargs.setdefault("auto_id", "id_reopen_%s")
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].label = _("Genåbn på trinnet")
