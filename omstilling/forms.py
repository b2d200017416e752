"""Forms of the core's own pages."""

from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_texts


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
