from django.urls import path

from rounds import views

app_name = "rounds"

urlpatterns = [
    path("runder/", views.round_list, name="list"),
    path("runder/ny/", views.round_open_view, name="open"),
    path("runder/<int:pk>/", views.round_detail, name="detail"),
    path(
        "runder/<int:pk>/bed-om-opdatering/<int:initiative_pk>/",
        views.round_request_view,
        name="request_update",
    ),
    path("runder/<int:pk>/luk/", views.round_close_view, name="close"),
    path("opgaver/", views.my_tasks, name="my_tasks"),
]
