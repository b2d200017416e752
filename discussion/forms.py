from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from discussion.models import COMMENT_LENGTH
from omstilling.bounds import SEARCH_LENGTH, VERSION_MAX
from omstilling.fields import BoundedIntegerField, FreeTextField
from omstilling.forms import HiddenFieldsMixin

_TEXT_HELP = _(
    "Nævn en kollega med @brugernavn, så får vedkommende en notifikation. Skriv aldrig "
    "CPR-numre eller navne på børn."
)


class CommentForm(forms.Form):
    text = FreeTextField(
        label=_("Kommentar"),
        max_length=COMMENT_LENGTH,
        multiline=True,
        rows=4,
        help_text=_TEXT_HELP,
        error_messages={"required": _("Skriv en kommentar.")},
    )
    for_committee = forms.BooleanField(
        label=_("Vis kommentaren for udvalget"),
        required=False,
        help_text=_("Kun kommentarer, chefgruppen markerer, kan ses af udvalgets medlemmer."),
    )

    def __init__(self, *args, may_mark: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_mark:
            del self.fields["for_committee"]
        _suggest_mentions(self.fields["text"])


def _suggest_mentions(field) -> None:
    """With htmx, the names matching an @name being typed are suggested under the field."""
    field.widget.attrs.update(
        {
            "hx-get": reverse_lazy("discussion:suggestions"),
            "hx-trigger": "keyup changed delay:300ms",
            "hx-target": "next .mention-suggestions",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
        }
    )


class CommentEditForm(HiddenFieldsMixin, forms.Form):
    text = FreeTextField(
        label=_("Kommentar"),
        max_length=COMMENT_LENGTH,
        multiline=True,
        rows=4,
        help_text=_TEXT_HELP,
        error_messages={"required": _("Skriv en kommentar.")},
    )
    expected_version = BoundedIntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=VERSION_MAX, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _suggest_mentions(self.fields["text"])


class CommentActionForm(HiddenFieldsMixin, forms.Form):
    """Withdraw, or mark for the committee: only the version the button was shown at."""

    expected_version = BoundedIntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=VERSION_MAX, required=False
    )


class MentionSearchForm(forms.Form):
    """The text typed so far: the suggestions are for the @name at its end."""

    is_filter = True

    text = forms.CharField(max_length=COMMENT_LENGTH + SEARCH_LENGTH, required=False)
