"""The decision form (new or correction) and the register's filter."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from decisions.models import Decision, DecisionBody
from investments.forms import InitiativeChoiceField
from investments.models import Investment
from omstilling.bounds import REFERENCE_LENGTH, STATUS_LENGTH, TITLE_LENGTH, plan_date_window
from omstilling.fields import (
    BoundedDateField,
    BoundedModelChoiceField,
    BoundedModelMultipleChoiceField,
    FreeTextField,
)
from omstilling.models import Plan
from omstilling.privacy import validate_case_number
from tracks.models import Initiative, Recommendation


class _TitledChoiceField(BoundedModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return obj.title


class _RecommendationChoiceField(BoundedModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Recommendation) -> str:
        text = obj.text if len(obj.text) <= 120 else obj.text[:119] + "…"
        return _("Nr. %(number)s: %(text)s") % {"number": obj.number, "text": text}


class DecisionForm(forms.Form):
    body = forms.ChoiceField(label=_("Besluttet af"), widget=forms.RadioSelect)
    meeting_date = BoundedDateField(label=_("Mødedato"))
    case_number = FreeTextField(
        label=_("Sagsnummer"),
        max_length=REFERENCE_LENGTH,
        validators=[validate_case_number],
        help_text=_("Sagens nummer på dagsordenen eller i sagssystemet, fx “sag 67”."),
        error_messages={"required": _("Skriv sagsnummeret.")},
    )
    title = FreeTextField(
        label=_("Overskrift"),
        max_length=TITLE_LENGTH,
        error_messages={"required": _("Skriv en overskrift.")},
    )
    text = FreeTextField(
        label=_("Beslutning"),
        max_length=STATUS_LENGTH,
        multiline=True,
        rows=5,
        help_text=_("Beslutningen, som den står i referatet."),
        error_messages={"required": _("Skriv beslutningen.")},
    )
    initiatives = InitiativeChoiceField(
        label=_("Tiltag, beslutningen vedrører"), queryset=Initiative.objects.none(), required=False
    )
    investments = _TitledChoiceField(
        label=_("Investeringer, beslutningen vedrører"),
        queryset=Investment.objects.none(),
        required=False,
    )
    recommendations = _RecommendationChoiceField(
        label=_("Anbefalinger, beslutningen vedrører"),
        queryset=Recommendation.objects.none(),
        required=False,
    )

    def __init__(self, *args, plan: Plan, corrects: Decision | None = None, **kwargs):
        if corrects is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "body": corrects.body,
                "meeting_date": corrects.meeting_date,
                "case_number": corrects.case_number,
                "title": corrects.title,
                "text": corrects.text,
                "initiatives": [i.pk for i in corrects.initiatives.all()],
                "investments": [i.pk for i in corrects.investments.all()],
                "recommendations": [r.pk for r in corrects.recommendations.all()],
            }
        super().__init__(*args, **kwargs)
        names = plan.names
        choices = [(DecisionBody.COMMITTEE, names.committee)]
        if names.has_approving_body:
            choices.append(
                (
                    DecisionBody.APPROVING_BODY,
                    _("%(body)s (investeringer)") % {"body": names.approving_body},
                )
            )
        self.fields["body"].choices = choices
        self.fields["body"].initial = self.fields["body"].initial or DecisionBody.COMMITTEE
        first, last = plan_date_window(plan, past_only=True)
        self.fields["meeting_date"].first = first
        self.fields["meeting_date"].last = lambda: min(last, timezone.localdate())
        self.fields["initiatives"].queryset = (
            Initiative.objects.filter(plan=plan)
            .select_related("spor")
            .order_by("spor__number", "order", "pk")
        )
        self.fields["investments"].queryset = Investment.objects.filter(plan=plan).order_by(
            "title", "pk"
        )
        self.fields["recommendations"].queryset = Recommendation.objects.filter(
            theme__plan=plan
        ).select_related("theme")

    def initiative_groups(self):
        """The initiative checkboxes grouped by spor, for the template."""
        groups: dict[str, list] = {}
        spor_of = {i.pk: i.spor for i in self.fields["initiatives"].queryset}
        for checkbox in self["initiatives"]:
            spor = spor_of[checkbox.data["value"].value]
            groups.setdefault(f"{spor.number}. {spor.title}", []).append(checkbox)
        return list(groups.items())


class DecisionFilterForm(forms.Form):
    """The register's filter: the decisions concerning one tiltag, investment or
    recommendation (the links from those pages come here)."""

    is_filter = True

    tiltag = BoundedModelChoiceField(
        label=_("Tiltag"), queryset=Initiative.objects.none(), required=False
    )
    investering = BoundedModelChoiceField(
        label=_("Investering"), queryset=Investment.objects.none(), required=False
    )
    anbefaling = BoundedModelChoiceField(
        label=_("Anbefaling"), queryset=Recommendation.objects.none(), required=False
    )

    def __init__(self, *args, plan: Plan, with_investments: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tiltag"].queryset = Initiative.objects.filter(plan=plan).order_by(
            "spor__number", "order", "pk"
        )
        self.fields["tiltag"].label_from_instance = lambda obj: obj.title
        self.fields["anbefaling"].queryset = Recommendation.objects.filter(theme__plan=plan)
        if with_investments:
            self.fields["investering"].queryset = Investment.objects.filter(plan=plan).order_by(
                "title", "pk"
            )
            self.fields["investering"].label_from_instance = lambda obj: obj.title
        else:
            del self.fields["investering"]
