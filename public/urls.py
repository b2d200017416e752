"""The public progress page: /offentlig/… (anonymous, in the log-in allow-list)."""

from django.urls import path

from public import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.plan_page, name="plan"),
    path("<slug:slug>/tiltag/<int:pk>/", views.initiative_page, name="initiative"),
    path("<slug:slug>/rapport/<int:pk>.pdf", views.report_pdf, name="report_pdf"),
]
