"""The statistics page in headless Chromium: open, filter, download the Word report."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from docx import Document

from tests.stats.conftest import PASSWORD, World, build_world
from tests.web.test_browser import ARTIFACTS, CHROMIUM

# Playwright's sync API runs an event loop in this thread; Django refuses ORM
# calls from a thread with a running loop unless told it is safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's Chromium is not at /usr/bin/chromium"
    ),
]


@pytest.fixture
def browser() -> Iterator[Any]:
    """Yield a headless Chromium."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Any) -> World:
    """Return the statistics tests' small province (see tests/stats/conftest.py)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    return build_world()


def shot(page: Any, name: str) -> None:
    """Save a full-page screenshot under test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"stats-{name}.png"), full_page=True)


def test_analyst_filters_the_figures_and_downloads_the_word_report(
    live_server: Any, browser: Any, world: World, tmp_path: Any
) -> None:
    page = browser.new_context(
        accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 900}
    ).new_page()
    page.goto(f"{live_server.url}/stats/")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/stats/")

    assert page.locator("#total-watched").inner_text() == "5"
    assert page.locator("#total-problems").inner_text() == "2"
    assert page.locator("nav a.active").inner_text() == "统计报告"
    shot(page, "01-province")

    page.select_option("#id_domain", "p2p")
    page.select_option("#id_city", "2224")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**/stats/?domain=p2p*")
    assert page.locator("#total-watched").inner_text() == "2"
    assert page.locator("#total-ratio").inner_text() == "50.0%"
    assert "延边朝鲜族自治州" in page.locator("#by-city").inner_text()
    page.wait_for_function("document.querySelector('#chart-city').width > 0")
    shot(page, "02-yanbian-p2p")

    with page.expect_download() as waiting:
        page.click("#report-docx")
    saved = tmp_path / waiting.value.suggested_filename
    waiting.value.save_as(saved)
    document = Document(str(saved))
    text = "\n".join(p.text for p in document.paragraphs)
    assert saved.name.endswith(".docx")
    assert "P2P 网络借贷风险专项整治专项报告" in text
    assert "共有监测企业2户，其中问题企业1户，占50.0%" in text
