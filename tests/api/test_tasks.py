"""Recording a verification result through the API: who may, and what it writes."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from finsentry.accounts.models import AuditEntry
from finsentry.cases.models import VerificationRecord
from finsentry.cases.transitions import TaskState
from finsentry.rules.models import Finding
from tests.api.conftest import World

pytestmark = pytest.mark.django_db


def result(**changes: Any) -> dict[str, Any]:
    """Return a valid result of a site visit, with `changes`."""
    body = {
        "outcome": "confirmed",
        "notes": "现场张贴保本保息宣传",
        "checked_on": timezone.localdate().isoformat(),
        "place": "延吉市光明街 1 号",
        "confirmed_codes": ["P2P-05"],
    }
    return {**body, **changes}


def post(world: World, login: str, body: dict[str, Any]) -> Any:
    url = f"/api/v1/tasks/{world.yanji_task.pk}/records/"
    return world.client(login).post(url, body, format="json")


@pytest.mark.parametrize("login", ["yj-inspector", "yj-officer", "root"])
def test_assigned_office_records_the_result(world: World, login: str) -> None:
    response = post(world, login, result())

    assert response.status_code == 201
    assert response.json()["outcome"] == "confirmed"
    world.yanji_task.refresh_from_db()
    assert world.yanji_task.state == TaskState.DONE
    verified = Finding.objects.get(firm=world.yanji, source="verify")
    assert verified.code == "P2P-05"
    assert AuditEntry.objects.filter(action="task.record").count() == 1


@pytest.mark.parametrize(
    ("login", "code"),
    [
        ("leader", "permission_denied"),
        ("analyst", "permission_denied"),
        ("p2p", "permission_denied"),
        ("yanbian", "out_of_scope"),
    ],
)
def test_others_are_refused_with_403_and_nothing_is_written(
    world: World, login: str, code: str
) -> None:
    response = post(world, login, result())

    assert response.status_code == 403
    assert response.json()["code"] == code
    assert not VerificationRecord.objects.exists()
    assert not Finding.objects.filter(source="verify").exists()


def test_second_record_supplements_the_done_task(world: World) -> None:
    post(world, "yj-inspector", result())

    response = post(world, "yj-officer", result(outcome="not_operating"))

    assert response.status_code == 201
    assert world.yanji_task.records.count() == 2


def test_bad_fields_are_400_naming_each_field(world: World) -> None:
    response = post(world, "yj-inspector", result(outcome="maybe", notes=""))

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"outcome", "notes"}
    assert not VerificationRecord.objects.exists()


def test_future_check_date_is_refused_by_the_workflow(world: World) -> None:
    tomorrow = timezone.localdate().toordinal() + 1
    future = timezone.localdate().fromordinal(tomorrow).isoformat()

    response = post(world, "yj-inspector", result(checked_on=future))

    assert response.status_code == 400
    assert response.json()["code"] == "precondition_failed"


def test_cancelled_task_takes_no_result(world: World) -> None:
    from finsentry.cases import services

    services.cancel_task(world.users["analyst"], world.yanji_task, "重复下达")

    response = post(world, "yj-inspector", result())

    assert response.status_code == 409
    assert response.json()["code"] == "wrong_state"


def test_my_tasks_are_the_offices_open_ones(world: World) -> None:
    mine = world.client("yj-inspector").get("/api/v1/tasks/")
    post(world, "yj-inspector", result())

    after = world.client("yj-inspector").get("/api/v1/tasks/")
    done = world.client("yj-inspector").get("/api/v1/tasks/?scope=done")

    assert [t["id"] for t in mine.json()["results"]] == [world.yanji_task.pk]
    assert after.json()["results"] == []
    assert [t["id"] for t in done.json()["results"]] == [world.yanji_task.pk]


def test_task_detail_shows_the_record(world: World) -> None:
    post(world, "yj-inspector", result())

    detail = world.client("analyst").get(f"/api/v1/tasks/{world.yanji_task.pk}/")

    records = detail.json()["records"]
    assert [r["outcome"] for r in records] == ["confirmed"]
    assert records[0]["recorded_by"] == "yj-inspector"


def test_reading_the_records_endpoint_is_405(world: World) -> None:
    url = f"/api/v1/tasks/{world.yanji_task.pk}/records/"

    response = world.client("yj-inspector").get(url)

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
