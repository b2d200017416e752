from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Beslutningsregister")

    def ready(self) -> None:
        # The "Beslutninger" sections of the tiltag and investment pages; the demo data.
        from decisions import demo, panels  # noqa: F401
