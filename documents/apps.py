from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Bilag")

    def ready(self) -> None:
        # The "Bilag" sections of the tiltag, investment and decision pages; the demo data.
        from documents import demo, panels  # noqa: F401
