"""The fields every free text, number and date of the portal goes through.

Model fields
    `ScreenedCharField` and `ScreenedTextField` carry a length limit (`omstilling.bounds`) and
    the personal-data screening (`omstilling.privacy.screen_free_text`) as validators, so a
    ModelForm (the admin) ties their errors to the field, and the `pre_save` guard in
    `omstilling.apps` refuses to store a row that breaks them whatever path it came by.
    `TextListField` does the same for a JSON list of short texts.

Form fields
    `FreeTextField` (one line or several), `BoundedDateField` and `BoundedIntegerField`: the same
    limits in the browser (maxlength, min, max) and on the server, with Danish messages, and a
    CPR-like number is never sent back to the browser in a form shown with errors.

The system check `omstilling.checks.check_bounded_inputs` fails when a model or form of the
portal has a text, number or date field that does not go through these, so a new field cannot
forget them.
"""

import datetime as dt

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from omstilling import bounds
from omstilling.privacy import contains_cpr, mask_cpr, screen_free_text, validate_case_number

# --- model fields -------------------------------------------------------------------------------


class _Screened:
    """Mixin for a model text field: a required length limit and the screening."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)

    @property
    def validators(self):
        extra = [screen_free_text]
        if not any(isinstance(v, validators.MaxLengthValidator) for v in super().validators):
            extra.append(validators.MaxLengthValidator(self.max_length))
        return [*super().validators, *extra]


class ScreenedCharField(_Screened, models.CharField):
    """A one-line free text: bounded and screened for personal data."""


class ScreenedTextField(_Screened, models.TextField):
    """A free text of several lines: bounded and screened for personal data. (The column stays
    `text`; the limit is the model's and the form's, so rows stored before it still load.)"""

    def formfield(self, **kwargs):
        return super().formfield(**{"widget": ScreenedTextarea, **kwargs})


class TextListValidator:
    """A JSON list of at most `max_items` texts, each screened and at most `max_length` long."""

    def __init__(
        self,
        max_items: int = bounds.TEXT_LIST_ITEMS,
        max_length: int = bounds.TEXT_LIST_ITEM_LENGTH,
    ):
        self.max_items = max_items
        self.max_length = max_length

    def __call__(self, value) -> None:
        if value in (None, ""):
            return
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValidationError(_("Skal være en liste af tekster."), code="text_list")
        if len(value) > self.max_items:
            raise ValidationError(
                _("Højst %(count)s punkter.") % {"count": self.max_items}, code="text_list"
            )
        for item in value:
            validators.MaxLengthValidator(self.max_length)(item)
            screen_free_text(item)

    def __eq__(self, other) -> bool:
        return isinstance(other, TextListValidator) and (self.max_items, self.max_length) == (
            other.max_items,
            other.max_length,
        )

    def deconstruct(self):
        return (
            "omstilling.fields.TextListValidator",
            (),
            {"max_items": self.max_items, "max_length": self.max_length},
        )


class TextListField(models.JSONField):
    """A JSON list of short free texts, bounded and screened item by item."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    @property
    def validators(self):
        return [*super().validators, TextListValidator()]


class BoundedDateModelField(models.DateField):
    """A stored date in the portal's absolute window (2000–2100). The window of the thing the
    date belongs to (a case, a plan) is checked by the services (`bounds.check_date`)."""

    default_validators = [bounds.validate_date_in_portal_window]


# --- form fields --------------------------------------------------------------------------------


class _MaskCprMixin:
    def format_value(self, value):
        return super().format_value(mask_cpr(value) if isinstance(value, str) else value)


class ScreenedTextInput(_MaskCprMixin, forms.TextInput):
    """Sends a text back to the browser with any CPR-like number masked (the rest is kept)."""


class ScreenedTextarea(_MaskCprMixin, forms.Textarea):
    """A textarea that sends its text back with any CPR-like number masked."""

    def __init__(self, attrs=None):
        super().__init__({"rows": 3, **(attrs or {})})


_LENGTH_MESSAGE = _("Teksten må højst være %(limit_value)d tegn lang (den er %(show_value)d).")


class FreeTextField(forms.CharField):
    """Free text people type: a required `max_length`, screened for personal data.

    `multiline=True` gives a textarea (with DKFDS's character count when the limit is long).
    `required_when` says when a field the form cannot require on its own must be filled in
    ("skal udfyldes ved gul og rød"); the label shows it instead of "(valgfrit)".
    """

    def __init__(
        self,
        *,
        max_length: int,
        multiline: bool = False,
        rows: int = 3,
        required_when: str = "",
        **kwargs,
    ):
        self.required_when = required_when
        if multiline:
            kwargs.setdefault("widget", ScreenedTextarea(attrs={"rows": rows}))
        else:
            kwargs.setdefault("widget", ScreenedTextInput)
        kwargs.setdefault("validators", [])
        kwargs["validators"] = [*kwargs["validators"], screen_free_text]
        error_messages = {"max_length": _LENGTH_MESSAGE, **kwargs.pop("error_messages", {})}
        self.multiline = multiline
        super().__init__(max_length=max_length, error_messages=error_messages, **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if self.multiline:
            # DKFDS character limit: the count is shown beside the field (see field.html).
            attrs["data-maxlength"] = str(self.max_length)
        return attrs


class BoundedDateField(forms.DateField):
    """A date in a window: the portal's absolute one unless the form narrows it.

    `first` and `last` may be dates or callables (evaluated per request, e.g. today)."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    default_error_messages = {
        "invalid": _("Skriv en gyldig dato (åååå-mm-dd)."),
        "required": _("Angiv en dato."),
    }

    def __init__(self, *, first=bounds.EARLIEST_DATE, last=bounds.LATEST_DATE, **kwargs):
        super().__init__(**kwargs)
        self.first = first
        self.last = last
        self.widget.attrs.update(self._window_attrs())

    def _bounds(self) -> tuple[dt.date, dt.date]:
        first = self.first() if callable(self.first) else self.first
        last = self.last() if callable(self.last) else self.last
        return first, last

    def _window_attrs(self) -> dict:
        first, last = self._bounds()
        return {"min": first.isoformat(), "max": last.isoformat()}

    def to_python(self, value):
        try:
            return super().to_python(value)
        except (OverflowError, ValueError) as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        message = bounds.date_error(value, *self._bounds())
        if message:
            raise ValidationError(message, code="date_window")

    def get_bound_field(self, form, field_name):
        # Refresh min/max for windows that move (today).
        self.widget.attrs.update(self._window_attrs())
        return super().get_bound_field(form, field_name)


class BoundedIntegerField(forms.IntegerField):
    """A whole number with a required range."""

    default_error_messages = {
        "invalid": _("Skriv et helt tal."),
        "min_value": _("Tallet skal være mindst %(limit_value)s."),
        "max_value": _("Tallet må højst være %(limit_value)s."),
    }

    def __init__(self, *, min_value: int, max_value: int, **kwargs):
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)


# --- the guard before any row is written --------------------------------------------------------

_SCREENED_TYPES = (ScreenedCharField, ScreenedTextField, TextListField)
_screened_fields_of: dict[type, list[models.Field]] = {}


def _screened_fields(model: type) -> list[models.Field]:
    if model not in _screened_fields_of:
        from simple_history.models import HistoricalChanges

        # A history row copies its origin row, which was checked when it was written; a row
        # stored before a limit existed must still get its history when another field changes.
        copies = issubclass(model, HistoricalChanges)
        _screened_fields_of[model] = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, _SCREENED_TYPES) and not copies
        ]
    return _screened_fields_of[model]


def refuse_unscreened_text(sender, instance, update_fields=None, **kwargs) -> None:
    """`pre_save` receiver: no row is written whose free text breaks its field's bounds or the
    personal-data screening, whichever path (a service, the admin, a loader, a shell) saves it.
    Forms check the same validators first and show the error on the field; this is the net
    under them."""
    errors: dict[str, list] = {}
    for field in _screened_fields(sender):
        if update_fields is not None and field.name not in update_fields:
            continue
        value = getattr(instance, field.attname)
        if value in field.empty_values:
            continue
        try:
            field.run_validators(value)
        except ValidationError as exc:
            errors[field.name] = exc.error_list
    if errors:
        raise ValidationError(errors)


class _CaseNumberInput(forms.TextInput):
    """Never sends a CPR-like number back to the browser, even in a form shown with errors."""

    def format_value(self, value):
        return "" if contains_cpr(value or "") else super().format_value(value)


class CaseNumberField(forms.CharField):
    """A case number from the municipality's own case system, as typed. It is turned into its
    pseudonymous key by the service, which refuses a CPR-like number; it is never stored."""

    screens_personal_data = True  # the services refuse a CPR number (case_key_from_number)

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Sagsnummer"))
        kwargs.setdefault(
            "help_text",
            _(
                "Sagsnummeret fra kommunens sagssystem – aldrig CPR-nummer eller navn. Portalen "
                "gemmer ikke nummeret, kun en nøgle, som ikke kan føres tilbage til det."
            ),
        )
        kwargs.setdefault("max_length", bounds.REFERENCE_LENGTH)
        kwargs.setdefault("widget", _CaseNumberInput(attrs={"autocomplete": "off"}))
        kwargs["validators"] = [*kwargs.get("validators", []), validate_case_number]
        kwargs["error_messages"] = {
            "required": _("Skriv sagsnummeret fra kommunens sagssystem."),
            **kwargs.get("error_messages", {}),
        }
        super().__init__(**kwargs)


# A row id a form receives is a whole number the database can hold (a 64-bit integer); anything
# else is "not one of the choices" before a query is made (SQLite raises OverflowError on larger
# numbers instead of finding nothing).
_ID_RANGE = range(-(2**63), 2**63)


def _refuse_impossible_id(field: forms.ModelChoiceField, value) -> None:
    if field.to_field_name or value in field.empty_values:
        return
    try:
        key = int(str(value).strip())
    except ValueError:
        return  # Django's own lookup refuses it as an invalid choice
    if key not in _ID_RANGE:
        raise ValidationError(
            field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class BoundedModelChoiceField(forms.ModelChoiceField):
    """A choice of one row; an id no database row can have is an invalid choice."""

    def to_python(self, value):
        _refuse_impossible_id(self, value)
        return super().to_python(value)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of rows; an id no database row can have is an invalid choice."""

    def _check_values(self, value):
        for item in value or ():
            try:
                _refuse_impossible_id(self, item)
            except ValidationError as exc:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                ) from exc
        return super()._check_values(value)
