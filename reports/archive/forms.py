from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import Report, ReportKind


class ArchiveFilterForm(forms.Form):
    """The archive's filters, read from the query string so that the state lives in the URL."""

    is_filter = True  # every field is optional; the layout does not mark them "(valgfrit)"

    kind = forms.ChoiceField(label=_("Type"), required=False)
    year = forms.TypedChoiceField(label=_("År"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Alle rapporter")), *ReportKind.choices]
        years = Report.objects.dates("period_start", "year", order="DESC")
        self.fields["year"].choices = [("", _("Alle år"))] + [(d.year, d.year) for d in years]
