from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracksConfig(AppConfig):
    name = "tracks"
    verbose_name = _("Planens indhold")

    def ready(self) -> None:
        # Register the plan-file sections, the demo data and the scale data this app owns.
        from tracks import demo, plan_sections, scale  # noqa: F401
