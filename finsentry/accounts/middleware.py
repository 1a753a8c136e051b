"""Middleware of the accounts app: the request as origin of audit entries."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from finsentry.accounts.audit import bound_request


class AuditOriginMiddleware:
    """Bind each request while it is served, so that entries recorded from a
    signal or a service without the request still carry its IP and browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with bound_request(request):
            return self.get_response(request)
