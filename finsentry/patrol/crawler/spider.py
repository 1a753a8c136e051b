"""The patrol spider: reads each site from its home page, within the round's limits.

One spider crawls a chunk of sites at once, keeping per site the URLs it has
scheduled (Scrapy's request fingerprints), the SHA-256 of the bodies it has
read, the pages still in flight and the page budget. A body already read on
the same site under another URL is counted, not stored or read again. A site
is done when it has nothing left in flight; its summary then goes to the sink.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy import signals
from scrapy.http import Request, Response

from finsentry.patrol.crawler.failures import classify
from finsentry.patrol.crawler.hosts import follow_url, host_key
from finsentry.patrol.crawler.limits import CrawlLimits
from finsentry.patrol.crawler.records import (
    FailedFetch,
    FetchedPage,
    PageSink,
    SiteCrawled,
    SiteTarget,
)

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

    from finsentry.patrol.extract import PageContent

log = logging.getLogger(__name__)

_HTML_START = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title")


@dataclass
class _SiteProgress:
    target: SiteTarget
    hosts: set[str]
    summary: SiteCrawled
    seen: set[bytes] = field(default_factory=set)
    bodies: set[str] = field(default_factory=set)
    in_flight: int = 0
    done: bool = False


def is_page(content_type: str, body: bytes) -> bool:
    """Return whether a body should be read as a web page (HTML or plain text)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if "html" in kind or kind == "text/plain":
        return True
    if kind and kind not in {"application/octet-stream", "text/octet-stream"}:
        return False
    head = body[:512].lstrip().lower()
    return head.startswith(_HTML_START)


def read_page(body: bytes, url: str, content_type: str, main_text: bool) -> PageContent:
    """Return a page's text, links and facts; decoding is left to `decode.py`."""
    from finsentry.patrol.extract import extract_page

    return extract_page(body, url, content_type or None, with_main_text=main_text)


def header_dict(response: Response) -> dict[str, str]:
    """Return the response headers as text, repeated headers joined by commas."""
    return {
        name.decode("latin-1"): ", ".join(v.decode("latin-1") for v in values)
        for name, values in response.headers.items()
    }


class PatrolSpider(scrapy.Spider):
    """Crawls a chunk of sites; sends pages, failures and site ends to a sink."""

    name = "patrol"

    def __init__(
        self,
        targets: Iterable[SiteTarget],
        limits: CrawlLimits,
        sink: PageSink,
        main_text: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.limits = limits
        self.sink = sink
        self.main_text = main_text
        self.sites = {
            t.id: _SiteProgress(t, {t.host}, SiteCrawled(t, hosts=[t.host]))
            for t in targets
        }

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PatrolSpider:
        """Build the spider and listen for dropped requests and the crawl's end."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.crawl_closed, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        """Yield the home page request of every site."""
        for progress in self.sites.values():
            request = self._request(progress, progress.target.root_url, depth=0)
            if request is not None:
                yield request

    def _request(self, progress: _SiteProgress, url: str, depth: int) -> Request | None:
        target = progress.target
        request = Request(
            url,
            callback=self.parse,
            errback=self.failed,
            dont_filter=True,
            meta={
                "site": target.id,
                "depth": depth,
                "download_slot": target.host,
                "dont_obey_robotstxt": target.ignore_robots,
            },
        )
        key = self.crawler.request_fingerprinter.fingerprint(request)
        if key in progress.seen:
            return None
        if len(progress.seen) >= self.limits.max_pages_per_site:
            progress.summary.skipped += 1
            return None
        progress.seen.add(key)
        progress.in_flight += 1
        return request

    def parse(self, response: Response) -> list[Request]:
        """Send the page to the sink and return requests for its same-site links."""
        progress = self.sites[response.meta["site"]]
        requests: list[Request] = []
        try:
            requests = self._read(progress, response)
        finally:
            self._settle(progress)
        return requests

    def _read(self, progress: _SiteProgress, response: Response) -> list[Request]:
        depth = response.meta["depth"]
        summary = progress.summary
        if depth == 0:
            summary.root_ok = True
            summary.root_final_url = response.url
            final_host = host_key(response.url)
            if final_host not in progress.hosts:
                progress.hosts.add(final_host)
                summary.hosts.append(final_host)

        body = response.body
        digest = hashlib.sha256(body).hexdigest()
        if digest in progress.bodies:
            summary.duplicates += 1
            return []
        progress.bodies.add(digest)
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        content = None
        if is_page(content_type, body):
            try:
                content = read_page(body, response.url, content_type, self.main_text)
            except Exception:
                # A page the extractor cannot read is still evidence: keep its bytes.
                log.warning("page unreadable url=%s", response.url, exc_info=True)
        summary.pages += 1
        self.sink.page(
            FetchedPage(
                site=progress.target,
                url=response.meta.get("redirect_urls", [response.url])[0],
                final_url=response.url,
                status=response.status,
                headers=header_dict(response),
                fetched_at=datetime.now(UTC),
                body=body,
                sha256=digest,
                content_type=content_type,
                depth=depth,
                content=content,
            )
        )
        if content is None or depth >= self.limits.max_depth:
            return []
        return self._follow(progress, response.url, content.links, depth + 1)

    def _follow(
        self, progress: _SiteProgress, base: str, links: Iterable[str], depth: int
    ) -> list[Request]:
        requests = []
        for link in links:
            url = follow_url(base, link)
            if url is None or host_key(url) not in progress.hosts:
                continue
            request = self._request(progress, url, depth)
            if request is not None:
                requests.append(request)
        return requests

    def failed(self, failure: Failure) -> None:
        """Send a failed URL to the sink with its failure kind."""
        request: Request = failure.request  # type: ignore[attr-defined]
        progress = self.sites.get(request.meta.get("site", -1))
        if progress is None:
            return
        try:
            found = classify(failure.value)
            depth = request.meta.get("depth", 0)
            if depth == 0:
                progress.summary.root_failure = found.kind
            progress.summary.failures += 1
            self.sink.failure(
                FailedFetch(
                    site=progress.target,
                    url=request.meta.get("redirect_urls", [request.url])[0],
                    kind=found.kind,
                    status=found.status,
                    message=found.message,
                    at=datetime.now(UTC),
                    depth=depth,
                )
            )
        finally:
            self._settle(progress)

    def request_dropped(self, request: Request, spider: scrapy.Spider) -> None:
        """Count a request the scheduler dropped as settled."""
        progress = self.sites.get(request.meta.get("site", -1))
        if progress is not None:
            self._settle(progress)

    def _settle(self, progress: _SiteProgress) -> None:
        progress.in_flight -= 1
        if progress.in_flight <= 0 and not progress.done:
            self._finish(progress)

    def _finish(self, progress: _SiteProgress) -> None:
        progress.done = True
        summary = progress.summary
        if not summary.root_ok and not summary.root_failure:
            summary.root_failure = "other"
        summary.finished_at = datetime.now(UTC)
        self.sink.site_done(summary)

    def crawl_closed(self, spider: scrapy.Spider, reason: str) -> None:
        """Close the sites still open when the crawl stops (shutdown, error)."""
        for progress in self.sites.values():
            if not progress.done:
                log.warning(
                    "site unfinished at crawl end site=%s reason=%s",
                    progress.target.host,
                    reason,
                )
                self._finish(progress)
