"""List filters, keyset paging with its size cap, and the one error shape."""

from __future__ import annotations

import pytest

from finsentry.api.pagination import MAX_PAGE_SIZE
from finsentry.registry.models import Firm
from tests.api.conftest import World, plant_firm

pytestmark = pytest.mark.django_db


def codes(world: World, url: str, login: str = "analyst") -> list[str]:
    response = world.client(login).get(url)
    assert response.status_code == 200, response.json()
    return [row.get("uscc") or row["firm"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("city=2224", ["yanji"]),
        ("county=220102", ["changchun"]),
        ("q=汇财", ["changchun"]),
        ("domain=p2p", ["yanji", "changchun"]),
        ("domain=insurance", []),
        ("flagged=false", []),
    ],
)
def test_firm_filters(world: World, query: str, expected: list[str]) -> None:
    names = {"yanji": world.yanji.uscc, "changchun": world.changchun.uscc}

    found = codes(world, f"/api/v1/firms/?{query}")

    assert found == [names[n] for n in expected]


def test_unflagged_firms_are_listed_without_the_flag_filter(world: World) -> None:
    plain = plant_firm(3, "220102", "长春市安心餐饮有限公司")
    Firm.objects.filter(pk=plain.pk).update(flagged=False)

    everyone = codes(world, "/api/v1/firms/")
    watched = codes(world, "/api/v1/firms/?flagged=true")

    assert plain.uscc in everyone
    assert plain.uscc not in watched


def test_finding_filters(world: World) -> None:
    uscc = world.yanji.uscc

    patrol = codes(world, f"/api/v1/findings/?firm={uscc.lower()}&source=patrol")
    coded = codes(world, "/api/v1/findings/?code=P2P-05")

    assert patrol == [uscc]
    assert sorted(coded) == sorted([world.yanji.uscc, world.changchun.uscc])


def test_case_filters(world: World) -> None:
    assert codes(world, "/api/v1/cases/?city=2201") == [world.changchun.uscc]
    assert codes(world, f"/api/v1/cases/?firm={world.yanji.uscc}") == [world.yanji.uscc]
    assert codes(world, "/api/v1/cases/?state=closed") == []


def test_bad_filter_is_400_naming_the_field(world: World) -> None:
    response = world.client("analyst").get("/api/v1/firms/?city=22&domain=nope")

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"city", "domain"}


def test_pages_follow_the_cursor_to_the_end(world: World) -> None:
    client = world.client("analyst")

    first = client.get("/api/v1/firms/?page_size=1").json()
    second = client.get(first["next"]).json()

    seen = [first["results"][0]["uscc"], second["results"][0]["uscc"]]
    assert seen == [world.yanji.uscc, world.changchun.uscc]
    assert second["next"] is None


def test_page_size_is_capped(world: World) -> None:
    for index in range(MAX_PAGE_SIZE + 1 - Firm.objects.count()):
        plant_firm(100 + index, "222401", f"延吉市第{index}网贷有限公司")

    page = world.client("analyst").get(f"/api/v1/firms/?page_size={MAX_PAGE_SIZE * 2}")

    assert len(page.json()["results"]) == MAX_PAGE_SIZE
    assert page.json()["next"] is not None


def test_firm_detail_has_findings_by_code_and_no_score_before_scoring(
    world: World,
) -> None:
    detail = world.client("analyst").get(f"/api/v1/firms/{world.yanji.uscc}/").json()

    assert {f["code"]: f["open"] for f in detail["findings"]} == {
        "P2P-05": 1,
        "REG-01": 1,
    }
    assert detail["risk"] is None
