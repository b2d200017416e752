"""Chefgruppen's publishing settings (log-in required; not in the anonymous allow-list)."""

from django.urls import path

from public import settings_views

app_name = "publishing"

urlpatterns = [
    path("", settings_views.settings_page, name="settings"),
    path("plan/", settings_views.plan_public, name="plan"),
    path("rapport/", settings_views.report_public, name="report"),
    path("navn/", settings_views.officeholder, name="officeholder"),
]
