"""A case from finding to acceptance in headless Chromium, the inspector on a phone.

The P2P office turns a finding into a site visit for the 南关区 group; its
inspector records the visit on a 390×844 screen with a photo; the office
orders rectification in 10 working days; the clock moves past the deadline
(Mid-Autumn and National Day lie in between), the reminder job flags it; the
inspector looks back, the office accepts, and the Word dossier opens.
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from docx import Document

from finsentry.accounts.roles import Role
from finsentry.accounts.services import create_staff
from finsentry.cases import reminders
from finsentry.cases.models import Case
from finsentry.registry.models import Firm
from tests.cases.conftest import make_firm
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
PASSWORD = "jilin-2016-browser-pass"
# Monday 14 September 2026, 09:00 in Changchun.
START = datetime(2026, 9, 14, 1, 0, tzinfo=UTC)
AFTER_DEADLINE = datetime(2026, 9, 30, 0, 30, tzinfo=UTC)
PHONE = {"width": 390, "height": 844}


def png(width: int, height: int) -> bytes:
    """Return a small solid-colour PNG, as a phone camera would upload a photo."""
    rows = b"".join(b"\x00" + b"\xa6\x1b\x1b" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IEND", b"")


@pytest.fixture
def browser() -> Iterator[Any]:
    """Yield a headless Chromium."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def people(db: None, settings: Any, tmp_path: Path) -> dict[str, User]:
    """The P2P office's officer and the 南关区 inspector."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    # The clock moves: cookies live as long as the browser, not to a date.
    settings.CSRF_COOKIE_AGE = None
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    officer = create_staff("p2p-zhao", PASSWORD, "domain-p2p", Role.DOMAIN_OFFICER)
    officer.first_name = "赵网"
    officer.save()
    inspector = create_staff("nanguan-zhou", PASSWORD, "county-220102", Role.INSPECTOR)
    inspector.first_name = "周查"
    inspector.save()
    return {"officer": officer, "inspector": inspector}  # type: ignore[dict-item]


def shot(page: Any, name: str) -> None:
    """Save a full-page screenshot under test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"cases-{name}.png"), full_page=True)


def visit(page: Any, url: str, username: str) -> None:
    """Open `url`, logging in first when the session has ended."""
    page.goto(url)
    if "/login/" in page.url:
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        if "/login/" in page.url or page.url.rstrip("/") != url.rstrip("/"):
            page.goto(url)


def fits_the_screen(page: Any) -> bool:
    """Return whether the page needs no sideways scrolling."""
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


def test_finding_to_accepted_case_with_a_phone_site_visit(
    live_server: Any, browser: Any, people: dict[str, User], tmp_path: Path
) -> None:
    with time_machine.travel(START, tick=True) as clock:
        firm: Firm = make_firm(7, "220102", "长春市鑫融网络借贷信息中介有限公司")
        finding = firm.findings.get(domain="p2p")
        desk = browser.new_context(
            accept_downloads=True,
            locale="zh-CN",
            viewport={"width": 1280, "height": 900},
        ).new_page()
        phone = browser.new_context(
            locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True
        ).new_page()
        base = live_server.url

        # The P2P office ticks the finding and gives the check to 南关区.
        visit(desk, f"{base}/firms/{firm.uscc}/", "p2p-zhao")
        desk.check(f"input[name=finding][value='{finding.pk}']")
        desk.click("#task-from-findings")
        desk.wait_for_url("**/tasks/new/?finding=*")
        desk.select_option("select[name=assignee_office]", label=_office_label(desk))
        desk.select_option("select[name=assignee]", value=str(people["inspector"].pk))
        desk.fill("input[name=due_date]", "2026-09-18")
        desk.fill("textarea[name=instructions]", "核实经营场所是否张贴保本保息宣传。")
        shot(desk, "01-assign")
        desk.click("#task-form button[type=submit]")
        desk.wait_for_url("**/cases/tasks/*/")
        assert "现场勘查" in desk.locator("h1").inner_text()
        task_url = desk.url
        case = Case.objects.get(firm=firm)

        # The inspector finds it under 我的任务 and records the visit on a phone.
        visit(phone, f"{base}/cases/tasks/", "nanguan-zhou")
        assert firm.name in phone.locator("#tasks").inner_text()
        assert fits_the_screen(phone)
        shot(phone, "02-my-tasks-phone")
        phone.click(f"#tasks a:has-text('{firm.name}')")
        phone.wait_for_url(task_url)
        phone.check("input[name=outcome][value=confirmed]")
        phone.fill("input[name=place]", "长春市南关区人民大街 1 号")
        phone.fill(
            "textarea[name=notes]", "经营场所张贴“本息保障”海报，工作人员现场推介。"
        )
        phone.check("input[name=confirmed_codes][value='P2P-11']")
        photo = tmp_path / "门头照片.png"
        photo.write_bytes(png(64, 48))
        phone.set_input_files("input[name=attachments]", str(photo))
        assert fits_the_screen(phone)
        shot(phone, "03-record-phone")
        phone.click("#record-form button[type=submit]")
        phone.wait_for_selector("text=核查结果已填报")
        assert phone.locator("#task-state").inner_text() == "已核查"
        assert "门头照片.png" in phone.locator("#records").inner_text()
        assert fits_the_screen(phone)
        shot(phone, "04-recorded-phone")

        # The office orders rectification in 10 working days.
        visit(desk, f"{base}/cases/{case.pk}/", "p2p-zhao")
        desk.click("#step-order_rectification summary")
        form = desk.locator("#step-order_rectification form")
        form.locator("textarea[name=reasoning]").fill("违规情节较轻，责令限期整改。")
        form.locator("textarea[name=demands]").fill(
            "撤除经营场所及网站的保本保息宣传\n停止线下推介并报送整改报告"
        )
        form.locator("input[name=days]").fill("10")
        form.locator("button[type=submit]").click()
        desk.wait_for_selector("text=已办理")
        assert desk.locator("#case-state").inner_text() == "限期整改中"
        assert (
            "10 个工作日（至 2026年09月28日）" in desk.locator("#orders").inner_text()
        )
        shot(desk, "05-rectifying")

        # The deadline passes; the daily reminder job flags the order.
        clock.move_to(AFTER_DEADLINE)
        reminders.send_reminders()
        visit(desk, f"{base}/cases/{case.pk}/", "p2p-zhao")
        assert desk.locator("#case-overdue").inner_text() == "整改逾期"
        assert desk.locator("#unread-count").is_visible()
        shot(desk, "06-overdue")

        # The inspector looks back on the phone: both demands were met.
        visit(phone, f"{base}/cases/{case.pk}/", "nanguan-zhou")
        phone.click("#step-recheck summary")
        recheck = phone.locator("#step-recheck form")
        for radio in recheck.locator("input[type=radio][value='1']").all():
            radio.check()
        assert fits_the_screen(phone)
        shot(phone, "07-recheck-phone")
        recheck.locator("button[type=submit]").click()
        phone.wait_for_selector("text=已办理")
        assert phone.locator("#case-state").inner_text() == "待验收"

        # The office accepts the work and exports the dossier.
        visit(desk, f"{base}/cases/{case.pk}/", "p2p-zhao")
        desk.click("#step-accept summary")
        desk.fill(
            "#step-accept textarea[name=conclusion]", "整改要求全部落实，验收通过。"
        )
        desk.click("#step-accept button[type=submit]")
        desk.wait_for_selector("text=已办理")
        assert desk.locator("#case-state").inner_text() == "已验收结案"
        shot(desk, "08-closed")

        visit(desk, f"{base}/firms/{firm.uscc}/", "p2p-zhao")
        shot(desk, "09-dossier")
        with desk.expect_download() as download_info:
            desk.click("#export-word")
        saved = ARTIFACTS / "cases-dossier.docx"
        download_info.value.save_as(saved)
        document = Document(io.BytesIO(saved.read_bytes()))
        footer = document.sections[0].footer.paragraphs[0].text
        assert "导出人：赵网（p2p-zhao）" in footer
        assert "导出时间：2026年09月30日" in footer
        text = "\n".join(p.text for p in document.paragraphs)
        assert "验收：" in text and "整改要求全部落实" in text

        visit(desk, f"{base}/cases/dashboard/", "p2p-zhao")
        desk.wait_for_function("document.querySelector('#chart-state').width > 0")
        shot(desk, "10-dashboard")


def _office_label(page: Any) -> str:
    """Return the label of the 南关区 group in the office list."""
    options = page.locator("select[name=assignee_office] option").all_inner_texts()
    return next(o for o in options if "南关区" in o)
