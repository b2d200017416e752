"""System checks that keep every input of the portal bounded and screened.

`manage.py check` (and so the test suite, `runserver` and the deploy) fails when a model or a
form of the portal's apps has a text field that is not bounded and screened for personal data,
a number without a range or a date without a window (`omstilling.fields`). Fields that hold no
typed text (choices, slugs, hashes, machine-written values) are named below with the reason.
"""

import importlib

from django import forms
from django.apps import apps
from django.core import checks
from django.db import models

from omstilling.fields import (
    BoundedDateField,
    BoundedModelChoiceField,
    BoundedModelMultipleChoiceField,
    FreeTextField,
    ScreenedCharField,
    ScreenedTextField,
    TextListField,
)

PORTAL_APPS = (
    "omstilling",
    "notifications",
    "tracks",
    "investments",
    "supportsystem",
    "visitation",
    "reports",
    "rounds",
    "decisions",
    "documents",
    "discussion",
)

# Model fields that hold no text a person typed, with why.
MACHINE_FIELDS = {
    # the account: staff's own names and log-in, managed by Django's auth (not about children)
    "omstilling.User": "*",
    # written by the portal itself: who, which row, which page
    "omstilling.AccessLog": "*",
    # HMAC keys of case numbers
    "supportsystem.Forloeb.case_key": "",
    "visitation.PreReferral.case_key": "",
    "visitation.Referral.case_key": "",
    # a report's generated period, failure reason, checksum and snapshot
    "reports.Report.period": "",
    "reports.Report.period_label": "",
    "reports.Report.failure_reason": "",
    "reports.Report.sha256": "",
    "reports.Report.snapshot": "",
    # the checksum of the plan file last loaded
    "omstilling.Plan.loaded_sha256": "",
    # a notification's portal path and event key, written by the portal itself
    "notifications.Notification.url": "",
    "notifications.Notification.event_key": "",
    # an attachment's checksum, computed from the file
    "documents.Document.sha256": "",
    # quarter codes parsed from an import
    "visitation.CountImport.quarters": "",
}

# Form modules of the portal: `<app>/forms.py`; the reports app has one per page package.
FORM_MODULES = (
    "tracks.forms",
    "investments.forms",
    "supportsystem.forms",
    "visitation.forms",
    "reports.dashboard.forms",
    "reports.archive.forms",
    "omstilling.forms",
    "notifications.forms",
    "rounds.forms",
    "decisions.forms",
    "documents.forms",
    "discussion.forms",
)


def _exempt(model, field) -> bool:
    label = model._meta.label
    if MACHINE_FIELDS.get(label) == "*" or f"{label}.{field.name}" in MACHINE_FIELDS:
        return True
    # django-simple-history's own columns; the copied columns keep their field classes
    return field.name.startswith("history_")


def model_field_error(model, field) -> str | None:
    """Why a model field breaks the rule, or None."""
    if not isinstance(field, models.Field) or field.auto_created or _exempt(model, field):
        return None
    if isinstance(field, models.JSONField) and not isinstance(field, TextListField):
        return "a JSONField of typed text: use TextListField"
    if (
        isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField)
        and not field.choices
        and not isinstance(field, ScreenedCharField | ScreenedTextField)
    ):
        return (
            "free text that is not a ScreenedCharField or ScreenedTextField (bounded, "
            "screened for personal data)"
        )
    return None


def _model_errors() -> list[checks.CheckMessage]:
    errors = []
    for app_label in PORTAL_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.label.startswith(f"{app_label}.Historical"):
                continue
            for field in model._meta.get_fields():
                problem = model_field_error(model, field)
                if problem:
                    errors.append(
                        checks.Error(
                            f"{model._meta.label}.{field.name} is {problem}.",
                            obj=field,
                            id="omstilling.E101",
                        )
                    )
    return errors


def _form_classes():
    for name in FORM_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            continue
    seen, stack = [], list(forms.BaseForm.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        # A ModelForm's fields come from its model's fields, which the model check covers.
        model_form = issubclass(cls, forms.BaseModelForm)
        if cls.__module__.split(".")[0] in PORTAL_APPS and cls not in seen and not model_form:
            seen.append(cls)
    return seen


def form_field_error(form, field: forms.Field) -> str | None:
    """Why a form field breaks the rule, or None."""
    if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
        if field.max_length is None:
            return "a text field without max_length"
        screened = isinstance(field, FreeTextField) or getattr(
            field, "screens_personal_data", False
        )
        # A filter's text is a search, never stored.
        if not screened and not getattr(form, "is_filter", False):
            return "a text field that is not a FreeTextField (screened for personal data)"
    if isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField):
        bounded_digits = isinstance(field, forms.DecimalField) and field.max_digits
        if field.min_value is None or (field.max_value is None and not bounded_digits):
            return "a number without min_value and max_value"
    if isinstance(field, forms.DateField) and not isinstance(field, BoundedDateField):
        return "a date that is not a BoundedDateField"
    if isinstance(field, forms.ModelChoiceField) and not isinstance(
        field, BoundedModelChoiceField | BoundedModelMultipleChoiceField
    ):
        return "a choice of rows that is not a BoundedModelChoiceField"
    return None


def _form_errors() -> list[checks.CheckMessage]:
    errors = []
    for form in _form_classes():
        for name, field in getattr(form, "base_fields", {}).items():
            problem = form_field_error(form, field)
            if problem:
                errors.append(
                    checks.Error(
                        f"{form.__module__}.{form.__name__}.{name} is {problem}.",
                        obj=form,
                        id="omstilling.E102",
                    )
                )
    return errors


def check_bounded_inputs(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return _model_errors() + _form_errors()
