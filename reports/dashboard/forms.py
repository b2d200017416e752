from django import forms
from django.utils.translation import gettext_lazy as _

from omstilling.fields import BoundedModelChoiceField
from omstilling.models import Area, Plan
from tracks.models import Spor


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, read from the query string so that the state lives in the URL."""

    is_filter = True  # every field is optional; the layout does not mark them "(valgfrit)"

    spor = BoundedModelChoiceField(
        label=_("Spor"), queryset=Spor.objects.none(), required=False, empty_label=_("Alle spor")
    )
    area = BoundedModelChoiceField(
        label=_("Ledende område"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("Alle områder"),
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spor"].queryset = Spor.objects.filter(plan=plan).order_by("number")
        self.fields["spor"].label_from_instance = lambda s: f"{s.number}. {s.title}"
        self.fields["area"].queryset = Area.objects.filter(
            pk__in=plan.initiatives.values("lead_area")
        )
