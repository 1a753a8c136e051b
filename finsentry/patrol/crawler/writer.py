"""The writer thread: stores what the spider reads, in batches, off the reactor.

Scrapy's reactor thread runs an asyncio loop, where Django refuses database
calls; and a page's evidence write, detection and rows are best done many
pages at a time. The spider puts records on a bounded queue (which slows the
spider down if storage falls behind); this thread takes them off, stores a
batch when it is full or a second old, and closes a site once its pages are
stored.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import connections

from finsentry.patrol.crawler.records import FailedFetch, FetchedPage, SiteCrawled

if TYPE_CHECKING:
    from finsentry.patrol.facts import PageFacts

log = logging.getLogger(__name__)

_STOP = object()


class RoundWriter:
    """A `PageSink` that stores pages and failures of one round from its own thread."""

    def __init__(
        self,
        round_id: int,
        batch_size: int = 32,
        max_wait: float = 1.0,
        queue_size: int = 256,
        on_error: Callable[[], None] | None = None,
        main_text_for_findings: bool = False,
    ) -> None:
        self.round_id = round_id
        self.main_text_for_findings = main_text_for_findings
        self.on_error = on_error
        self.batch_size = batch_size
        self.max_wait = max_wait
        self.error: BaseException | None = None
        self.sites_closed = 0
        self._queue: queue.Queue[object] = queue.Queue(queue_size)
        self._thread = threading.Thread(target=self._run, name="patrol-writer")
        self._pages: list[FetchedPage] = []
        self._failures: list[FailedFetch] = []
        self._facts: dict[int, list[PageFacts]] = defaultdict(list)
        self._oldest = 0.0
        self._recorded: set[str] = set()

    def start(self) -> RoundWriter:
        """Start the thread; returns self."""
        self._thread.start()
        return self

    def page(self, page: FetchedPage) -> None:
        """Queue a fetched page for storing."""
        self._queue.put(page)

    def failure(self, failure: FailedFetch) -> None:
        """Queue a failed URL for recording."""
        self._queue.put(failure)

    def site_done(self, summary: SiteCrawled) -> None:
        """Queue a site's end: its pages are stored first, then the site closed."""
        self._queue.put(summary)

    def close(self) -> None:
        """Store what is left and wait for the thread; raise what stopped it, if any."""
        self._queue.put(_STOP)
        self._thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        try:
            while True:
                item = self._next()
                if item is _STOP:
                    self._flush()
                    return
                self._take(item)
        except BaseException as exc:
            log.exception("patrol writer stopped round=%s", self.round_id)
            self.error = exc
            if self.on_error is not None:
                self.on_error()
            # Keep draining so the spider never blocks on a full queue.
            while self._queue.get() is not _STOP:
                pass
        finally:
            connections.close_all()

    def _next(self) -> object:
        if not (self._pages or self._failures):
            return self._queue.get()
        wait = max(0.0, self._oldest + self.max_wait - time.monotonic())
        try:
            return self._queue.get(timeout=wait)
        except queue.Empty:
            self._flush()
            return self._queue.get()

    def _take(self, item: object) -> None:
        if isinstance(item, SiteCrawled):
            self._flush()
            self._close_site(item)
            return
        if not (self._pages or self._failures):
            self._oldest = time.monotonic()
        if isinstance(item, FetchedPage):
            self._pages.append(item)
            if item.content is not None:
                self._facts[item.site.id].append(item.content.facts)
        elif isinstance(item, FailedFetch):
            self._failures.append(item)
        if len(self._pages) + len(self._failures) >= self.batch_size:
            self._flush()

    def _flush(self) -> None:
        from finsentry.patrol import services

        if not (self._pages or self._failures):
            return
        pages, failures = self._pages, self._failures
        self._pages, self._failures = [], []
        services.store_batch(
            self.round_id,
            pages,
            failures,
            self._recorded,
            main_text_for_findings=self.main_text_for_findings,
        )

    def _close_site(self, summary: SiteCrawled) -> None:
        from finsentry.patrol import services

        facts = self._facts.pop(summary.site.id, [])
        services.finish_site(self.round_id, summary, facts)
        self.sites_closed += 1
