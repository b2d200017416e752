from django.urls import path

from visitation import views

app_name = "visitation"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("foer-henvisninger/ny/", views.pre_referral_create, name="pre_referral_create"),
    path("foer-henvisninger/<int:pk>/", views.pre_referral_detail, name="pre_referral_detail"),
    path("henvisninger/ny/", views.referral_create, name="referral_create"),
    path("henvisninger/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("bestand/", views.counts, name="counts"),
    path("bestand/skabelon.csv", views.counts_template, name="counts_template"),
    path("maal/", views.kpi_targets, name="kpi_targets"),
]
