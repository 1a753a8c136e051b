"""Failure kinds: what went wrong with a URL, as data rather than a log line.

The kinds are those of `FetchFailure.Kind`. A site whose home page fails with
one of `DARK_KINDS` is treated as gone dark (it may have absconded); a 4xx or
a robots refusal is not.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import defer
from twisted.internet import error as tx

DNS = "dns"
REFUSED = "refused"
TIMEOUT = "timeout"
HTTP_4XX = "http_4xx"
HTTP_5XX = "http_5xx"
TOO_LARGE = "too_large"
REDIRECTS = "redirects"
ROBOTS = "robots"
OTHER = "other"

DARK_KINDS = frozenset({DNS, REFUSED, TIMEOUT, HTTP_5XX})


class RobotsDenied(IgnoreRequest):
    """The site's robots.txt forbids the URL and no override is recorded."""


class RedirectsExceeded(IgnoreRequest):
    """The URL redirected more times than the round allows (often a loop)."""


@dataclass(frozen=True)
class FailureKind:
    """A classified failure: the kind, the HTTP status if any, and a short message."""

    kind: str
    status: int | None
    message: str


def classify(exc: BaseException) -> FailureKind:
    """Return the failure kind of an exception raised while fetching a URL."""
    message = str(exc)[:500] or type(exc).__name__
    if isinstance(exc, HttpError):
        status = exc.response.status
        kind = HTTP_5XX if status >= 500 else HTTP_4XX if status >= 400 else OTHER
        return FailureKind(kind, status, f"HTTP {status}")
    if isinstance(exc, RobotsDenied):
        return FailureKind(ROBOTS, None, message)
    if isinstance(exc, RedirectsExceeded):
        return FailureKind(REDIRECTS, None, message)
    if isinstance(exc, CannotResolveHostError | tx.DNSLookupError):
        return FailureKind(DNS, None, message)
    if isinstance(exc, DownloadConnectionRefusedError | tx.ConnectionRefusedError):
        return FailureKind(REFUSED, None, message)
    if isinstance(exc, DownloadTimeoutError | tx.TimeoutError | defer.TimeoutError):
        return FailureKind(TIMEOUT, None, message)
    # The HTTP handler cancels a download only when it passes the size limit.
    if isinstance(exc, DownloadCancelledError | defer.CancelledError):
        return FailureKind(TOO_LARGE, None, message)
    return FailureKind(OTHER, None, f"{type(exc).__name__}: {message}")
