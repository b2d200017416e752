from django.urls import path, re_path

from reports.kpis import views

app_name = "kpis"

urlpatterns = [
    path("", views.kpi_overview, name="overview"),
    path("distriktsskoler/", views.kpi_schools, name="schools"),
    re_path(r"^eksport\.(?P<fmt>xlsx|csv)$", views.kpi_export, name="export"),
]
