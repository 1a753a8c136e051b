"""What the spider hands to the writer: plain records, no Django, no Scrapy.

The spider runs in Scrapy's reactor thread, where Django's ORM must not be
called (the reactor runs an asyncio loop); it reads pages and passes these
records to the writer thread, which stores them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from finsentry.patrol.extract import PageContent


@dataclass(frozen=True)
class SiteTarget:
    """A site to crawl as the spider needs it: where to start and how to behave."""

    id: int
    host: str
    root_url: str
    ignore_robots: bool = False
    firm_id: int | None = None


@dataclass
class FetchedPage:
    """One page fetched and read: the bytes as received and what they say.

    `url` is the URL as requested (before redirects), `final_url` where the
    bytes came from; `content` is None for bodies that are not pages (images,
    archives), which are kept as evidence but not read.
    """

    site: SiteTarget
    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    fetched_at: datetime
    body: bytes
    sha256: str
    content_type: str
    depth: int
    content: PageContent | None


@dataclass(frozen=True)
class FailedFetch:
    """A URL that could not be fetched, with its failure kind."""

    site: SiteTarget
    url: str
    kind: str
    status: int | None
    message: str
    at: datetime
    depth: int


@dataclass
class SiteCrawled:
    """How one site's crawl ended: the home page's fate and the page counts."""

    site: SiteTarget
    root_ok: bool = False
    root_failure: str = ""
    root_final_url: str = ""
    pages: int = 0
    failures: int = 0
    duplicates: int = 0
    skipped: int = 0
    finished_at: datetime | None = None
    # Hosts the crawl stayed on: the site's own and where its home redirected.
    hosts: list[str] = field(default_factory=list)


class PageSink(Protocol):
    """Where the spider sends what it reads (the writer thread, or a test list)."""

    def page(self, page: FetchedPage) -> None: ...

    def failure(self, failure: FailedFetch) -> None: ...

    def site_done(self, summary: SiteCrawled) -> None: ...
