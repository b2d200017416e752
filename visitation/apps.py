from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitationConfig(AppConfig):
    name = "visitation"
    verbose_name = _("Visitation")

    def ready(self) -> None:
        # Register the demo data and the scale data this app owns.
        from visitation import demo, scale  # noqa: F401
