"""The leaders' read-only dashboard of cases: by stage, domain, city, overdue."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from finsentry.accounts import scoping
from finsentry.cases import queries


@scoping.requires("case.view")
def dashboard(request: HttpRequest) -> HttpResponse:
    """Render the case figures of what the user sees, with Chart.js bar charts."""
    board = queries.board(request.user)
    charts = {
        "state": {
            "labels": [label for _, label, _ in board.by_state],
            "counts": [n for _, _, n in board.by_state],
        },
        "domain": {
            "labels": [label for _, label, _, _ in board.by_domain],
            "counts": [n for _, _, n, _ in board.by_domain],
            "overdue": [late for _, _, _, late in board.by_domain],
        },
        "city": {
            "labels": [label for _, label, _, _ in board.by_city],
            "counts": [n for _, _, n, _ in board.by_city],
            "overdue": [late for _, _, _, late in board.by_city],
        },
    }
    context = {"board": board, "charts": charts}
    return render(request, "cases/dashboard.html", context)
