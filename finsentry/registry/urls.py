"""URL names of the registry's staff pages, under the "registry" namespace."""

from django.urls import path

from finsentry.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("firms/", views.watch_list, name="watchlist"),
    path("firms/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("firms/export.csv", views.export_csv, name="export_csv"),
    path("firms/<str:uscc>/", views.firm, name="firm"),
    path("match/", views.match, name="match"),
]
