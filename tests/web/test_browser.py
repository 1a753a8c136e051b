"""A staff member's path through the watch list in headless Chromium (Playwright)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from openpyxl import load_workbook

from finsentry.registry import services
from finsentry.registry.models import Firm
from tests.web.conftest import PASSWORD, SAMPLES

# Playwright's sync API runs an event loop in this thread; Django refuses ORM
# calls from a thread with a running loop unless told it is safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's Chromium is not at /usr/bin/chromium"
    ),
]


@pytest.fixture
def page() -> Iterator:
    """Yield a phone-agnostic desktop browser page that accepts downloads."""
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


def shot(page, name: str) -> None:
    """Save a full-page screenshot under test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_staff_filters_watch_list_opens_firm_and_exports_excel(
    live_server, page, staff: User, firms: dict[str, Firm], tmp_path: Path, settings
):
    settings.DATA_DIR = tmp_path
    services._index = None
    page.goto(live_server.url + "/firms/")
    assert "/login/" in page.url
    page.fill("#id_username", "wangli")
    page.fill("#id_password", PASSWORD)
    shot(page, "01-login")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/firms/")

    page.goto(live_server.url + "/")
    page.wait_for_function("document.querySelector('#chart-city').width > 0")
    shot(page, "02-dashboard")

    page.goto(live_server.url + "/firms/")
    page.select_option("#id_city", "2201")
    hidden = page.eval_on_selector("#id_county option[value='220202']", "o => o.hidden")
    assert hidden is True
    page.select_option("#id_domain", "p2p")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**/firms/?*")
    names = page.locator("#firms tbody td[data-label='企业名称'] a").all_inner_texts()
    assert set(names) == {SAMPLES[0].name, SAMPLES[1].name}
    shot(page, "03-watchlist-filtered")

    with page.expect_download() as download_info:
        page.click("#export-xlsx")
    saved = tmp_path / "export.xlsx"
    download_info.value.save_as(saved)
    rows = list(load_workbook(saved).active.iter_rows(values_only=True))
    assert {r[0] for r in rows[2:]} == {SAMPLES[0].name, SAMPLES[1].name}
    assert "导出人：王丽" in rows[0][0]

    page.click(f"text={SAMPLES[0].name}")
    page.wait_for_url(f"**/firms/{firms[SAMPLES[0].name].uscc}/")
    assert page.locator("h1").inner_text().startswith(SAMPLES[0].name)
    assert "吉林省长春市南关区" in page.content()
    shot(page, "04-firm")

    page.goto(live_server.url + "/match/")
    page.fill("input[name=q]", "汇财网贷")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/match/?*")
    first = page.locator("table tbody tr a").first.inner_text()
    assert first == SAMPLES[2].name
    shot(page, "05-match")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/firms/?city=2201")
    shot(page, "06-watchlist-phone")
