"""Every role × every URL: allowed or refused, and no URL left out of the table."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from finsentry.registry import services
from tests.accounts.matrix import ANONYMOUS, PERSONAS, Row, all_rows
from tests.accounts.matrix.world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def stores(settings: Any, tmp_path: Any) -> Any:
    """Keep evidence and the name index of each test in its own folder."""
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    settings.DATA_DIR = tmp_path
    services._index = None
    yield
    services._index = None


@pytest.fixture
def world(stores: None) -> World:
    return build_world()


def outcome(response: Any) -> str:
    """Return what a response means for the matrix: ok, login, forbidden, ..."""
    login = reverse("login")
    chain = getattr(response, "redirect_chain", [])
    if chain and response.status_code == 200:
        return "login" if response.request["PATH_INFO"] == login else "ok"
    if response.status_code in (301, 302):
        return "login" if response["Location"].startswith(login) else "ok"
    if response.status_code == 401:
        # The API asks for credentials instead of redirecting to the login page.
        return "login"
    if response.status_code == 403:
        return "forbidden"
    if response.status_code < 400:
        return "ok"
    return f"status {response.status_code}"


def expected(row: Row, persona: str) -> str:
    """Return the outcome the table promises `persona` for `row`."""
    if persona in row.allowed:
        return row.success
    return "login" if persona == ANONYMOUS else "forbidden"


def send(client: Client, row: Row, world: World) -> Any:
    """Send the row's request; admin pages are followed through their redirects."""
    url = reverse(row.name, args=row.args(world))
    follow = row.name.startswith("admin:")
    if row.method == "POST" and row.name.startswith("api:"):
        response = client.post(url, row.data(world), content_type="application/json")
    elif row.method == "POST":
        response = client.post(url, row.data(world), follow=follow)
    else:
        response = client.get(url, row.data(world), follow=follow)
    if response.streaming:
        # Read to the end, which closes the file; closing by hand would also
        # end the test's database connection.
        b"".join(response.streaming_content)
    return response


def _param(row: Row) -> Any:
    marks = [pytest.mark.xfail(reason=row.xfail, strict=True)] if row.xfail else []
    return pytest.param(row, id=row.id, marks=marks)


@pytest.mark.parametrize("row", [_param(r) for r in all_rows()])
def test_each_role_is_allowed_or_refused_as_the_table_says(
    row: Row, world: World
) -> None:
    wrong = {}
    for persona in PERSONAS:
        got = outcome(send(world.client(persona), row, world))
        if got != expected(row, persona):
            wrong[persona] = f"got {got}, table says {expected(row, persona)}"

    assert wrong == {}


def url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    """Return the namespaced name of every URL pattern of the project."""
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            space = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= url_names(pattern, space)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_url_of_the_project_has_a_row() -> None:
    tabled = {row.name for row in all_rows()}
    gated = {name for name in url_names() if name.startswith("admin:")}

    missing = url_names() - tabled - gated

    assert missing == set(), "add rows to tests/accounts/matrix/<app>.py"
    assert tabled <= url_names(), "rows name URLs that no longer exist"


def test_every_post_action_refuses_a_request_without_csrf_token(world: World) -> None:
    refused = {}
    for row in all_rows():
        if row.method != "POST" or row.name == "login" or not row.allowed:
            continue
        persona = sorted(row.allowed - {ANONYMOUS})[0]
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.users[persona])
        url = reverse(row.name, args=row.args(world))
        refused[row.id] = client.post(url, row.data(world)).status_code

    assert refused and set(refused.values()) == {403}
