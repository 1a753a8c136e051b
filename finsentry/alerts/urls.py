"""URL names of the alerts pages, under the "alerts" namespace."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "alerts"
urlpatterns: list[URLPattern] = []
