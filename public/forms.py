from django import forms

from omstilling.models import Role, User
from reports.models import Report, ReportState


class PlanPublicForm(forms.Form):
    public = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")


class ReportPublicForm(forms.Form):
    report = forms.ModelChoiceField(queryset=Report.objects.filter(state=ReportState.FAERDIG))
    public = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")


class OfficeholderForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True).exclude(role=""))
    officeholder = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1"
    )


ROLES_WITH_NAMES_SHOWN = (Role.CHEFGRUPPE, Role.INITIATIVEJER, Role.LEDER)
