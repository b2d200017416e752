import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from omstilling.bounds import (
    CASE_DATES_FROM,
    COUNT_MAX,
    NAME_LENGTH,
    NOTE_LENGTH,
    SHORT_NOTE_LENGTH,
)
from omstilling.fields import (
    BoundedDateField,
    BoundedModelChoiceField,
    CaseNumberField,
    FreeTextField,
)
from omstilling.models import Institution
from omstilling.privacy import screen_free_text
from visitation.models import (
    GENERAL_KINDS,
    AgeGroup,
    DecisionKind,
    ExternalSupport,
    PreReferralOutcome,
    SpecialOfferType,
)


def _case_date(**kwargs) -> BoundedDateField:
    """A date in a case: from 2000 until today (the services check frozen months too)."""
    return BoundedDateField(first=CASE_DATES_FROM, last=timezone.localdate, **kwargs)


def _attributes(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html writes them: in order, False left out, True bare."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class _InstitutionSelect(forms.Select):
    """Django's select, the same HTML, written in Python instead of two included templates per
    option (select_option.html, attrs.html): the list has an option per school and dagtilbud
    in the municipality, and the templates cost about 0.1 ms an option."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            items = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (str(o["value"]), mark_safe(" selected") if o["selected"] else "", o["label"])
                    for o in options
                ),
            )
            parts.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, items)
                if group_name
                else items
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            _attributes(widget["attrs"]),
            mark_safe("".join(parts)),  # noqa: S308 - each part escaped by format_html above
        )


class _InstitutionField(BoundedModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", _InstitutionSelect())
        super().__init__(
            queryset=Institution.objects.filter(kind__in=GENERAL_KINDS).order_by("kind", "name"),
            label=_("Barnets dagtilbud eller skole"),
            empty_label=_("Vælg institution"),
            error_messages={"required": _("Vælg barnets dagtilbud eller skole.")},
            **kwargs,
        )


def _age_group_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Alder eller klassetrin"),
        choices=[("", _("Vælg"))] + AgeGroup.choices,
        error_messages={"required": _("Vælg barnets alder eller klassetrin.")},
    )


class PreReferralForm(forms.Form):
    case_number = CaseNumberField()
    institution = _InstitutionField()
    age_group = _age_group_field()
    held_on = _case_date(
        label=_("Før-henvisningen blev holdt den"),
        error_messages={"required": _("Angiv datoen, hvor før-henvisningen blev holdt.")},
    )
    led_by = forms.ChoiceField(
        label=_("Ledet af (eksternt støttesystem)"),
        choices=[("", _("Vælg"))] + ExternalSupport.choices,
        error_messages={"required": _("Vælg, hvem i det eksterne støttesystem der ledte den.")},
    )
    outcome = forms.ChoiceField(
        label=_("Udfald"),
        choices=PreReferralOutcome.choices,
        initial=PreReferralOutcome.PENDING,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg udfaldet.")},
    )
    outcome_on = _case_date(
        label=_("Udfaldet blev kendt den"),
        required=False,
        help_text=_("Tom: samme dag som før-henvisningen."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"held_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Udfald"),
        choices=PreReferralOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg udfaldet.")},
    )
    outcome_on = _case_date(label=_("Udfaldet blev kendt den"), required=False)


class ReferralForm(forms.Form):
    case_number = CaseNumberField(
        help_text=_(
            "Sagsnummeret fra kommunens sagssystem – aldrig CPR-nummer eller navn. Er der "
            "registreret en før-henvisning på samme sagsnummer, kobles den på af sig selv."
        )
    )
    institution = _InstitutionField()
    age_group = _age_group_field()
    received_on = _case_date(
        label=_("Henvisningen blev modtaget den"),
        error_messages={"required": _("Angiv datoen, hvor henvisningen blev modtaget.")},
    )
    pre_referral_held_elsewhere = forms.BooleanField(
        label=_("Der er holdt en før-henvisning, som ikke er registreret i portalen"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class DecisionForm(forms.Form):
    decided_on = _case_date(
        label=_("Afgjort den"),
        error_messages={"required": _("Angiv datoen for afgørelsen.")},
    )
    decision = forms.ChoiceField(
        label=_("Afgørelse"),
        choices=DecisionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg afgørelsen.")},
    )
    special_offer_type = forms.ChoiceField(
        label=_("Type af specialtilbud"),
        choices=[("", _("Vælg, hvis afgørelsen er et specialtilbud"))] + SpecialOfferType.choices,
        required=False,
    )
    school_start_direct = forms.BooleanField(
        label=_("Skolestart direkte i et specialtilbud efter en almindelig børnehave"),
        required=False,
    )
    note = FreeTextField(
        label=_("Bemærkning"),
        required=False,
        max_length=NOTE_LENGTH,
        multiline=True,
        rows=2,
        help_text=_(
            "Fx om afgørelsen tages op igen. Aldrig navne, CPR-numre eller beskrivelser af barnet."
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"decided_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class CaseSearchForm(forms.Form):
    """Find a case's rows by its case number; sent by POST so the number is in no URL or log."""

    case_number = CaseNumberField(
        label=_("Find en sag"),
        help_text=_("Skriv sagsnummeret. Det sendes ikke i adressen og gemmes ikke."),
    )


class CountImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil med kvartalets tal"),
        help_text=_("CSV (semikolon eller komma, UTF-8) eller Excel (.xlsx), højst 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
        max_length=NAME_LENGTH,
        error_messages={"max_length": _("Filens navn er for langt (højst %(max)d tegn).")},
    )

    def clean_file(self):
        """The file's name is stored with the import: it is screened like every text."""
        upload = self.cleaned_data["file"]
        screen_free_text(upload.name)
        return upload


class KpiTargetForm(forms.Form):
    """Target and baseline for each quarter of one indicator."""

    note = FreeTextField(
        label=_("Kilde eller bemærkning"),
        required=False,
        max_length=SHORT_NOTE_LENGTH,
        help_text=_("Fx hvilket møde i chefgruppen eller udvalget målene er besluttet på."),
    )

    def __init__(self, *args, quarters, percent: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.quarters = quarters
        self.rows = []
        unit = "%" if percent else _("antal")
        for quarter in quarters:
            target = forms.DecimalField(
                label=_("Mål %(quarter)s (%(unit)s)")
                % {"quarter": quarter.short_label, "unit": unit},
                required=False,
                min_value=0,
                max_value=100 if percent else COUNT_MAX,
                decimal_places=1,
                max_digits=10,
                localize=True,
            )
            baseline = forms.DecimalField(
                label=_("Baseline %(quarter)s (%(unit)s)")
                % {"quarter": quarter.short_label, "unit": unit},
                required=False,
                min_value=0,
                max_value=100 if percent else COUNT_MAX,
                decimal_places=1,
                max_digits=10,
                localize=True,
            )
            self.fields[f"target_{quarter.code}"] = target
            self.fields[f"baseline_{quarter.code}"] = baseline
            self.rows.append(
                (quarter, self[f"target_{quarter.code}"], self[f"baseline_{quarter.code}"])
            )

    def values(self) -> dict[dt.date, tuple]:
        return {
            quarter.first_day: (
                self.cleaned_data.get(f"target_{quarter.code}"),
                self.cleaned_data.get(f"baseline_{quarter.code}"),
            )
            for quarter in self.quarters
        }
