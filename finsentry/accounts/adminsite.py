"""The admin site, for administrators only: one login page and one role table."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from finsentry.accounts.scoping import may


class StaffAdminSite(admin.AdminSite):
    """Django's admin, entered only by active users whose role grants "admin.site".

    `is_staff` alone is not enough, so a flag set by mistake lets nobody in;
    logging in goes through the staff login page, so lockout and the second
    factor apply to the admin too.
    """

    site_header = "吉林省互联网金融风险监测平台 · 系统管理"
    site_title = "系统管理"
    index_title = "数据与配置"

    def has_permission(self, request: HttpRequest) -> bool:
        """Return whether the user is an active administrator."""
        user = request.user
        return user.is_active and user.is_staff and may(user, "admin.site")

    def login(
        self, request: HttpRequest, extra_context: dict[str, object] | None = None
    ) -> HttpResponse:
        """Send a visitor to the staff login page; refuse a logged-in non-admin."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect("admin:index")
            raise PermissionDenied("仅系统管理员可以进入系统管理")
        target = request.GET.get("next") or request.get_full_path()
        return redirect_to_login(target, settings.LOGIN_URL)
