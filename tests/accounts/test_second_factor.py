"""The optional TOTP second factor for administrators (django-otp)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from finsentry.accounts.models import AuditEntry
from finsentry.accounts.roles import Role
from finsentry.accounts.services import create_staff

pytestmark = pytest.mark.django_db
PASSWORD = "jilin-2016-test"


@pytest.fixture
def admin_user() -> User:
    return create_staff("zhaoqiang", PASSWORD, "province", Role.ADMIN, "赵强")  # type: ignore[return-value]


def code_of(device: TOTPDevice, offset: int = 0) -> str:
    """Return the device's code now (or `offset` steps later), as an app shows it."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += offset * device.step
    return f"{totp.token():06d}"


def _logged_in(username: str) -> Client:
    client = Client()
    response = client.post(
        reverse("login"), {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def _enrolled(client: Client) -> TOTPDevice:
    page = client.get(reverse("accounts:otp_enrol"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    assert "<svg" in page.content.decode()
    response = client.post(reverse("accounts:otp_enrol"), {"token": code_of(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    return device


def test_an_admin_enrols_a_device_and_the_login_then_asks_for_a_code(
    admin_user: User,
) -> None:
    device = _enrolled(_logged_in("zhaoqiang"))
    assert device.confirmed
    assert AuditEntry.objects.filter(action="auth.otp_enrolled").exists()

    client = _logged_in("zhaoqiang")
    held = client.get(reverse("registry:dashboard"))
    wrong = client.post(reverse("accounts:otp_verify"), {"token": "000000"})
    throttled = client.post(
        reverse("accounts:otp_verify"), {"token": code_of(device, offset=1)}
    )
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        right = client.post(
            reverse("accounts:otp_verify"),
            {"token": code_of(device, offset=1), "next": reverse("registry:watchlist")},
        )

    assert held.status_code == 302
    assert held["Location"].startswith(reverse("accounts:otp_verify"))
    assert "动态口令不正确" in wrong.content.decode()
    assert "错误次数过多" in throttled.content.decode()
    assert AuditEntry.objects.filter(action="auth.otp_failed").exists()
    assert right["Location"] == reverse("registry:watchlist")
    assert client.get(reverse("registry:dashboard")).status_code == 200
    login = AuditEntry.objects.filter(action="auth.login").latest("id")
    assert login.detail == {"second_factor": "pending"}


def test_a_held_login_reaches_nothing_but_the_code_page_and_logout(
    admin_user: User,
) -> None:
    _enrolled(_logged_in("zhaoqiang"))
    client = _logged_in("zhaoqiang")

    for url in ["/admin/", reverse("accounts:audit"), reverse("patrol:sites")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get(reverse("accounts:otp_verify")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302


def test_a_wrong_first_code_does_not_confirm_the_device(admin_user: User) -> None:
    client = _logged_in("zhaoqiang")
    client.get(reverse("accounts:otp_enrol"))

    response = client.post(reverse("accounts:otp_enrol"), {"token": "123"})

    assert "6 位数字" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_removing_the_device_needs_its_current_code(admin_user: User) -> None:
    client = _logged_in("zhaoqiang")
    device = _enrolled(client)

    client.post(reverse("accounts:otp_remove"), {"token": "000000"})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        token = code_of(device, offset=1)
        client.post(reverse("accounts:otp_remove"), {"token": token})

    assert not TOTPDevice.objects.exists()
    assert AuditEntry.objects.filter(action="auth.otp_removed").exists()


def test_mandatory_second_factor_sends_admins_to_enrol_first(
    admin_user: User, settings: Any
) -> None:
    settings.FINSENTRY_OTP_REQUIRED_FOR_ADMINS = True
    create_staff("liuyang", PASSWORD, "province", Role.ANALYST)

    admin_client = _logged_in("zhaoqiang")
    analyst_client = _logged_in("liuyang")
    held = admin_client.get(reverse("registry:dashboard"))

    assert held["Location"].startswith(reverse("accounts:otp_enrol"))
    assert analyst_client.get(reverse("registry:dashboard")).status_code == 200
    _enrolled(admin_client)
    assert admin_client.get(reverse("registry:dashboard")).status_code == 200


def test_other_roles_cannot_enrol(admin_user: User) -> None:
    create_staff("liuyang", PASSWORD, "province", Role.ANALYST)
    client = _logged_in("liuyang")

    response = client.get(reverse("accounts:otp_enrol"))

    assert response.status_code == 403
    assert not TOTPDevice.objects.exists()
