"""An authentication backend that grants Django model permissions by role."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from finsentry.accounts.scoping import may


class RoleBackend(BaseBackend):
    """Gives administrators (role grant "admin.site") every model permission.

    It authenticates nobody; it only answers permission questions, so that an
    administrator placed with `services.create_staff` can use the admin
    without being made a superuser, and nobody else gets model permissions
    from a role.
    """

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        """Return True for an active administrator, whatever the permission."""
        return bool(user_obj.is_active) and may(user_obj, "admin.site")

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        """Return True for an active administrator, for every app."""
        return bool(user_obj.is_active) and may(user_obj, "admin.site")
