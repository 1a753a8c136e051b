"""An analyst's patrol in headless Chromium: add sites, start a round, open evidence.

The round runs for real: the start button launches `finsentry patrol --round`
in the background, which crawls fixture sites served on 127.0.0.1 in child
processes writing to the test database; the page polls its progress.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from finsentry.patrol import tasks
from finsentry.patrol.models import PatrolRound, Site, Snapshot
from finsentry.registry.models import Firm
from finsentry.registry.normalize import normalize_name
from tests.patrol.conftest import use_file_test_database
from tests.patrol.fixture_sites import (
    P2P_NAME,
    P2P_USCC,
    FixtureSite,
    Page,
    gbk_pages,
    html,
    p2p_pages,
    robots_pages,
)
from tests.web.conftest import PASSWORD
from tests.web.test_browser import ARTIFACTS, CHROMIUM

# Playwright's sync API runs an event loop in this thread; Django refuses ORM
# calls from a thread with a running loop unless told it is safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# The round's processes open the test database, so on SQLite it is a file.
use_file_test_database()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's Chromium is not at /usr/bin/chromium"
    ),
]

ROUND_SECONDS = 90


@pytest.fixture
def page() -> Iterator:
    """Yield a desktop browser page in Chinese that accepts downloads."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
            ],
        )
        context = browser.new_context(
            accept_downloads=True,
            locale="zh-CN",
            viewport={"width": 1280, "height": 900},
        )
        yield context.new_page()
        context.close()
        browser.close()


@pytest.fixture
def sites() -> Iterator[dict[str, FixtureSite]]:
    """Serve a P2P platform, a GBK site and a site whose robots.txt forbids all."""
    running = {
        "p2p": FixtureSite("p2p", p2p_pages()).start(),
        "gbk": FixtureSite("gbk", gbk_pages()).start(),
        "robots": FixtureSite("robots", robots_pages()).start(),
    }
    yield running
    for site in running.values():
        site.stop()


@pytest.fixture
def analyst(db: None, tmp_path: Path, settings, monkeypatch) -> User:
    """Return a provincial analyst, with evidence and logs kept under tmp_path."""
    settings.DATA_DIR = tmp_path
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    # Production limits, except a shorter pause between requests to one host.
    monkeypatch.setenv("FINSENTRY_PATROL_DOWNLOAD_DELAY", "0.1")
    # A provincial analyst sees every firm; region scoping is the accounts app's.
    return User.objects.create_superuser(
        "zhaomin", password=PASSWORD, first_name="赵敏", email=""
    )


@pytest.fixture
def platform_firm(db: None) -> Firm:
    """Return the registered firm whose credit code the P2P platform shows."""
    return Firm.objects.create(
        uscc=P2P_USCC,
        name=P2P_NAME,
        name_normalized=normalize_name(P2P_NAME),
        region_code="220104",
        city_code="2201",
        county_code="220104",
        status="存续",
    )


def shot(page, name: str) -> None:
    """Save a full-page screenshot under test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, base: str) -> None:
    """Log in as the analyst and land on the patrol page."""
    page.goto(base + "/patrol/")
    page.fill("#id_username", "zhaomin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/patrol/")


def wait_for_round(page) -> PatrolRound:
    """Wait on the round page until its script has reloaded it finished."""
    page.wait_for_url("**/patrol/rounds/*/")
    page.wait_for_selector(
        "#progress[data-state=done], #progress[data-state=failed]",
        timeout=ROUND_SECONDS * 1000,
    )
    number = int(page.url.rstrip("/").rsplit("/", 1)[1])
    return PatrolRound.objects.get(pk=number)


def test_analyst_starts_a_round_and_opens_a_findings_snapshot(
    live_server, page, analyst: User, platform_firm: Firm, sites: dict
) -> None:
    base = live_server.url
    log_in(page, base)
    urls = "\n".join(s.url for s in sites.values()) + "\n不是网址"
    page.fill("#id_urls", urls)
    page.fill("#id_note", "举报线索第 12 批")
    page.click("#add-sites button[type=submit]")
    page.wait_for_url(base + "/patrol/")
    assert "新增网站 3 个" in page.inner_text(".messages")
    assert "第 4 行" in page.inner_text(".messages")
    shot(page, "patrol-01-sites-added")

    page.click("#start-all")
    page.wait_for_url("**/patrol/rounds/*/")
    shot(page, "patrol-02-round-running")
    first = wait_for_round(page)
    assert first.state == PatrolRound.State.DONE, first.error
    assert page.inner_text("#round-state") == "已完成"
    assert page.inner_text("#sites-done") == "3"
    assert "robots.txt 禁止" in page.inner_text("#failures")
    shot(page, "patrol-03-round-done")

    p2p = Site.objects.get(host=sites["p2p"].host)
    assert p2p.firm == platform_firm
    page.goto(base + "/patrol/")
    page.click(f"#sites a:text-is('{p2p.host}')")
    page.wait_for_url(f"**/patrol/sites/{p2p.pk}/")
    codes = page.locator("#site-findings td.code").all_inner_texts()
    assert {"P2P-05", "MKT-01"} <= set(codes)
    shot(page, "patrol-04-site")

    row = page.locator("#site-findings tbody tr", has_text="P2P-05").first
    row.locator("a", has_text="查看快照").click()
    page.wait_for_url("**/patrol/snapshots/*/#finding-*")
    fragment = page.url.rsplit("#", 1)[1]
    marked = page.locator(f"#{fragment} ~ mark").first
    assert "P2P-05" in (marked.get_attribute("title") or "")
    assert "保本保息" in marked.inner_text()
    viewer = page.frame_locator("#viewer")
    assert "鑫融贷" in viewer.locator("body").inner_text()
    shot(page, "patrol-05-snapshot")

    snapshot = Snapshot.objects.get(pk=int(page.url.split("/")[-2]))
    assert page.inner_text("#sha256") == snapshot.sha256
    # Without the fragment: the browser's scroll to it can move the page
    # under the pointer between Playwright's aim and its click.
    page.goto(page.url.split("#", 1)[0])
    with page.expect_download() as download:
        page.click("#raw-download")
    raw = Path(download.value.path()).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == snapshot.sha256

    # The platform drops its promises and the GBK site vanishes: round two.
    sites["p2p"].pages["/"] = Page(html("鑫融贷", "<p>出借有风险，投资需谨慎。</p>"))
    sites["gbk"].stop()
    page.goto(base + "/patrol/")
    page.click("#start-all")
    second = wait_for_round(page)
    assert second.state == PatrolRound.State.DONE, second.error
    shot(page, "patrol-06-second-round")

    page.goto(f"{base}/firms/{platform_firm.uscc}/")
    dossier = page.inner_text("#firm-patrol")
    assert "违规表述消失" in dossier
    assert "内容变化" in dossier
    shot(page, "patrol-07-firm-dossier")

    page.goto(base + "/patrol/unlinked/")
    unlinked = page.inner_text("#unlinked")
    assert sites["gbk"].host in unlinked
    assert p2p.host not in unlinked
    shot(page, "patrol-08-unlinked")
    assert tasks.running_rounds(wait=15) == 0
