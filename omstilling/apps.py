from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OmstillingConfig(AppConfig):
    name = "omstilling"
    verbose_name = _("Omstillingsportalen")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks

        from omstilling.auth import check_oidc_role_map, stamp_login_time

        user_logged_in.connect(stamp_login_time, dispatch_uid="omstilling.stamp_login_time")
        checks.register(check_oidc_role_map, checks.Tags.security)
