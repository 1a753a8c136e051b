"""The API's scope is the staff interface's: 延吉 staff never see 长春 records."""

from __future__ import annotations

import pytest

from tests.api.conftest import World

pytestmark = pytest.mark.django_db


def listed(world: World, login: str, url: str, key: str = "firm") -> set[str]:
    """Return the firm codes a list shows `login`."""
    response = world.client(login).get(url)
    assert response.status_code == 200
    return {row[key] for row in response.json()["results"]}


@pytest.mark.parametrize("login", ["yj-inspector", "yj-officer", "yanbian"])
@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("/api/v1/firms/", "uscc"),
        ("/api/v1/findings/", "firm"),
        ("/api/v1/cases/", "firm"),
        ("/api/v1/tasks/?scope=all", "firm"),
    ],
)
def test_yanji_staff_list_only_yanji_records(
    world: World, login: str, url: str, key: str
) -> None:
    assert listed(world, login, url, key) == {world.yanji.uscc}


@pytest.mark.parametrize("login", ["analyst", "leader", "p2p", "root"])
def test_provincial_and_p2p_staff_list_both_firms(world: World, login: str) -> None:
    seen = listed(world, login, "/api/v1/firms/", "uscc")

    assert seen == {world.yanji.uscc, world.changchun.uscc}


def test_another_domain_office_sees_neither_p2p_firm_nor_case(world: World) -> None:
    assert listed(world, "insurance", "/api/v1/firms/", "uscc") == set()
    assert listed(world, "insurance", "/api/v1/cases/") == set()


def detail_urls(world: World) -> dict[str, str]:
    """Return the detail URL of each kind of record of the 长春 firm."""
    firm = world.changchun
    finding = firm.findings.first()
    assert finding is not None
    return {
        "firm": f"/api/v1/firms/{firm.uscc}/",
        "finding": f"/api/v1/findings/{finding.pk}/",
        "case": f"/api/v1/cases/{world.changchun_task.case_id}/",
        "task": f"/api/v1/tasks/{world.changchun_task.pk}/",
    }


@pytest.mark.parametrize("kind", ["firm", "finding", "case", "task"])
def test_changchun_record_is_404_for_yanji_inspector(world: World, kind: str) -> None:
    url = detail_urls(world)[kind]

    refused = world.client("yj-inspector").get(url)
    allowed = world.client("cc-inspector").get(url)

    assert refused.status_code == 404
    assert refused.json()["code"] == "not_found"
    assert allowed.status_code == 200


def test_changchun_task_result_is_404_for_yanji_inspector(world: World) -> None:
    url = f"/api/v1/tasks/{world.changchun_task.pk}/records/"
    body = {"outcome": "not_confirmed", "notes": "无", "checked_on": "2026-12-01"}

    response = world.client("yj-inspector").post(url, body, format="json")

    assert response.status_code == 404
    assert not world.changchun_task.records.exists()


def test_unknown_firm_reads_as_out_of_scope_one(world: World) -> None:
    response = world.client("analyst").get("/api/v1/firms/91220000MA0000000X/")

    assert response.status_code == 404
