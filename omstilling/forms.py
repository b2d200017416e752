"""Forms of the core's own pages, and what every form of the portal shares."""

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omstilling.fields import BoundedModelChoiceField
from omstilling.models import Plan
from omstilling.quarters import Quarter, quarter_range, validate_quarter_start

# How far around the current plan's period a quarter can be chosen in a quarter field.
QUARTER_MARGIN_YEARS = 5

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


class OwnSetPasswordForm(SetPasswordForm):
    """A first password chosen from an invitation: the rules as one hint, as above."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].widget.attrs.pop("autofocus", None)
        self.fields["new_password1"].help_text = " ".join(password_validators_help_texts())


class PlanChoiceForm(forms.Form):
    """The plan chooser: which plan to read (the current one, or an earlier one read-only)."""

    plan = BoundedModelChoiceField(label=_("Plan"), queryset=Plan.objects.all())


def quarter_choices() -> list[tuple[str, str]]:
    """The quarters one may pick, as (first day, "3. kvartal 2025"): the current plan's period
    and QUARTER_MARGIN_YEARS around it (around today's year before any plan is loaded)."""
    plan = Plan.objects.current()
    first = plan.start_quarter.year if plan else timezone.localdate().year
    last = plan.end_quarter.year if plan else timezone.localdate().year
    quarters = quarter_range(
        Quarter(first - QUARTER_MARGIN_YEARS, 1), Quarter(last + QUARTER_MARGIN_YEARS, 4)
    )
    return [(q.first_day.isoformat(), q.label) for q in quarters]


class QuarterFieldsAdmin:
    """For a ModelAdmin: a quarter (a date field that must start a quarter, stored as its first
    day) is picked from a list of quarters in words ("3. kvartal 2025"), never typed as a raw
    date. The stored value and its validation stay the model's."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if validate_quarter_start in getattr(db_field, "validators", ()):
            blank = [("", "---------")] if db_field.blank else []
            return forms.DateField(
                label=db_field.verbose_name.capitalize(),
                required=not db_field.blank,
                widget=forms.Select(choices=blank + quarter_choices()),
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def apply_service_errors(form: forms.BaseForm, exc) -> None:
    """Put a service's ValidationError on the form: each message on its field when the form
    has one, else above the fields. (The one helper for this; views call it.)"""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
