from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportsystemConfig(AppConfig):
    name = "supportsystem"
    verbose_name = _("Støttesystemet")

    def ready(self) -> None:
        # Register the plan-file sections, the demo data and the scale data this app owns.
        from supportsystem import demo, plan_sections, scale  # noqa: F401
