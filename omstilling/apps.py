from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OmstillingConfig(AppConfig):
    name = "omstilling"
    verbose_name = _("Omstillingsportalen")
