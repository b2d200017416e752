from django.urls import path

from discussion import views

app_name = "discussion"

urlpatterns = [
    path("<str:target>/<int:pk>/", views.thread, name="thread"),
    path("kommentar/<int:pk>/ret/", views.comment_edit_view, name="edit"),
    path("kommentar/<int:pk>/traek-tilbage/", views.comment_withdraw_view, name="withdraw"),
    path("kommentar/<int:pk>/udvalget/", views.comment_mark_view, name="mark"),
    path("kommentar/<int:pk>/historik/", views.comment_history, name="history"),
    path("forslag/", views.mention_suggestions, name="suggestions"),
]
