"""Template tag for the unread-notice count in the navigation bar."""

from __future__ import annotations

from typing import Any

from django import template

from finsentry.notices.services import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notices(context: dict[str, Any]) -> int:
    """Return how many notices the logged-in user has not read."""
    user = context.get("user")
    return unread_count(user) if user is not None else 0
