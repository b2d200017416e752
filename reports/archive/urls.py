"""The report archive and the reminders page (in the `archive` namespace, as they always were).
Mounted at the site root: /rapporter/… and /mine-paamindelser/, so that each has its own entry
in the main menu."""

from django.urls import path

from reports.archive import views
from reports.reminders import views as reminder_views

app_name = "archive"

urlpatterns = [
    path("rapporter/", views.archive, name="list"),
    path("rapporter/udarbejd/", views.issue_monthly, name="issue_monthly"),
    path("rapporter/<int:pk>/raekke/", views.report_row, name="row"),
    path("rapporter/<int:pk>/pdf/", views.download, name="download"),
    path("rapporter/<int:pk>/ny-version/", views.issue_new_version, name="new_version"),
    path("rapporter/<int:pk>/proev-igen/", views.retry, name="retry"),
    path("mine-paamindelser/", reminder_views.my_reminders, name="reminders"),
]
