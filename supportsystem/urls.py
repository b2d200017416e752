from django.urls import path

from supportsystem import views

app_name = "supportsystem"

urlpatterns = [
    path("hvem-kan-hjaelpe/", views.directory, name="directory"),
    path("forloeb/", views.forloeb_list, name="forloeb_list"),
    path("forloeb/find/", views.forloeb_find, name="forloeb_find"),
    path("forloeb/nyt/", views.forloeb_create, name="forloeb_create"),
    path("forloeb/<int:pk>/", views.forloeb_detail, name="forloeb_detail"),
    path("forloeb/<int:pk>/naeste-trin/", views.forloeb_step, name="forloeb_step"),
    path("forloeb/<int:pk>/genaabn/", views.forloeb_reopen_view, name="forloeb_reopen"),
]
