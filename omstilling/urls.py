from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from omstilling import views
from public.api import api as public_api

admin.site.site_header = _("Omstillingsportalen – administration")
admin.site.site_title = _("Omstillingsportalen")

urlpatterns = [
    path("", views.home, name="home"),
    path("log-ind/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("log-ud/", auth_views.LogoutView.as_view(), name="logout"),
    path("adgangskode/", views.password_change, name="password_change"),
    # An invitation (omstilling.services.user_invite): the new user chooses a first password.
    path("invitation/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation"),
    path("invitation/klar/", views.invitation_complete, name="invitation_complete"),
    path("healthz/", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    # The language choice in the footer (POST; a cookie, also before log-in).
    path("sprog/", set_language, name="set_language"),
    # The plan chooser: the current plan and the earlier ones (read-only).
    path("plan/planer/", views.plan_list, name="plan_list"),
    # The plan as a plan file (YAML), for chefgruppen.
    path("plan/eksport.yaml", views.plan_file_download, name="plan_file"),
    path("plan/", include("tracks.urls")),
    path("investeringer/", include("investments.urls")),
    path("dashboard/", include("reports.dashboard.urls")),
    path("stoettesystem/", include("supportsystem.urls")),
    path("visitation/", include("visitation.urls")),
    path("noegletal/", include("reports.kpis.urls")),
    path("notifikationer/", include("notifications.urls")),
    path("", include("rounds.urls")),  # /runder/, /opgaver/
    path("beslutninger/", include("decisions.urls")),
    path("bilag/", include("documents.urls")),
    path("droeftelse/", include("discussion.urls")),
    path("", include("reports.archive.urls")),  # /rapporter/, /mine-paamindelser/
    path("admin/", admin.site.urls),
    # Public, without log-in (the allow-list in settings): the progress page and the open data.
    path("offentlig/", include("public.urls")),
    path("api/v1/", public_api.urls),
    # Chefgruppen's switches for what is public (log-in required).
    path("offentliggoerelse/", include("public.settings_urls")),
]

if settings.OIDC_ENABLED:
    # Single sign-on: /oidc/authenticate/ starts it, /oidc/callback/ ends it (anonymous by nature).
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
