"""Statistics pages: the figures of the user's scope and the report downloads.

Every figure is counted within the user's scope (a county officer's page
counts their county only); a domain or region asked for outside it is
answered 404, as an out-of-scope firm is. Viewing and exporting are written
to the audit trail.
"""

from __future__ import annotations

import io
import logging
from datetime import date
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from finsentry.accounts import audit, scoping
from finsentry.cases import access
from finsentry.stats import problems, services
from finsentry.stats.area import Area, area_for
from finsentry.stats.errors import OutsideScope
from finsentry.stats.figures import Figures, figures
from finsentry.stats.forms import StatsFilterForm

log = logging.getLogger(__name__)


def _asked(request: HttpRequest) -> tuple[StatsFilterForm, Area, date | None]:
    """Return the filter form, the area asked for and the date; 404 when the
    filters name a domain or region outside the user's scope."""
    scope = scoping.scope_of(request.user)
    form = StatsFilterForm(request.GET or None, scope=scope)
    if request.GET and not form.is_valid():
        raise Http404("所选领域或地区不在您的工作范围内")
    values = form.cleaned_data if request.GET else {}
    try:
        area = area_for(
            scope,
            domain=values.get("domain", ""),
            city=values.get("city", ""),
            county=values.get("county", ""),
        )
    except OutsideScope as exc:
        raise Http404(str(exc)) from exc
    return form, area, values.get("as_of")


def _charts(shown: Figures) -> dict[str, Any]:
    return {
        "city": {
            "labels": [r.label for r in shown.by_city],
            "watched": [r.watched for r in shown.by_city],
            "problems": [r.problems for r in shown.by_city],
        },
        "state": {
            "labels": [s.label for s in shown.by_state],
            "cases": [s.cases for s in shown.by_state],
        },
        "month": {
            "labels": [m.month for m in shown.by_month],
            "new": [m.new for m in shown.by_month],
            "cumulative": [m.cumulative for m in shown.by_month],
        },
    }


@scoping.requires("stats.view")
def overview(request: HttpRequest) -> HttpResponse:
    """Render the problem-firm figures of the filtered area within the scope."""
    form, area, as_of = _asked(request)
    shown = figures(area, as_of)
    audit.record(
        request,
        "stats.view",
        domain=area.domain or "",
        city=area.city or "",
        county=area.county or "",
        as_of=shown.as_of.isoformat(),
    )
    context = {
        "form": form,
        "shown": shown,
        "charts": _charts(shown),
        "query": request.GET.urlencode(),
        "definitions": problems.DEFINITIONS,
    }
    return render(request, "stats/overview.html", context)


def _export(request: HttpRequest, fmt: str) -> FileResponse:
    _, area, as_of = _asked(request)
    user = access.staff_user(request)
    exporter = f"{access.display_name(user)}（{user.get_username()}）"
    now = timezone.localtime()
    report = services.report_file(area, as_of, fmt, exporter, now)
    audit.record(request, "stats.export", **services.audit_detail(report, fmt))
    log.info(
        "special report exported format=%s domain=%s user=%s",
        fmt,
        area.domain,
        user.get_username(),
    )
    return FileResponse(
        io.BytesIO(report.body),
        as_attachment=True,
        filename=report.filename,
        content_type=report.content_type,
    )


@scoping.requires("stats.export")
def report_docx(request: HttpRequest) -> FileResponse:
    """Return the special report of the filtered area as a Word document."""
    return _export(request, "docx")


@scoping.requires("stats.export")
def report_xlsx(request: HttpRequest) -> FileResponse:
    """Return the tables of the special report as an Excel workbook."""
    return _export(request, "xlsx")
