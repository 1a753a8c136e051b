"""Middleware of the accounts app: audit origin, session expiry, second factor."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from finsentry.accounts import audit, secondfactor

log = logging.getLogger(__name__)

LOGIN_AT = "finsentry_login_at"
SEEN_AT = "finsentry_seen_at"
# The last-seen time is written back at most this often, not on every request.
_SEEN_RESOLUTION = 60

Responder = Callable[[HttpRequest], HttpResponseBase]


class AuditOriginMiddleware:
    """Bind each request while it is served, so that entries recorded from a
    signal or a service without the request still carry its IP and browser."""

    def __init__(self, get_response: Responder) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with audit.bound_request(request):
            return self.get_response(request)


def session_expired(request: HttpRequest, now: float) -> str:
    """Return why the logged-in session has expired ("absolute", "idle"), or ""."""
    started = request.session.get(LOGIN_AT)
    seen = request.session.get(SEEN_AT, started)
    if started is None:
        return ""
    if now - started > settings.SESSION_COOKIE_AGE:
        return "absolute"
    if seen is not None and now - seen > settings.FINSENTRY_SESSION_IDLE_SECONDS:
        return "idle"
    return ""


class SessionExpiryMiddleware:
    """Log a user out after SESSION_COOKIE_AGE seconds since login (absolute) or
    FINSENTRY_SESSION_IDLE_SECONDS without a request (idle)."""

    def __init__(self, get_response: Responder) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            now = time.time()
            if LOGIN_AT not in request.session:
                request.session[LOGIN_AT] = now
            why = session_expired(request, now)
            if why:
                audit.record(request, "auth.session_expired", reason=why)
                logout(request)
                messages.info(request, "会话已超时，请重新登录。")
                return redirect_to_login(request.get_full_path())
            if now - request.session.get(SEEN_AT, 0) > _SEEN_RESOLUTION:
                request.session[SEEN_AT] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """Hold a logged-in user at the one-time-password page until they give a code.

    A user with a confirmed TOTP device must verify it after the password;
    an administrator without one is sent to enrol when
    FINSENTRY_OTP_REQUIRED_FOR_ADMINS is set. Until then only those pages,
    logout and static files answer.
    """

    def __init__(self, get_response: Responder) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[union-attr,attr-defined]
            return self.get_response(request)

        verify, enrol = reverse("accounts:otp_verify"), reverse("accounts:otp_enrol")
        open_paths = {reverse("logout"), verify}
        if request.path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        if secondfactor.confirmed_device(user) is not None:
            if request.path in open_paths:
                return self.get_response(request)
            return _held(request, verify)
        if secondfactor.enrolment_required(user):
            if request.path in open_paths | {enrol}:
                return self.get_response(request)
            return _held(request, enrol)
        return self.get_response(request)


def _held(request: HttpRequest, page: str) -> HttpResponse:
    """Send the request to the second-factor `page`, keeping where it was going."""
    log.info("second factor pending user=%s path=%s", request.user, request.path)
    return redirect(f"{page}?{urlencode({'next': request.get_full_path()})}")
