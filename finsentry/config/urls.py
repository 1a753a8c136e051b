"""URL map of the staff web interface."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("patrol/", include("finsentry.patrol.urls")),
    path("cases/", include("finsentry.cases.urls")),
    path("notices/", include("finsentry.notices.urls")),
    path("docking/", include("finsentry.docking.urls")),
    path("account/", include("finsentry.accounts.urls")),
    path("alerts/", include("finsentry.alerts.urls")),
    path("stats/", include("finsentry.stats.urls")),
    path("api/", include("finsentry.api.urls")),
    path("", include("finsentry.registry.urls")),
]
