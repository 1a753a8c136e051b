"""Logging in: Argon2 hashes, validators, lockout, session expiry, CSRF, cookies."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from finsentry.accounts.middleware import LOGIN_AT, SEEN_AT
from finsentry.accounts.models import AuditEntry
from finsentry.accounts.roles import Role
from finsentry.accounts.services import create_staff

pytestmark = pytest.mark.django_db
PASSWORD = "jilin-2016-test"
BROWSER = "Mozilla/5.0 (Windows NT 10.0) 测试浏览器"


@pytest.fixture
def analyst() -> User:
    return create_staff("liuyang", PASSWORD, "province", Role.ANALYST, "刘洋")  # type: ignore[return-value]


def _login(client: Client, username: str, password: str) -> Any:
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR="10.22.0.8",
        HTTP_USER_AGENT=BROWSER,
    )


def test_passwords_are_hashed_with_argon2(analyst: User) -> None:
    assert analyst.password.startswith("argon2$argon2id$")


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("jilin2016", "password_too_short"),
        ("123456789012345", "password_entirely_numeric"),
        ("password12345", "password_too_common"),
        ("liuyang2016x", "password_too_similar"),
    ],
)
def test_weak_passwords_are_refused(analyst: User, password: str, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_password(password, analyst)

    assert code in {error.code for error in refused.value.error_list}


def test_the_demo_and_test_passwords_pass_the_validators(analyst: User) -> None:
    validate_password("jilin-demo-2016", analyst)
    validate_password(PASSWORD, analyst)


def test_login_and_logout_are_on_record_with_address_and_browser(
    analyst: User,
) -> None:
    client = Client()

    response = _login(client, "liuyang", PASSWORD)
    client.post(reverse("logout"), REMOTE_ADDR="10.22.0.8")

    assert response.status_code == 302
    login = AuditEntry.objects.get(action="auth.login")
    assert (login.username, login.ip_address) == ("liuyang", "10.22.0.8")
    assert login.user_agent == BROWSER
    assert AuditEntry.objects.filter(action="auth.logout", user=analyst).exists()


def test_repeated_failures_lock_the_account_with_a_chinese_message(
    analyst: User, settings: Any
) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "liuyang", "wrong-guess").status_code == 200

    locked = _login(client, "liuyang", "wrong-guess")
    still = _login(client, "liuyang", PASSWORD)

    assert locked.status_code == still.status_code == 429
    assert "登录失败次数过多" in still.content.decode()
    assert "_auth_user_id" not in client.session
    failed = AuditEntry.objects.filter(action="auth.login_failed")
    assert failed.filter(detail__attempted="liuyang").count() >= 5
    assert AuditEntry.objects.filter(action="auth.lockout").exists()
    other = Client()
    assert _login(other, "someone-else", "wrong-guess").status_code == 200


def test_a_success_before_the_limit_resets_the_count(analyst: User) -> None:
    client = Client()
    for _ in range(3):
        _login(client, "liuyang", "wrong-guess")
    assert _login(client, "liuyang", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(3):
        _login(client, "liuyang", "wrong-guess")

    assert _login(client, "liuyang", PASSWORD).status_code == 302


def _aged_session(client: Client, login_ago: float, seen_ago: float) -> None:
    session = client.session
    session[LOGIN_AT] = time.time() - login_ago
    session[SEEN_AT] = time.time() - seen_ago
    session.save()


@pytest.mark.parametrize(
    ("login_ago", "seen_ago", "why"),
    [(9 * 3600, 10, "absolute"), (3600, 31 * 60, "idle")],
)
def test_expired_sessions_are_logged_out(
    analyst: User, login_ago: float, seen_ago: float, why: str
) -> None:
    client = Client()
    client.force_login(analyst)
    _aged_session(client, login_ago, seen_ago)

    response = client.get(reverse("registry:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.get(action="auth.session_expired")
    assert entry.detail == {"reason": why}


def test_a_live_session_stays_and_its_last_request_is_kept(analyst: User) -> None:
    client = Client()
    client.force_login(analyst)
    _aged_session(client, 3600, 25 * 60)

    response = client.get(reverse("registry:dashboard"))

    assert response.status_code == 200
    assert time.time() - client.session[SEEN_AT] < 60


def test_login_without_csrf_token_is_refused(analyst: User) -> None:
    client = Client(enforce_csrf_checks=True)

    response = _login(client, "liuyang", PASSWORD)

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def _settings_under(env: dict[str, str]) -> dict[str, Any]:
    """Return security settings as a fresh process reads them under `env`."""
    code = (
        "from finsentry.config import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, s.SESSION_COOKIE_AGE,"
        " s.FINSENTRY_SESSION_IDLE_SECONDS, s.FINSENTRY_OTP_REQUIRED_FOR_ADMINS)"
    )
    merged = {**os.environ, **env}
    out = subprocess.run(
        [sys.executable, "-c", code], env=merged, capture_output=True, text=True
    )
    keys = ["session", "csrf", "hsts", "httponly", "csrf_httponly", "age", "idle"]
    return dict(zip([*keys, "otp"], out.stdout.split(), strict=True))


def test_cookies_are_secure_only_behind_the_flag() -> None:
    plain = _settings_under({"FINSENTRY_SECURE_COOKIES": "0"})
    secure = _settings_under(
        {
            "FINSENTRY_SECURE_COOKIES": "1",
            "FINSENTRY_SESSION_SECONDS": "3600",
            "FINSENTRY_SESSION_IDLE_SECONDS": "600",
            "FINSENTRY_ADMIN_OTP": "1",
        }
    )

    assert (plain["session"], plain["csrf"], plain["hsts"]) == ("False", "False", "0")
    assert (secure["session"], secure["csrf"]) == ("True", "True")
    assert int(secure["hsts"]) >= 31_536_000
    assert plain["httponly"] == plain["csrf_httponly"] == "True"
    assert (secure["age"], secure["idle"], secure["otp"]) == ("3600", "600", "True")
