"""Template tags that put patrol records on other apps' pages (the firm dossier)."""

from __future__ import annotations

from typing import Any

from django import template

from finsentry.patrol import describe
from finsentry.patrol.models import Site, SiteEvent
from finsentry.rules.catalogue import catalogue
from finsentry.rules.models import Finding

register = template.Library()


@register.inclusion_tag("patrol/firm_patrol.html")
def firm_patrol(firm: Any) -> dict[str, Any]:
    """Return a firm's sites, patrol findings and site events for its dossier."""
    codes = catalogue().violations
    findings = list(
        Finding.objects.filter(firm=firm, source="patrol").order_by(
            "code", "-last_seen"
        )[:200]
    )
    rows = [
        (
            f,
            codes[f.code].name if f.code in codes else f.code,
            f.evidence.get("snapshot"),
        )
        for f in findings
    ]
    return {
        "sites": list(Site.objects.filter(firm=firm).order_by("host")),
        "findings": rows,
        "events": list(SiteEvent.objects.filter(firm=firm).select_related("site")[:50]),
    }


@register.filter
def link_basis(evidence: dict[str, Any] | None) -> list[str]:
    """Return the Chinese lines saying why a site is (or is not) linked to a firm."""
    return describe.link_basis(evidence)


@register.filter
def unlinked_reasons(site: Site) -> list[str]:
    """Return why no firm is linked to a site, in Chinese."""
    return describe.unlinked_reasons(site)


@register.filter
def event_detail(event: SiteEvent) -> str:
    """Return a site event's particulars in Chinese ('' when it has none)."""
    return describe.event_detail(event.kind, event.detail)
