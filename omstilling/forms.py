"""Forms of the core's own pages, and what every form of the portal shares."""

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.translation import gettext_lazy as _

from omstilling.fields import BoundedModelChoiceField
from omstilling.models import Plan

STALE_FORM = _(
    "Formularen kunne ikke gemmes, fordi siden er forældet eller ændret. Genindlæs siden, og "
    "prøv igen."
)


class HiddenFieldsMixin(forms.BaseForm):
    """A hidden field (the version a form was opened at) cannot show an error where the user
    looks: when one comes back broken, the page was stale or altered, and the form says so
    above its fields instead."""

    def _clean_fields(self):
        super()._clean_fields()
        broken = [
            name
            for name in self._errors
            if name in self.fields and self.fields[name].widget.is_hidden
        ]
        for name in broken:
            del self._errors[name]
            self.cleaned_data.pop(name, None)
        if broken:
            self.add_error(None, STALE_FORM)


class OwnPasswordChangeForm(PasswordChangeForm):
    """Django's form and validators (AUTH_PASSWORD_VALIDATORS), with the rules as one hint.

    Django gives the rules as an HTML list; a DKFDS form hint is a line of text that the field
    points to with aria-describedby, so the rules are joined into one. No autofocus: it would
    take a screen reader past the page's heading and instructions.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["new_password1"].help_text = " ".join(password_validators_help_texts())


class PlanChoiceForm(forms.Form):
    """The plan chooser: which plan to read (the current one, or an earlier one read-only)."""

    plan = BoundedModelChoiceField(label=_("Plan"), queryset=Plan.objects.all())


def apply_service_errors(form: forms.BaseForm, exc) -> None:
    """Put a service's ValidationError on the form: on its field when the form has that field,
    above the fields otherwise."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
