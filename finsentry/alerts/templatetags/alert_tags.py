"""Template tags that put a firm's alerts on its dossier page."""

from __future__ import annotations

from typing import Any

from django import template
from django.template import Context

from finsentry.alerts.services import firm_alerts as alerts_of

register = template.Library()


@register.inclusion_tag("alerts/firm_alerts.html", takes_context=True)
def firm_alerts(context: Context, firm: Any) -> dict[str, Any]:
    """Return the firm's alerts as the logged-in user may see them (inside another
    inclusion tag, the user is read from the request)."""
    user = context.get("user") or context.request.user  # type: ignore[attr-defined]
    return {"firm": firm, "alerts": alerts_of(firm, user)}
