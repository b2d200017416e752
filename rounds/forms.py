from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omstilling.fields import BoundedDateField, BoundedModelMultipleChoiceField
from omstilling.quarters import Quarter, quarter_range
from rounds.selectors import add_working_days
from tracks.models import Initiative, WorkState

# The deadline offered when a round is opened: two working weeks ahead.
DEFAULT_DEADLINE_WORKING_DAYS = 10


class RoundOpenForm(forms.Form):
    quarter = forms.ChoiceField(label=_("Kvartal"), help_text=_("Den periode, runden gælder."))
    deadline = BoundedDateField(
        label=_("Frist"),
        first=timezone.localdate,
        help_text=_(
            "En hverdag (ikke weekend eller helligdag), typisk nogle arbejdsdage før udvalgets "
            "møde."
        ),
    )
    initiatives = BoundedModelMultipleChoiceField(
        label=_("Tiltag i runden"),
        queryset=Initiative.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Som udgangspunkt alle aktive tiltag (ikke afsluttede eller opgivne)."),
        error_messages={"required": _("Vælg mindst ét tiltag.")},
    )

    def __init__(self, *args, plan, **kwargs):
        today = timezone.localdate()
        queryset = Initiative.objects.filter(plan=plan).select_related("spor", "current_status")
        active = [
            i.pk
            for i in queryset
            if not i.current_status
            or i.current_status.state not in (WorkState.AFSLUTTET, WorkState.OPGIVET)
        ]
        kwargs.setdefault(
            "initial",
            {
                "quarter": Quarter.of(today).code,
                "deadline": add_working_days(today, DEFAULT_DEADLINE_WORKING_DAYS),
                "initiatives": active,
            },
        )
        super().__init__(*args, **kwargs)
        quarters = quarter_range(Quarter.of(plan.start_quarter), Quarter.of(plan.end_quarter))
        self.fields["quarter"].choices = [(q.code, q.label) for q in quarters]
        self.fields["initiatives"].queryset = queryset.order_by("spor__number", "order", "pk")
        self.fields["initiatives"].label_from_instance = lambda i: f"{i.spor.number}. {i.title}"

    def clean_quarter(self) -> Quarter:
        return Quarter.parse(self.cleaned_data["quarter"])
