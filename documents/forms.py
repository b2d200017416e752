from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from omstilling.bounds import SHORT_NOTE_LENGTH, TITLE_LENGTH
from omstilling.fields import FreeTextField


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Fil"),
        allow_empty_file=True,  # an empty file gets the portal's own message
        error_messages={"required": _("Vælg en fil."), "invalid": _("Vælg en fil.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.odt"}),
    )
    title = FreeTextField(
        label=_("Titel"),
        max_length=TITLE_LENGTH,
        required=False,
        help_text=_("Uden titel vises filens navn."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, Word (.docx), Excel (.xlsx) eller OpenDocument-tekst (.odt), højst %(limit)s. "
            "Filnavnet må ikke indeholde personoplysninger."
        ) % {"limit": filesizeformat(settings.DOCUMENT_MAX_BYTES)}


class WithdrawForm(forms.Form):
    reason = FreeTextField(
        label=_("Begrundelse"),
        max_length=SHORT_NOTE_LENGTH,
        error_messages={"required": _("Skriv, hvorfor bilaget trækkes tilbage.")},
    )
