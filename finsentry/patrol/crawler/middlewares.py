"""Scrapy downloader middlewares of the patrol crawl.

Scrapy keys politeness on the host name alone, so sites that share an address
but not a port would share one queue; `HostSlotMiddleware` keys it on the site.
The others make robots and redirect refusals recognisable as failure kinds
and space retries out exponentially, which Scrapy does not do by itself.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.redirect import (
    MetaRefreshMiddleware,
    RedirectMiddleware,
)
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from finsentry.patrol.crawler.failures import RedirectsExceeded, RobotsDenied
from finsentry.patrol.crawler.hosts import host_key

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.robotstxt import RobotParser

SLOT = "download_slot"
BACKOFF = "patrol_backoff"


class HostSlotMiddleware:
    """Give every request (robots.txt ones too) the download slot of its site."""

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """Set the slot from the URL unless the spider has set it already."""
        if SLOT not in request.meta:
            request.meta[SLOT] = host_key(request.url)


class RetryBackoffMiddleware:
    """Hold a retried request back for the pause its retry count calls for."""

    async def process_request(
        self, request: Request, spider: Spider | None = None
    ) -> None:
        """Wait before sending a request that carries a backoff pause."""
        pause = request.meta.pop(BACKOFF, 0.0)
        if pause > 0:
            await asyncio.sleep(pause)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (timeouts, 5xx, connection errors) with exponential pauses."""

    backoff: float = 1.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        """Build the middleware with the round's base pause."""
        middleware = super().from_crawler(crawler)
        middleware.backoff = crawler.settings.getfloat("PATROL_RETRY_BACKOFF", 1.0)
        return middleware

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        """Return a retry with its pause set, or the response."""
        return self._paused(super().process_response(request, response))

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | Response | None:
        """Return a retry with its pause set, or None to give up."""
        return self._paused(super().process_exception(request, exception))

    def _paused(self, result: Any) -> Any:
        if isinstance(result, Request):
            tries = result.meta.get("retry_times", 1)
            result.meta[BACKOFF] = self.backoff * 2 ** (tries - 1)
        return result


class PatrolRobotsMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt check, raising `RobotsDenied` so the refusal is recorded."""

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        """Raise `RobotsDenied` when robots.txt forbids the request."""
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as exc:
            raise RobotsDenied(str(exc)) from exc


class PatrolRedirectMiddleware(RedirectMiddleware):
    """Scrapy's redirects, raising `RedirectsExceeded` past the round's limit."""

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        """Return the redirected request or the response; raise past the limit."""
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            raise RedirectsExceeded(str(exc)) from exc


class PatrolMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects with the same limit failure."""

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        """Return the refreshed request or the response; raise past the limit."""
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            raise RedirectsExceeded(str(exc)) from exc
