"""The API's permission check: the same grants (roles.ACTIONS) as the pages.

A view names its grant per method in `grants`, e.g. ``{"GET": "case.view",
"POST": "task.record"}``. Without credentials the answer is 401; with them,
a role that lacks the grant gets 403 with the reason `scoping.require` gives.
Which objects a user sees is not decided here but by `accounts.scoping` in
each view's queryset, so an object outside the scope is 404.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from finsentry.accounts import scoping


class Grant(BasePermission):
    """Admit a request when the user holds the grant its view names for its method."""

    def has_permission(self, request: Request, view: Any) -> bool:
        """Return False for an anonymous request (401); raise 403 without the grant."""
        if not request.user or not request.user.is_authenticated:
            return False
        grants: dict[str, str] = getattr(view, "grants", {})
        method = "GET" if request.method in ("HEAD", "OPTIONS") else request.method
        action = grants.get(str(method))
        if action is None:
            # A method the view does not answer is 405, decided by the view.
            return not hasattr(view, str(method).lower())
        scoping.require(request.user, action)
        return True
