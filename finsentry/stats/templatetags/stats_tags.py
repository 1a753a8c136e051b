"""The problem-firm headline other apps' dashboards show: {% problem_headline %}."""

from __future__ import annotations

from typing import Any

from django import template

from finsentry.accounts import scoping
from finsentry.stats.area import area_for
from finsentry.stats.errors import OutsideScope
from finsentry.stats.figures import headline

register = template.Library()


@register.inclusion_tag("stats/_headline.html", takes_context=True)
def problem_headline(context: Any) -> dict[str, Any]:
    """Render watched and problem firms of the user's whole scope, with a link to
    the statistics page; nothing for a user who may not read statistics."""
    user = context["request"].user
    if not scoping.may(user, "stats.view"):
        return {"total": None}
    try:
        area = area_for(scoping.scope_of(user))
    except OutsideScope:
        return {"total": None}
    return {"total": headline(area), "area": area}
