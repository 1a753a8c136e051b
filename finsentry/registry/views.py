"""Registry staff pages: dashboard, watch list, firm page, exports, name search."""

from __future__ import annotations

import logging
import tempfile
from typing import cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from finsentry.accounts import audit, scoping
from finsentry.registry import services, watchlist
from finsentry.registry.firm_profile import firm_profile
from finsentry.registry.forms import MatchForm, WatchFilterForm
from finsentry.registry.matching import NameMatch
from finsentry.registry.models import Firm
from finsentry.reports import excel
from finsentry.reports.csvfile import csv_chunks

log = logging.getLogger(__name__)

MATCH_LIMIT = 20
# TODO: a scoped user's best matches may lie beyond the province-wide top 500.
MATCH_CANDIDATES = 500


def _int_param(request: HttpRequest, name: str) -> int | None:
    """Return a positive integer query parameter, or None when absent or malformed."""
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _query_without_paging(request: HttpRequest) -> str:
    """Return the current query string minus the keyset paging parameters."""
    params = request.GET.copy()
    params.pop("after", None)
    params.pop("before", None)
    return params.urlencode()


@scoping.requires("firm.view")
def dashboard(request: HttpRequest) -> HttpResponse:
    """Render totals and the watch list by domain and by city, of the firms the
    user sees."""
    board = watchlist.dashboard(_visible(request))
    if not scoping.scope_of(request.user).everything:
        # The last import's row counts are the whole province's.
        board.last_import = None
    charts = {
        "domain": {
            "labels": [n for n, _ in board.by_domain],
            "counts": [c for _, c in board.by_domain],
        },
        "city": {
            "labels": [n for n, _ in board.by_city],
            "counts": [c for _, c in board.by_city],
        },
    }
    return render(
        request, "registry/dashboard.html", {"board": board, "charts": charts}
    )


def _visible(request: HttpRequest) -> QuerySet[Firm] | None:
    """Return the firms the user sees, or None when that is every firm."""
    if scoping.scope_of(request.user).everything:
        return None
    return scoping.visible_firms(request.user)


@scoping.requires("firm.view")
def watch_list(request: HttpRequest) -> HttpResponse:
    """Render one keyset page of the filtered watch list, within the user's scope."""
    form = WatchFilterForm(request.GET or None)
    filters = form.filters() if request.GET else watchlist.WatchFilters()
    page = watchlist.watch_page(
        filters,
        after=_int_param(request, "after"),
        before=_int_param(request, "before"),
        firms=_visible(request),
    )
    context = {"form": form, "page": page, "query": _query_without_paging(request)}
    return render(request, "registry/watchlist.html", context)


@scoping.requires("firm.view")
def firm(request: HttpRequest, uscc: str) -> HttpResponse:
    """Render the registry part of one firm's dossier; a firm outside the user's
    scope is answered as unknown."""
    profile = firm_profile(uscc.upper())
    if profile is None or not scoping.firm_visible(request.user, profile.firm):
        raise Http404("没有该统一社会信用代码的企业，或该企业不在您的工作范围内")
    audit.record(request, "firm.view", profile.firm)
    return render(request, "registry/firm.html", {"profile": profile})


def _export_context(
    request: HttpRequest, kind: str
) -> tuple[watchlist.WatchFilters, str, str]:
    """Return the export's filters, its header line and a file name stem, and
    record the export in the audit trail."""
    filters = WatchFilterForm(request.GET).filters()
    now = timezone.localtime()
    staff = cast(User, request.user)
    user = staff.get_full_name() or staff.get_username()
    line = excel.header_line(user, now, filters.describe())
    log.info(
        "watch list export user=%s filters=%s", request.user.get_username(), filters
    )
    audit.record(
        request, "firm.export", format=kind, filters=filters.describe(), mark=line
    )
    return filters, line, f"重点监管名单-{now:%Y%m%d-%H%M}"


@scoping.requires("firm.export")
def export_xlsx(request: HttpRequest) -> FileResponse:
    """Return the filtered watch list, within the user's scope, as an .xlsx file."""
    filters, line, stem = _export_context(request, "xlsx")
    rows = watchlist.export_rows(watchlist.filtered_firms(filters, _visible(request)))

    # The workbook is spooled to a temporary file because an .xlsx is a zip
    # whose directory comes last; FileResponse then streams it and closes it.
    out = tempfile.TemporaryFile()
    excel.write_list(out, "名单", watchlist.EXPORT_HEADER, rows, line)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=f"{stem}.xlsx", content_type=excel.XLSX_MIME
    )


@scoping.requires("firm.export")
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Return the filtered watch list, within the user's scope, as CSV, streamed
    while the database is read."""
    filters, line, stem = _export_context(request, "csv")
    rows = watchlist.export_rows(watchlist.filtered_firms(filters, _visible(request)))
    chunks = csv_chunks(watchlist.EXPORT_HEADER, rows, line)
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}.csv")
    return response


@scoping.requires("firm.view")
def match(request: HttpRequest) -> HttpResponse:
    """Render the registered firms, within the user's scope, a loose name most
    likely refers to."""
    form = MatchForm(request.GET or None)
    results: list[NameMatch] = []
    if form.is_valid():
        query = form.cleaned_data["q"]
        results = _visible_matches(request, query, MATCH_LIMIT)
        audit.record(request, "firm.search", query=query, results=len(results))
    context = {"form": form, "results": results}
    return render(request, "registry/match.html", context)


def _visible_matches(request: HttpRequest, query: str, limit: int) -> list[NameMatch]:
    """Return the best `limit` matches for `query` among the firms the user sees.

    The index covers the whole province, so a scoped user's matches are drawn
    from a wider candidate list and kept only when the firm is visible.
    """
    if scoping.scope_of(request.user).everything:
        return services.match_firms(query, limit=limit)
    candidates = services.match_firms(query, limit=MATCH_CANDIDATES)
    keys = [m.key for m in candidates]
    seen = set(
        scoping.visible_firms(request.user)
        .filter(uscc__in=keys)
        .values_list("uscc", flat=True)
    )
    return [m for m in candidates if m.key in seen][:limit]
