from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionConfig(AppConfig):
    name = "discussion"
    verbose_name = _("Drøftelse")

    def ready(self) -> None:
        # The "Drøftelse" section of the tiltag page; the demo data.
        from discussion import demo, panels  # noqa: F401
