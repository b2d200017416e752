from django.urls import path, re_path

from reports import kpi_views

app_name = "kpis"

urlpatterns = [
    path("", kpi_views.kpi_overview, name="overview"),
    re_path(r"^eksport\.(?P<fmt>xlsx|csv)$", kpi_views.kpi_export, name="export"),
]
