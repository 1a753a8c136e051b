"""Token authentication, the api-token command and the admin's token list."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from finsentry.accounts.models import AuditEntry
from tests.api.conftest import World

pytestmark = pytest.mark.django_db

FIRMS = "/api/v1/firms/"


def test_request_without_token_is_refused_with_401(world: World) -> None:
    response = world.client(None).get(FIRMS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_unknown_token_is_refused_with_401(world: World) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef")

    response = client.get(FIRMS)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_token_of_a_placed_user_reads_the_api(world: World) -> None:
    response = world.client("yj-inspector").get(FIRMS)

    assert response.status_code == 200
    assert [f["uscc"] for f in response.json()["results"]] == [world.yanji.uscc]


def test_staff_session_reads_the_api_too(world: World) -> None:
    client = Client()
    client.force_login(world.users["analyst"])

    response = client.get(FIRMS)

    assert response.status_code == 200


def test_login_without_office_is_refused_with_403(world: World) -> None:
    response = world.client("root").get(FIRMS)  # a superuser is an administrator
    nobody = APIClient()
    nobody.force_authenticate(world.users["nobody"])

    refused = nobody.get(FIRMS)

    assert response.status_code == 200
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert "未分配机构和角色" in refused.json()["detail"]


def test_session_post_without_csrf_token_is_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["analyst"])

    response = client.post(
        "/api/v1/docking/reports/", [], content_type="application/json"
    )

    assert response.status_code == 403


def test_command_prints_a_token_that_authenticates(world: World) -> None:
    out = StringIO()

    call_command("api_token", "yj-officer", stdout=out)

    key = out.getvalue().strip()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(FIRMS).status_code == 200
    entry = AuditEntry.objects.get(action="api.token")
    assert entry.detail["kind"] == "created"
    assert entry.detail["account"] == "yj-officer"


def test_command_rotates_the_token_so_the_old_one_stops_working(world: World) -> None:
    first, second = StringIO(), StringIO()
    call_command("api_token", "yj-officer", stdout=first)

    call_command("api_token", "yj-officer", stdout=second)

    old, new = APIClient(), APIClient()
    old.credentials(HTTP_AUTHORIZATION=f"Token {first.getvalue().strip()}")
    new.credentials(HTTP_AUTHORIZATION=f"Token {second.getvalue().strip()}")
    assert old.get(FIRMS).status_code == 401
    assert new.get(FIRMS).status_code == 200
    assert Token.objects.filter(user=world.users["yj-officer"]).count() == 1


def test_command_revokes_a_token(world: World) -> None:
    call_command("api_token", "yj-officer", stdout=StringIO())

    call_command("api_token", "yj-officer", "--revoke", stdout=StringIO())

    assert not Token.objects.filter(user=world.users["yj-officer"]).exists()
    assert AuditEntry.objects.filter(action="api.token").count() == 2


@pytest.mark.parametrize("login", ["nobody", "no-such-user"])
def test_command_refuses_a_login_without_role_or_account(
    world: World, login: str
) -> None:
    with pytest.raises(CommandError):
        call_command("api_token", login, stdout=StringIO())

    assert not Token.objects.exists()


def test_admin_lists_the_tokens(world: World) -> None:
    world.client("yj-inspector")
    client = Client()
    client.force_login(world.users["root"])

    response = client.get("/admin/authtoken/tokenproxy/")

    assert response.status_code == 200
    assert "yj-inspector" in response.content.decode()
