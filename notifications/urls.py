from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("indstillinger/", views.preferences, name="preferences"),
    path("alle-laest/", views.mark_all_read, name="mark_all_read"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("<int:pk>/laest/", views.mark_read, name="mark_read"),
]
