"""Registry staff pages: dashboard, watch list, firm page, exports, name search."""

from __future__ import annotations

import logging
import tempfile
from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
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

from finsentry.registry import services, watchlist
from finsentry.registry.firm_profile import firm_profile
from finsentry.registry.forms import MatchForm, WatchFilterForm
from finsentry.reports import excel
from finsentry.reports.csvfile import csv_chunks

log = logging.getLogger(__name__)


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


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Render totals and the watch list by domain and by city."""
    board = watchlist.dashboard()
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


@login_required
def watch_list(request: HttpRequest) -> HttpResponse:
    """Render one keyset page of the filtered watch list."""
    form = WatchFilterForm(request.GET or None)
    filters = form.filters() if request.GET else watchlist.WatchFilters()
    page = watchlist.watch_page(
        filters,
        after=_int_param(request, "after"),
        before=_int_param(request, "before"),
    )
    context = {"form": form, "page": page, "query": _query_without_paging(request)}
    return render(request, "registry/watchlist.html", context)


@login_required
def firm(request: HttpRequest, uscc: str) -> HttpResponse:
    """Render the registry part of one firm's dossier."""
    profile = firm_profile(uscc.upper())
    if profile is None:
        raise Http404("没有该统一社会信用代码的企业")
    return render(request, "registry/firm.html", {"profile": profile})


def _export_context(request: HttpRequest) -> tuple[watchlist.WatchFilters, str, str]:
    """Return the export's filters, its header line and a file name stem."""
    filters = WatchFilterForm(request.GET).filters()
    now = timezone.localtime()
    staff = cast(User, request.user)
    user = staff.get_full_name() or staff.get_username()
    line = excel.header_line(user, now, filters.describe())
    log.info(
        "watch list export user=%s filters=%s", request.user.get_username(), filters
    )
    return filters, line, f"重点监管名单-{now:%Y%m%d-%H%M}"


@login_required
def export_xlsx(request: HttpRequest) -> FileResponse:
    """Return the filtered watch list as an .xlsx file."""
    filters, line, stem = _export_context(request)
    rows = watchlist.export_rows(watchlist.filtered_firms(filters))

    # The workbook is spooled to a temporary file because an .xlsx is a zip
    # whose directory comes last; FileResponse then streams it and closes it.
    out = tempfile.TemporaryFile()
    excel.write_list(out, "名单", watchlist.EXPORT_HEADER, rows, line)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=f"{stem}.xlsx", content_type=excel.XLSX_MIME
    )


@login_required
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Return the filtered watch list as CSV, streamed while the database is read."""
    filters, line, stem = _export_context(request)
    rows = watchlist.export_rows(watchlist.filtered_firms(filters))
    chunks = csv_chunks(watchlist.EXPORT_HEADER, rows, line)
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}.csv")
    return response


@login_required
def match(request: HttpRequest) -> HttpResponse:
    """Render the registered firms a loose name most likely refers to."""
    form = MatchForm(request.GET or None)
    results: list = []
    if form.is_valid():
        results = services.match_firms(form.cleaned_data["q"], limit=20)
    context = {"form": form, "results": results}
    return render(request, "registry/match.html", context)
