"""Fixtures of the patrol tests: fixture sites, quick limits, rounds run for real.

Rounds crawl in child processes, which must open the test database: on
SQLite the test database is therefore a file (Django's default is a shared
in-memory database no other process can see), and tests that run rounds
use committed transactions.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from finsentry.patrol import rounds
from finsentry.patrol.crawler.limits import CrawlLimits
from finsentry.patrol.models import PatrolRound, Site
from tests.patrol.fixture_sites import FixtureWeb, serving, standard_sites

# Small waits so that a round over every kind of bad site takes seconds: the
# slow site answers after 3 s, past the 1 s timeout, and the huge page is
# three times the size limit.
QUICK = CrawlLimits(
    download_delay=0.0,
    download_timeout=1.0,
    retries=1,
    retry_backoff=0.1,
    max_page_bytes=200_000,
    max_depth=2,
    max_pages_per_site=20,
    processes=1,
)


def use_file_test_database() -> None:
    """Make the SQLite test database a file that child processes can open (once)."""
    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if database["ENGINE"].endswith("sqlite3") and not test.get("NAME"):
        folder = Path(tempfile.mkdtemp(prefix="finsentry-test-db-"))
        test["NAME"] = str(folder / "test.sqlite3")


def pytest_configure(config: pytest.Config) -> None:
    use_file_test_database()


@pytest.fixture
def data_dir(tmp_path: Path, settings) -> Path:  # type: ignore[no-untyped-def]
    """Keep evidence and logs of the test under its own temporary directory."""
    settings.DATA_DIR = tmp_path
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    return tmp_path


@pytest.fixture(scope="module")
def web() -> Iterator[FixtureWeb]:
    """Serve the standard fixture sites for the tests of one module."""
    yield from serving(standard_sites(slow_delay=3.0, huge_size=600_000))


def watch(*urls: str, source: str = Site.Source.MANUAL) -> list[int]:
    """Add sites by address and return their ids, in the order given."""
    result = rounds.add_sites(list(urls), source)
    assert not result.problems, result.problems
    ids = dict(Site.objects.values_list("root_url", "pk"))
    return [ids[u] for u in urls]


def patrol(site_ids: list[int], limits: CrawlLimits = QUICK) -> PatrolRound:
    """Queue and run a round over the sites, as the console does, and return it."""
    queued = rounds.start_round(site_ids, PatrolRound.Trigger.CONSOLE, limits=limits)
    return rounds.run_round(queued.pk)
