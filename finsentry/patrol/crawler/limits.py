"""Crawl limits: politeness, sizes and scope of one patrol round.

The defaults suit a provincial round on one machine; each can be overridden
by an environment variable `FINSENTRY_PATROL_<NAME>` (e.g.
`FINSENTRY_PATROL_DOWNLOAD_DELAY=1.5`), and a round stores the limits it used
in `PatrolRound.limits` so its evidence can be read against them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

MAIN_TEXT_ALL = "all"
MAIN_TEXT_FINDINGS = "findings"
MAIN_TEXT_NONE = "none"
MAIN_TEXT_MODES = (MAIN_TEXT_ALL, MAIN_TEXT_FINDINGS, MAIN_TEXT_NONE)
USER_AGENT = "finsentry-patrol/0.1 (internet-finance rectification; +robots.txt)"
ROBOTS_AGENT = "finsentry-patrol"


@dataclass(frozen=True)
class CrawlLimits:
    """The limits of one round; every value has a production default."""

    # Politeness per host: at most this many requests at once, and a pause
    # (randomised by half either way) between requests to the same host.
    per_host_concurrency: int = 2
    download_delay: float = 0.5
    # Requests in flight over all hosts of one crawl process.
    total_concurrency: int = 64
    download_timeout: float = 20.0
    dns_timeout: float = 10.0
    retries: int = 2
    # Pause before the n-th retry: retry_backoff * 2 ** (n - 1) seconds.
    retry_backoff: float = 1.0
    max_page_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    max_depth: int = 3
    max_pages_per_site: int = 200
    obey_robots: bool = True
    # The article body (trafilatura) costs three to four times the rest of a
    # page's reading; detectors read the whole visible text, so by default it
    # is kept only for pages with findings, the ones people open as evidence.
    main_text: str = MAIN_TEXT_FINDINGS
    # Sites per chunk: a chunk is crawled by one child process (one Celery
    # task when the round fans out over workers).
    sites_per_chunk: int = 50
    # Child processes a round runs at once when it has no Celery workers.
    processes: int = 0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CrawlLimits:
        """Return the defaults with `FINSENTRY_PATROL_*` variables applied."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"FINSENTRY_PATROL_{f.name.upper()}")
            if raw is not None:
                values[f.name] = _parse(raw, f.type, f.name)
        return cls(**values)._checked()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CrawlLimits:
        """Return limits from a stored round's `limits`, ignoring unknown keys."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})._checked()

    def _checked(self) -> CrawlLimits:
        if self.main_text not in MAIN_TEXT_MODES:
            modes = "、".join(MAIN_TEXT_MODES)
            raise ValueError(f"main_text 应为 {modes} 之一：{self.main_text!r}")
        return self

    def with_changes(self, **changes: Any) -> CrawlLimits:
        """Return a copy with some values changed."""
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        """Return the limits as JSON-ready data."""
        return asdict(self)

    def process_count(self, chunks: int) -> int:
        """Return how many child processes to run at once for `chunks` chunks."""
        wanted = self.processes or os.cpu_count() or 1
        return max(1, min(wanted, chunks))


def _parse(raw: str, kind: object, name: str) -> Any:
    text = raw.strip()
    try:
        if kind in (bool, "bool"):
            # A typo must not switch robots.txt off for every site.
            if text.lower() in {"1", "true", "yes", "on"}:
                return True
            if text.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError("not a yes/no value")
        if kind in (str, "str"):
            return text
        number = int(text) if kind in (int, "int") else float(text)
        if number < 0:
            raise ValueError("negative")
        return number
    except ValueError as exc:
        raise ValueError(
            f"FINSENTRY_PATROL_{name.upper()}={raw!r} 无效"
            "（应为 1/0、true/false 或非负数）"
        ) from exc


def scrapy_settings(limits: CrawlLimits) -> dict[str, Any]:
    """Return the Scrapy settings that apply `limits` to a patrol crawl."""
    middlewares = "finsentry.patrol.crawler.middlewares"
    return {
        "BOT_NAME": "finsentry",
        "USER_AGENT": USER_AGENT,
        "ROBOTSTXT_OBEY": limits.obey_robots,
        "ROBOTSTXT_USER_AGENT": ROBOTS_AGENT,
        "CONCURRENT_REQUESTS": limits.total_concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": limits.per_host_concurrency,
        # Scrapy starts this many tasks for every response's output, however
        # little it yields; a callback here yields a few requests at most.
        "CONCURRENT_ITEMS": 4,
        "DOWNLOAD_DELAY": limits.download_delay,
        "DOWNLOAD_DELAY_JITTER": 0.5,
        "DOWNLOAD_TIMEOUT": limits.download_timeout,
        "DNS_TIMEOUT": limits.dns_timeout,
        "DOWNLOAD_MAXSIZE": limits.max_page_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "REDIRECT_MAX_TIMES": limits.max_redirects,
        "RETRY_TIMES": limits.retries,
        "RETRY_GIVE_UP_LOG_LEVEL": "INFO",
        "PATROL_RETRY_BACKOFF": limits.retry_backoff,
        # Depth and page counts are kept per site by the spider itself.
        "DEPTH_LIMIT": 0,
        "COOKIES_ENABLED": True,
        # No listening ports: a crawl process takes no commands from outside.
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "LOG_INSTALL_ROOT_HANDLER": False,
        "DEFAULT_REQUEST_HEADERS": {
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
            "Accept-Language": "zh-CN,zh;q=0.9",
        },
        "LOG_LEVEL": "WARNING",
        "LOGSTATS_INTERVAL": 0,
        "REACTOR_THREADPOOL_MAXSIZE": 8,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "DOWNLOADER_MIDDLEWARES": {
            f"{middlewares}.HostSlotMiddleware": 50,
            f"{middlewares}.RetryBackoffMiddleware": 60,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            f"{middlewares}.PatrolRobotsMiddleware": 100,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            f"{middlewares}.BackoffRetryMiddleware": 550,
            "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
            f"{middlewares}.PatrolMetaRefreshMiddleware": 580,
            "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
            f"{middlewares}.PatrolRedirectMiddleware": 600,
        },
    }
