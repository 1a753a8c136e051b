"""The demo logins: one per role, in realistic offices, all with the demo password."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from finsentry.accounts.demo_staff import DEMO_LOGINS, DEMO_PASSWORD, ensure_demo_staff
from finsentry.accounts.roles import Role
from finsentry.accounts.scoping import role_of, scope_of

pytestmark = pytest.mark.django_db


def test_every_role_has_a_demo_login_that_logs_in() -> None:
    lines = ensure_demo_staff()

    assert {login.role for login, _ in lines} == set(Role)
    for login, where in lines:
        client = Client()
        response = client.post(
            reverse("login"), {"username": login.username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, login.username
        assert login.role.label in where


def test_demo_logins_sit_in_realistic_offices() -> None:
    ensure_demo_staff()
    names = [d.username for d in DEMO_LOGINS]

    users = {u.username: u for u in User.objects.filter(username__in=names)}

    assert scope_of(users["yanji"]).county == "222401"
    assert scope_of(users["changchun"]).city == "2201"
    assert scope_of(users["p2p"]).domain == "p2p"
    assert scope_of(users["leader"]).read_only
    assert role_of(users["demo"]) is Role.ADMIN and users["demo"].is_staff
    assert not users["analyst"].is_staff


def test_running_it_again_keeps_passwords_and_placements() -> None:
    ensure_demo_staff()
    again = ensure_demo_staff("another-pass-1")
    first = {login.username: where for login, where in again}

    client = Client()
    ok = client.post(reverse("login"), {"username": "p2p", "password": DEMO_PASSWORD})
    assert ok.status_code == 302
    assert first["yanji"].startswith("延边朝鲜族自治州延吉市")
