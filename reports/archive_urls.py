"""The report archive and the reminders page. Mounted at the site root: /rapporter/… and
/mine-paamindelser/, so that each has its own entry in the main menu."""

from django.urls import path

from reports import archive_views

app_name = "archive"

urlpatterns = [
    path("rapporter/", archive_views.archive, name="list"),
    path("rapporter/udarbejd/", archive_views.issue_monthly, name="issue_monthly"),
    path("rapporter/<int:pk>/raekke/", archive_views.report_row, name="row"),
    path("rapporter/<int:pk>/pdf/", archive_views.download, name="download"),
    path("rapporter/<int:pk>/ny-version/", archive_views.issue_new_version, name="new_version"),
    path("rapporter/<int:pk>/proev-igen/", archive_views.retry, name="retry"),
    path("mine-paamindelser/", archive_views.my_reminders, name="reminders"),
]
