"""URL names of the docking pages, under the "docking" namespace."""

from django.urls import path

from finsentry.docking import views

app_name = "docking"
urlpatterns = [
    path("", views.platforms, name="platforms"),
]
