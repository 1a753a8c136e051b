"""The leaders' read-only dashboard of cases: by stage, domain, city, overdue."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from finsentry.accounts import scoping
from finsentry.cases import queries


def _series(rows: list[tuple[str, str, int, int, int]]) -> dict[str, list[Any]]:
    """Return one chart's labels and its all / open / overdue counts."""
    return {
        "labels": [label for _, label, *_ in rows],
        "counts": [n for _, _, n, _, _ in rows],
        "open": [still for _, _, _, still, _ in rows],
        "overdue": [late for *_, late in rows],
    }


@scoping.requires("case.view")
def dashboard(request: HttpRequest) -> HttpResponse:
    """Render the case figures of what the user sees, with Chart.js bar charts."""
    board = queries.board(request.user)
    charts = {
        "state": {
            "labels": [label for _, label, _ in board.by_state],
            "counts": [n for _, _, n in board.by_state],
        },
        "domain": _series(board.by_domain),
        "city": _series(board.by_city),
    }
    context = {"board": board, "charts": charts}
    return render(request, "cases/dashboard.html", context)
