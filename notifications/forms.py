from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import EmailChoice


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label=_("Notifikationer på e-mail"),
        choices=EmailChoice.choices,
        widget=forms.RadioSelect,
        help_text=_("Alle notifikationer står også her i portalen."),
    )


class ListFilterForm(forms.Form):
    is_filter = True
    vis = forms.ChoiceField(
        label=_("Vis"),
        required=False,
        choices=[("", _("Alle")), ("ulaeste", _("Kun ulæste"))],
    )
