from django.urls import path

from reports.dashboard import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
