from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "rounds"
    verbose_name = _("Opdateringsrunder")

    def ready(self) -> None:
        # The demo data this app owns.
        from rounds import demo  # noqa: F401
