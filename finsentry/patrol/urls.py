"""URL names of the patrol pages, under the "patrol" namespace."""

from django.urls import path

from finsentry.patrol import views

app_name = "patrol"
urlpatterns = [
    path("", views.sites, name="sites"),
    path("add/", views.add_sites, name="add_sites"),
    path("from-registry/", views.import_registry_sites, name="from_registry"),
    path("start/", views.start_round, name="start_round"),
    path("unlinked/", views.unlinked, name="unlinked"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/progress.json", views.round_progress, name="round_progress"),
    path("sites/<int:pk>/", views.site_detail, name="site"),
    path("sites/<int:pk>/robots/", views.robots_override, name="robots"),
    path("sites/<int:pk>/link/", views.link_site, name="link"),
    path("snapshots/<int:pk>/", views.snapshot, name="snapshot"),
    path("snapshots/<int:pk>/render/", views.snapshot_render, name="snapshot_render"),
    path("snapshots/<int:pk>/raw/", views.snapshot_raw, name="snapshot_raw"),
]
