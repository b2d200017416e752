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
    path("godkendelser/", views.approvals, name="approvals"),
    path("status/<int:pk>/godkend/", views.status_review_view, name="status_review"),
    path("milepaele/mine/", views.my_milestones, name="my_milestones"),
    path("milepaele/<int:pk>/afslut/", views.milestone_complete_view, name="milestone_complete"),
    path("milepaele/<int:pk>/fortryd/", views.milestone_undo_view, name="milestone_undo"),
]
