"""The portal's URLs as they are with single sign-on switched on (urls.py decides at import)."""

from django.urls import include, path

from omstilling.urls import urlpatterns as portal_urlpatterns

urlpatterns = [*portal_urlpatterns, path("oidc/", include("mozilla_django_oidc.urls"))]
