"""The forms of the pool's pages. The rules (decision path, pool limit, spending limit) live in the
services; the forms only parse what people type."""

import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from investments.models import (
    AMOUNT_DECIMAL_PLACES,
    AMOUNT_MAX_DIGITS,
    DevelopmentSchool,
    Investment,
    InvestmentState,
    state_label,
)
from investments.services import allowed_next_states
from omstilling.bounds import (
    NOTE_LENGTH,
    ORDER_MAX,
    REFERENCE_LENGTH,
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
from omstilling.models import Institution, Plan
from tracks.models import Initiative

_GROUPED = re.compile(r"\d{1,3}(\.\d{3})+")


class KronerField(forms.DecimalField):
    """An amount in kroner as Danes type it: "1.250.000", "1250000,50" or "1.250.000 kr."."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Skriv beløbet som et tal i kroner, fx 1.250.000 eller 1.250.000,50."),
        "max_decimal_places": _("Beløbet kan højst have to decimaler (øre)."),
        "max_digits": _("Beløbet er for stort."),
        "max_whole_digits": _("Beløbet er for stort."),
        "min_value": _("Beløbet skal være større end 0 kr."),
        "required": _("Angiv beløbet i kroner."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("I kroner, fx 1.250.000 eller 1.250.000,50."))
        super().__init__(
            max_digits=AMOUNT_MAX_DIGITS,
            decimal_places=AMOUNT_DECIMAL_PLACES,
            min_value=0.01,
            localize=True,
            **kwargs,
        )

    def prepare_value(self, value):
        """An amount shown in the form is written as Danes write it: 5.000.000 or 1.250.000,50."""
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            amount = Decimal(value)
            decimals = 0 if amount == amount.to_integral_value() else 2
            return number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)
        return value

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removesuffix("kr.").removesuffix("kr").replace(" ", "")
            value = value.replace("\N{NO-BREAK SPACE}", "")
            # Danish notation: "." groups thousands and "," marks øre. Parsed here, not by the
            # locale machinery, which only knows the grouping when it also prints it.
            if "," in value:
                value = value.replace(".", "").replace(",", ".")
            elif _GROUPED.fullmatch(value):
                value = value.replace(".", "")
        return super().to_python(value)


def _past_date_field(**kwargs) -> BoundedDateField:
    """A date of something that has happened: never in the future (the plan's own window is
    checked by the services)."""
    return BoundedDateField(
        last=timezone.localdate, error_messages={"required": _("Angiv datoen.")}, **kwargs
    )


class InitiativeChoiceField(BoundedModelMultipleChoiceField):
    """Initiatives as checkboxes; the template groups them by spor."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Initiative) -> str:
        return obj.title


class InvestmentForm(HiddenFieldsMixin, forms.Form):
    development_school = BoundedModelChoiceField(
        label=_("Udviklingsskole"),
        queryset=DevelopmentSchool.objects.none(),
        empty_label=_("Vælg udviklingsskole"),
        error_messages={"required": _("Vælg den udviklingsskole, investeringen gælder.")},
    )
    title = FreeTextField(
        label=_("Titel"),
        max_length=TITLE_LENGTH,
        error_messages={"required": _("Skriv en titel.")},
    )
    purpose = FreeTextField(
        label=_("Formål"),
        required=False,
        max_length=STATUS_LENGTH,
        multiline=True,
        rows=4,
        help_text=_("Hvad skal investeringen gøre for børnene og fællesskaberne?"),
    )
    amount = KronerField(label=_("Beløb"))
    initiatives = InitiativeChoiceField(
        label=_("Tiltag, som investeringen understøtter"),
        queryset=Initiative.objects.none(),
        required=False,
    )
    expected_version = BoundedIntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=VERSION_MAX, required=False
    )

    def __init__(self, *args, plan: Plan, investment: Investment | None = None, **kwargs):
        if investment is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "development_school": investment.development_school_id,
                "title": investment.title,
                "purpose": investment.purpose,
                "amount": investment.amount,
                "initiatives": [i.pk for i in investment.initiatives.all()],
                "expected_version": investment.version,
            }
        super().__init__(*args, **kwargs)
        self.fields["development_school"].queryset = DevelopmentSchool.objects.filter(
            plan=plan
        ).select_related("school")
        self.fields["initiatives"].queryset = (
            Initiative.objects.filter(plan=plan)
            .select_related("spor")
            .order_by("spor__number", "order", "pk")
        )
        if investment is not None and investment.state != InvestmentState.KLADDE:
            # What the committee treated and the approving body approved stays as it was (the
            # service refuses it too).
            for name in ("development_school", "amount"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Kan kun ændres, mens investeringen er en kladde.")

    def initiative_groups(self) -> list[tuple[str, list]]:
        """The initiative checkboxes grouped by spor, for the template."""
        groups: dict[str, list] = {}
        spor_of = {i.pk: i.spor for i in self.fields["initiatives"].queryset}
        for checkbox in self["initiatives"]:
            spor = spor_of[checkbox.data["value"].value]
            groups.setdefault(f"{spor.number}. {spor.title}", []).append(checkbox)
        return list(groups.items())


class DecisionForm(HiddenFieldsMixin, forms.Form):
    """The next step on an investment's decision path; only the allowed steps are offered."""

    to_state = forms.ChoiceField(
        label=_("Næste trin"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg det trin, der er besluttet.")},
    )
    decided_on = _past_date_field(
        label=_("Dato"), help_text=_("Datoen for mødet eller beslutningen.")
    )
    reference = FreeTextField(
        label=_("Reference"),
        required=False,
        max_length=REFERENCE_LENGTH,
    )
    note = FreeTextField(label=_("Note"), required=False, max_length=NOTE_LENGTH, multiline=True)
    expected_version = BoundedIntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=VERSION_MAX
    )

    def __init__(self, *args, investment: Investment, **kwargs):
        kwargs.setdefault(
            "initial", {"decided_on": timezone.localdate(), "expected_version": investment.version}
        )
        super().__init__(*args, **kwargs)
        names = investment.plan.names
        self.fields["reference"].help_text = _(
            "Fx “sag 137”. Skal udfyldes for behandling i %(committee)s og godkendelse."
        ) % {"committee": names.committee_short}
        steps = allowed_next_states(investment.state)
        self.fields["to_state"].choices = [(state, state_label(state, names)) for state in steps]
        if len(steps) == 1:
            self.initial.setdefault("to_state", steps[0])


class SpendingForm(forms.Form):
    spent_on = _past_date_field(label=_("Dato"), help_text=_("Datoen for udgiften."))
    amount = KronerField(label=_("Beløb"))
    note = FreeTextField(
        label=_("Note"),
        required=False,
        max_length=NOTE_LENGTH,
        multiline=True,
        rows=2,
        help_text=_("Fx hvad pengene er brugt til, eller bilagsnummer."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"spent_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class DevelopmentSchoolForm(forms.Form):
    school = BoundedModelChoiceField(
        label=_("Skole"),
        queryset=Institution.objects.none(),
        empty_label=_("Vælg skole"),
        error_messages={"required": _("Vælg skolen.")},
    )
    daycares = BoundedModelMultipleChoiceField(
        label=_("Tilknyttede dagtilbud"),
        queryset=Institution.objects.filter(kind=Institution.Kind.DAGTILBUD).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    order = BoundedIntegerField(
        label=_("Rækkefølge"),
        min_value=0,
        max_value=ORDER_MAX,
        required=False,
        help_text=_("Skolerne vises i stigende rækkefølge."),
    )

    def __init__(
        self, *args, plan: Plan, development_school: DevelopmentSchool | None = None, **kwargs
    ):
        if development_school is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "school": development_school.school_id,
                "daycares": [d.pk for d in development_school.daycares.all()],
                "order": development_school.order,
            }
        super().__init__(*args, **kwargs)
        schools = Institution.objects.filter(kind=Institution.Kind.SKOLE).order_by("name")
        if development_school is None:
            schools = schools.exclude(development_schools__plan=plan)
        else:
            self.fields["school"].disabled = True
            self.fields["school"].help_text = _("En udviklingsskole kan ikke skifte skole.")
        self.fields["school"].queryset = schools


class InvestmentFilterForm(forms.Form):
    """The filters of "Alle investeringer" (GET, kept in the URL): udviklingsskole and status.
    The schools are the plan's few udviklingsskoler, so a select stays short."""

    is_filter = True

    skole = BoundedModelChoiceField(
        label=_("Udviklingsskole"),
        queryset=DevelopmentSchool.objects.none(),
        required=False,
        empty_label=_("Alle udviklingsskoler"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skole"].queryset = (
            DevelopmentSchool.objects.filter(plan=plan)
            .select_related("school")
            .order_by("order", "pk")
        )
        self.fields["status"].choices = [
            ("", _("Alle")),
            *((state, state_label(state, plan.names)) for state in InvestmentState.values),
        ]
