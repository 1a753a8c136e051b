"""The OpenAPI schema: valid OpenAPI 3, every endpoint in it, Chinese text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.validation import validate_schema

from tests.api.conftest import World

pytestmark = pytest.mark.django_db


def api_paths() -> set[str]:
    """Return the path of every URL pattern of the API, as OpenAPI writes it
    (drf-spectacular calls a primary key `id`)."""
    api = next(
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "api"
    )
    paths = set()
    for pattern in api.url_patterns:
        assert isinstance(pattern, URLPattern)
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        paths.add(f"/api/{route}".replace("{pk}", "{id}"))
    return paths


@pytest.fixture
def schema(world: World) -> dict[str, Any]:
    response = world.client("yj-inspector").get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3(schema: dict[str, Any]) -> None:
    validate_schema(schema)

    assert schema["openapi"].startswith("3.")


def test_schema_lists_every_endpoint_with_its_methods(schema: dict[str, Any]) -> None:
    assert set(schema["paths"]) == api_paths()
    assert "post" in schema["paths"]["/api/v1/tasks/{id}/records/"]
    assert "post" in schema["paths"]["/api/v1/docking/reports/"]
    assert set(schema["paths"]["/api/v1/firms/"]) == {"get"}


def test_schema_describes_endpoints_and_filters_in_chinese(
    schema: dict[str, Any],
) -> None:
    firms = schema["paths"]["/api/v1/firms/"]["get"]
    params = {p["name"]: p for p in firms["parameters"]}

    assert schema["info"]["title"].startswith("吉林省")
    assert firms["description"].startswith("企业列表")
    assert {"city", "county", "domain", "flagged", "q", "cursor", "page_size"} <= set(
        params
    )
    assert "市（州）" in params["city"]["description"]


def test_schema_names_token_authentication(schema: dict[str, Any]) -> None:
    schemes = schema["components"]["securitySchemes"]

    assert schemes["tokenAuth"]["type"] == "apiKey"


def test_schema_needs_credentials(world: World) -> None:
    assert world.client(None).get("/api/schema/").status_code == 401
