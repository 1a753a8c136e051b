"""URL names of the stats pages, under the "stats" namespace."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "stats"
urlpatterns: list[URLPattern] = []
