"""The portal's URLs plus one view that fails, for the 500 page."""

from django.urls import path

from omstilling.urls import urlpatterns as portal_urlpatterns


def boom(request):
    raise RuntimeError("hemmelig detalje fra stakken")


urlpatterns = [*portal_urlpatterns, path("boom/", boom)]
