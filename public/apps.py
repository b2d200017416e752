from django.apps import AppConfig
from django.db.models.signals import post_save


class PublicConfig(AppConfig):
    """The public progress page (/offentlig/) and the open-data API (/api/v1/): reads only.

    It reads the other apps through their selectors and is imported by nothing but the root
    URLconf. It owns the plan file's `public:` section.
    """

    name = "public"
    verbose_name = "Offentlig fremdrift og åbne data"

    def ready(self) -> None:
        from omstilling.models import User
        from public import plan_section
        from public.selectors import bump_data_version

        plan_section.register()
        # A name made public (or private) leaves no timestamp: renew the cached data.
        post_save.connect(bump_data_version, sender=User, dispatch_uid="public-officeholder")
