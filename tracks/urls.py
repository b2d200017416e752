from django.urls import path, re_path

from tracks import views

app_name = "tracks"

urlpatterns = [
    path("", views.plan_overview, name="overview"),
    path("tiltag/", views.initiative_list, name="initiative_list"),
    re_path(
        r"^tiltag/eksport\.(?P<fmt>xlsx|csv)$", views.initiative_export, name="initiative_export"
    ),
    path("tiltag/<int:pk>/", views.initiative_detail, name="initiative_detail"),
    path("tiltag/<int:pk>/status/", views.initiative_status, name="initiative_status"),
    path("tiltag/<int:pk>/foelg/", views.initiative_follow, name="initiative_follow"),
    path("tiltag/<int:pk>/ejer/", views.initiative_assign_owner_view, name="initiative_owner"),
    path("opmaerksomhed/", views.attention_list, name="attention"),
    path("tiltag/<int:pk>/rediger/", views.initiative_edit_view, name="initiative_edit"),
    path("tiltag/<int:pk>/arkiver/", views.initiative_archive_view, name="initiative_archive"),
    path("tiltag/<int:pk>/historik/", views.initiative_history_view, name="initiative_history"),
    path("tiltag/<int:pk>/milepaele/ny/", views.milestone_create_view, name="milestone_create"),
    path("spor/ny/", views.spor_create_view, name="spor_create"),
    path("spor/<int:pk>/rediger/", views.spor_edit_view, name="spor_edit"),
    path("spor/<int:pk>/arkiver/", views.spor_archive_view, name="spor_archive"),
    path("spor/<int:pk>/tiltag/ny/", views.initiative_create_view, name="initiative_create"),
    path("spor/<int:pk>/temaer/ny/", views.theme_create_view, name="theme_create"),
    path("temaer/<int:pk>/rediger/", views.theme_edit_view, name="theme_edit"),
    path("temaer/<int:pk>/arkiver/", views.theme_archive_view, name="theme_archive"),
    path("milepaele/mine/", views.my_milestones, name="my_milestones"),
    path("milepaele/flyttede/", views.replanned_list, name="replanned_list"),
    path("milepaele/<int:pk>/rediger/", views.milestone_edit_view, name="milestone_edit"),
    path("milepaele/<int:pk>/flyt/", views.milestone_replan_view, name="milestone_replan"),
    path("milepaele/<int:pk>/aflys/", views.milestone_cancel_view, name="milestone_cancel"),
    path("milepaele/<int:pk>/arkiver/", views.milestone_archive_view, name="milestone_archive"),
    path("milepaele/<int:pk>/afslut/", views.milestone_complete_view, name="milestone_complete"),
    path("milepaele/<int:pk>/fortryd/", views.milestone_undo_view, name="milestone_undo"),
]
