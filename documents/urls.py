from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path(
        "tilfoej/<str:target>/<int:pk>/",
        views.document_attach_view,
        name="attach",
    ),
    path("<int:pk>/hent/", views.document_download, name="download"),
    path("<int:pk>/traek-tilbage/", views.document_withdraw_view, name="withdraw"),
]
