"""Docking queries and writes that other apps, the API and the commands call.

`submit_reports(rows)` is the entry point for a JSON submission: it checks
and stores rows exactly as a file import does and returns what it refused.
"""

from __future__ import annotations

import logging

from django.db.models import OuterRef, Subquery

from finsentry.docking.importer import Submitted, import_report_file, submit_reports
from finsentry.docking.models import Platform, PlatformReport
from finsentry.registry.models import Firm

log = logging.getLogger(__name__)

__all__ = [
    "Submitted",
    "firm_reports",
    "import_report_file",
    "link_platform",
    "link_platforms_by_code",
    "submit_reports",
]


def link_platforms_by_code() -> int:
    """Link every unlinked platform whose credit code is now registered; count them."""
    firm_id = Firm.objects.filter(uscc=OuterRef("uscc")).values("id")[:1]
    waiting = Platform.objects.filter(firm__isnull=True).exclude(uscc="")
    linked = waiting.filter(uscc__in=Firm.objects.values("uscc")).update(
        firm_id=Subquery(firm_id)
    )
    if linked:
        log.info("platforms linked by credit code count=%d", linked)
    return linked


def link_platform(key: str, firm: Firm) -> Platform:
    """Link the platform reported under `key` to a firm, e.g. a platform id by hand."""
    platform = Platform.objects.get(key=key)
    platform.firm = firm
    platform.save(update_fields=["firm"])
    log.info("platform linked key=%s firm=%s", key, firm.uscc)
    return platform


def firm_reports(firm: Firm) -> list[PlatformReport]:
    """Return the monthly reports of the platforms a firm runs, oldest first."""
    reports = PlatformReport.objects.filter(platform__firm=firm).select_related(
        "platform"
    )
    return list(reports.order_by("platform__key", "month"))
