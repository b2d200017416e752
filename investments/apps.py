from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentsConfig(AppConfig):
    name = "investments"
    verbose_name = _("Udviklingsskoler og investeringer")

    def ready(self) -> None:
        # Register the demo data and the scale data this app owns.
        from investments import demo, scale  # noqa: F401
