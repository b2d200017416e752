"""The 50 mio. kr. pool: udviklingsskoler, investments, their decision path and spending."""

from django.urls import path

from investments import views

app_name = "investments"

urlpatterns = [
    path("", views.pool, name="pool"),
    path("alle/", views.investment_list, name="investment_list"),
    path("ny/", views.investment_create_view, name="investment_create"),
    path("<int:pk>/", views.investment_detail, name="investment_detail"),
    path("<int:pk>/rediger/", views.investment_edit, name="investment_edit"),
    path("<int:pk>/beslutning/", views.investment_decide_view, name="investment_decide"),
    path("<int:pk>/forbrug/", views.spending_record_view, name="spending_record"),
    path("skoler/ny/", views.school_create, name="school_create"),
    path("skoler/<int:pk>/", views.school_detail, name="school_detail"),
    path("skoler/<int:pk>/rediger/", views.school_edit, name="school_edit"),
    path("eksport.xlsx", views.export_overview, {"fmt": "xlsx"}, name="export_xlsx"),
    path("eksport.csv", views.export_overview, {"fmt": "csv"}, name="export_csv"),
]
