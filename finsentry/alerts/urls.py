"""URL names of the alerts pages, under the "alerts" namespace."""

from django.urls import path

from finsentry.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("<int:pk>/", views.alert_detail, name="alert"),
    path("<int:pk>/<slug:step>/", views.alert_step, name="step"),
]
