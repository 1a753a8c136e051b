"""A BIG-01 alert from docking import to a case, in headless Chromium.

A large platform in 延吉 that promises guaranteed returns reports its monthly
figures; the provincial analyst finds the critical alert in the list, reads
why it was raised, gives the check to the 延吉 group, confirms the warning
and hands it to a case.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User

from finsentry.accounts.roles import Role
from finsentry.accounts.services import create_staff
from finsentry.alerts.models import Alert, State
from finsentry.cases.models import Case, VerificationTask
from tests.alerts.conftest import import_big
from tests.cases.conftest import make_firm
from tests.web.test_browser import ARTIFACTS, CHROMIUM
from tests.web.test_browser_cases import browser, visit  # noqa: F401

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's Chromium is not at /usr/bin/chromium"
    ),
]
PASSWORD = "jilin-2016-browser-pass"
START = datetime(2026, 9, 14, 1, 0, tzinfo=UTC)


def shot(page: Any, name: str) -> None:
    """Save a full-page screenshot under test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"alerts-{name}.png"), full_page=True)


@pytest.fixture
def analyst(db: None, settings: Any) -> User:
    """The provincial analyst, with a password the browser types."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CSRF_COOKIE_AGE = None
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    user = create_staff("sheng-li", PASSWORD, "province", Role.ANALYST, "李明")
    return user  # type: ignore[return-value]


def test_analyst_verifies_a_big01_alert_and_hands_it_to_a_case(
    live_server: Any,
    browser: Any,  # noqa: F811
    analyst: User,
) -> None:
    with time_machine.travel(START, tick=True):
        firm = make_firm(9, "222401", "延吉市汇金网贷服务有限公司")
        import_big(firm)
        alert = Alert.objects.get(firm=firm)
        page = browser.new_context(
            locale="zh-CN", viewport={"width": 1280, "height": 900}
        ).new_page()
        base = live_server.url

        visit(page, f"{base}/alerts/", "sheng-li")
        assert page.locator("nav.mainnav a.active").inner_text() == "风险预警"
        row = page.locator("#alerts tr", has_text=firm.name)
        assert "严重" in row.inner_text() and "BIG-01" in row.inner_text()
        shot(page, "01-list")
        row.locator("a", has_text=alert.reference).click()
        page.wait_for_url(f"**/alerts/{alert.pk}/")
        evidence = page.locator("#alert-evidence").inner_text()
        assert "借贷余额 20,000 万元" in evidence and "P2P-05" in evidence
        assert "吉林省互联网金融" in page.locator("#alert-offices").inner_text()
        shot(page, "02-detail")

        page.click("#step-verify summary")
        form = page.locator("#step-verify form")
        form.locator("select[name=assignee_office]").select_option(
            label="延边朝鲜族自治州延吉市互联网金融风险专项整治工作领导小组办公室"
        )
        form.locator("textarea[name=instructions]").fill("核实平台资金存管和宣传情况。")
        form.locator("button[type=submit]").click()
        page.wait_for_selector("text=已下达核查任务")
        assert page.locator("#alert-state").inner_text() == "核查中"
        task = VerificationTask.objects.get(firm=firm)
        assert task.origin == f"alert:{alert.pk}"

        page.click("#step-confirm summary")
        page.locator("#step-confirm textarea[name=note]").fill("资金池迹象属实。")
        page.locator("#step-confirm button[type=submit]").click()
        page.wait_for_selector("text=预警已确认")

        page.click("#step-hand summary")
        page.locator("#step-hand button[type=submit]").click()
        page.wait_for_selector("text=预警已移交处置案件")
        assert page.locator("#alert-state").inner_text() == "已移交处置"
        shot(page, "03-handed")
        page.click("#alert-case")
        page.wait_for_url("**/cases/*/")
        case = Case.objects.get(firm=firm, domain="cross")
        assert case.reference in page.locator("h1").inner_text()
        assert Alert.objects.get(pk=alert.pk).state == State.HANDED
