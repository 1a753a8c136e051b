"""Running the spider over one chunk of a round's sites, in the current process.

Twisted's reactor starts once per process and cannot be restarted, so this
runs in a process of its own: `finsentry patrol-crawl ROUND --sites ...`,
started by `children.py` from the console, a scheduled job, the web UI or a
Celery worker.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import connection
from scrapy.crawler import CrawlerProcess

from finsentry.patrol import services
from finsentry.patrol.crawler.limits import (
    MAIN_TEXT_ALL,
    MAIN_TEXT_FINDINGS,
    CrawlLimits,
    scrapy_settings,
)
from finsentry.patrol.crawler.spider import PatrolSpider
from finsentry.patrol.crawler.writer import RoundWriter
from finsentry.patrol.models import PatrolRound

log = logging.getLogger(__name__)

# Expected failures are recorded as data; Scrapy's own lines about them
# (tracebacks for an unreachable robots.txt, size warnings) would only repeat it.
_QUIET = {
    "scrapy": logging.WARNING,
    "scrapy.downloadermiddlewares.robotstxt": logging.CRITICAL,
    "scrapy.core.downloader.handlers.http11": logging.ERROR,
    "scrapy.core.scraper": logging.ERROR,
    "twisted": logging.ERROR,
    "trafilatura": logging.ERROR,
}


def crawl_chunk(round_id: int, site_ids: Sequence[int], worker: str) -> int:
    """Crawl some sites of a round and store what they show; return sites closed."""
    patrol_round = PatrolRound.objects.get(pk=round_id)
    limits = CrawlLimits.from_dict(patrol_round.limits)
    targets = services.site_targets(site_ids)
    services.begin_sites(round_id, [t.id for t in targets], worker)
    services.prepare_detection()
    # The reactor owns this thread from here on; only the writer uses the database.
    connection.close()
    if not targets:
        return 0

    process = CrawlerProcess(settings=scrapy_settings(limits))
    # After Scrapy's own logging set-up, which resets these levels.
    for name, level in _QUIET.items():
        logging.getLogger(name).setLevel(level)
    writer = RoundWriter(
        round_id,
        main_text_for_findings=limits.main_text == MAIN_TEXT_FINDINGS,
        on_error=lambda: _stop_soon(process),
    ).start()
    process.crawl(
        PatrolSpider,
        targets=targets,
        limits=limits,
        sink=writer,
        main_text=limits.main_text == MAIN_TEXT_ALL,
    )
    try:
        process.start()
    finally:
        writer.close()
    log.info(
        "crawl chunk finished round=%s sites=%s worker=%s",
        round_id,
        writer.sites_closed,
        worker,
    )
    return writer.sites_closed


def _stop_soon(process: CrawlerProcess) -> None:
    # Called from the writer thread: with storage gone, crawling on is wasted.
    from twisted.internet import reactor

    reactor.callFromThread(process.stop)  # type: ignore[attr-defined]
