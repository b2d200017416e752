from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OmstillingConfig(AppConfig):
    name = "omstilling"
    verbose_name = _("Omstillingsportalen")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks
        from django.db.models.signals import post_migrate, pre_save

        from omstilling.auth import check_oidc_role_map, stamp_login_time
        from omstilling.cache import connect_signals
        from omstilling.checks import check_bounded_inputs
        from omstilling.fields import refuse_unscreened_text
        from omstilling.services import refresh_role_groups_after_migrate

        user_logged_in.connect(stamp_login_time, dispatch_uid="omstilling.stamp_login_time")
        checks.register(check_oidc_role_map, checks.Tags.security)
        checks.register(check_bounded_inputs)
        # Every model's free text is screened before the row is written (see omstilling.fields).
        pre_save.connect(refuse_unscreened_text, dispatch_uid="omstilling.refuse_unscreened_text")
        # Every write makes the cached aggregates built from its data stale (omstilling.cache).
        connect_signals()
        # A new release's permissions reach the role groups an earlier release made.
        post_migrate.connect(
            refresh_role_groups_after_migrate, dispatch_uid="omstilling.refresh_role_groups"
        )
