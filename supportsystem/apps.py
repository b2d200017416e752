from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportsystemConfig(AppConfig):
    name = "supportsystem"
    verbose_name = _("Støttesystemet")
