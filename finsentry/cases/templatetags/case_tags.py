"""Template tags that put the case work on the firm's dossier page."""

from __future__ import annotations

from typing import Any

from django import template

from finsentry.accounts import scoping
from finsentry.cases.dossier import SOURCE_LABELS, case_dossier, finding_groups
from finsentry.registry.firm_profile import finding_view

register = template.Library()


@register.inclusion_tag("cases/firm_cases.html", takes_context=True)
def firm_cases(context: dict[str, Any], firm: Any) -> dict[str, Any]:
    """Return the firm's verification, cases, documents and what is due, as the
    logged-in user may see them, with the actions open to that user."""
    user = context["user"]
    return {
        "firm": firm,
        "dossier": case_dossier(firm, user),
        "may_assign": scoping.may(user, "task.assign"),
        "may_open": scoping.may(user, "case.open"),
        "may_export": scoping.may(user, "dossier.export"),
    }


@register.inclusion_tag("cases/firm_findings.html", takes_context=True)
def firm_findings(context: dict[str, Any], firm: Any) -> dict[str, Any]:
    """Return the firm's findings grouped by catalogue code, with their evidence
    spelled out, and whether the user may turn them into a verification task."""
    user = context["user"]
    groups = [
        (
            group,
            [
                (finding_view(f), SOURCE_LABELS.get(f.source, f.source))
                for f in group.findings
            ],
        )
        for group in finding_groups(firm)
    ]
    return {
        "firm": firm,
        "groups": groups,
        "total": sum(len(g.findings) for g, _ in groups),
        "may_assign": scoping.may(user, "task.assign"),
    }
