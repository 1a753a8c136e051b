"""Template filters for showing only the links a user's role may follow."""

from __future__ import annotations

from typing import Any

from django import template

from finsentry.accounts.scoping import may as _may

register = template.Library()


@register.filter
def may(user: Any, action: str) -> bool:
    """Return whether `user` may take `action`: {% if user|may:"audit.view" %}."""
    return _may(user, action)
