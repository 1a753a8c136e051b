"""URL names of the notice pages, under the "notices" namespace."""

from django.urls import path

from finsentry.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.open_notice, name="open"),
    path("read-all/", views.read_all, name="read_all"),
]
