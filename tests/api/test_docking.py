"""Submitting monthly operating data: accepted rows stored, bad rows named and not."""

from __future__ import annotations

from typing import Any

import pytest

from finsentry.accounts.models import AuditEntry
from finsentry.docking.models import Platform, PlatformReport
from tests.api.conftest import World

pytestmark = pytest.mark.django_db

URL = "/api/v1/docking/reports/"


def row(platform: str, month: str, **changes: Any) -> dict[str, Any]:
    """Return one valid month of a platform's operating data, with `changes`."""
    values = {
        "platform": platform,
        "month": month,
        "volume": 1200.5,
        "balance": 8800,
        "lenders": 3200,
        "borrowers": 410,
        "avg_yield": 12.5,
        "avg_term": 6,
        "avg_lend_amount": 2.75,
        "avg_borrow_amount": 21.5,
        "fill_minutes": 35,
        "net_inflow_30d": -120,
        "top10_lender_share": 8.5,
        "top10_borrower_share": 22,
    }
    return {**values, **changes}


def test_valid_rows_are_stored_and_counted(world: World) -> None:
    rows = [row(world.yanji.uscc, "2018-01"), row(world.yanji.uscc, "2018-02")]

    response = world.client("p2p").post(URL, rows, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["received"], body["accepted"], body["rejected"]) == (2, 2, 0)
    assert body["inserted"] == 2 and body["rejects"] == []
    months = PlatformReport.objects.filter(platform__firm=world.yanji)
    assert sorted(months.values_list("month", flat=True)) == ["2018-01", "2018-02"]


def test_bad_rows_are_named_by_index_field_and_reason_and_not_stored(
    world: World,
) -> None:
    rows = [
        row(world.yanji.uscc, "2018-01"),
        row("JLP2P-00077", "2018-13", avg_yield="abc"),
        row("JLP2P-00078", "2018-02", lenders=None),
    ]

    response = world.client("analyst").post(URL, rows, format="json")

    body = response.json()
    assert (body["accepted"], body["rejected"]) == (1, 2)
    named = {(r["row"], r["field"]) for r in body["rejects"]}
    assert named == {(1, "month"), (1, "avg_yield"), (2, "lenders")}
    reasons = {r["field"]: r["reason"] for r in body["rejects"]}
    assert "abc" in reasons["avg_yield"]
    assert reasons["lenders"] == "必填项为空"
    assert PlatformReport.objects.count() == 1
    assert not Platform.objects.filter(key__in=["JLP2P-00077", "JLP2P-00078"]).exists()


def test_rows_may_come_wrapped_in_an_object(world: World) -> None:
    body = {"rows": [row("JLP2P-00001", "2018-05")]}

    response = world.client("root").post(URL, body, format="json")

    assert response.json()["accepted"] == 1


def test_resubmitted_month_is_unchanged_not_duplicated(world: World) -> None:
    client = world.client("p2p")
    client.post(URL, [row("JLP2P-00001", "2018-05")], format="json")

    again = client.post(URL, [row("JLP2P-00001", "2018-05")], format="json")

    assert again.json()["unchanged"] == 1
    assert PlatformReport.objects.count() == 1


@pytest.mark.parametrize(
    "body", [{"platform": "JLP2P-00001"}, [], ["not a row"], "text"]
)
def test_malformed_submission_is_400(world: World, body: Any) -> None:
    response = world.client("p2p").post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "submission_malformed"
    assert not PlatformReport.objects.exists()


@pytest.mark.parametrize("login", ["yj-inspector", "yanbian", "leader"])
def test_staff_without_the_grant_are_refused(world: World, login: str) -> None:
    response = world.client(login).post(URL, [row("JLP2P-1", "2018-05")], format="json")

    assert response.status_code == 403
    assert not PlatformReport.objects.exists()


def test_an_office_of_another_domain_may_not_submit_lending_reports(
    world: World,
) -> None:
    response = world.client("insurance").post(
        URL, [row("JLP2P-1", "2018-05")], format="json"
    )

    assert response.status_code == 403
    assert "网络借贷" in response.json()["detail"]
    assert not PlatformReport.objects.exists()


def test_submission_is_on_the_audit_trail(world: World) -> None:
    rows = [row("JLP2P-00001", "2018-05"), row("JLP2P-00002", "2018-99")]

    world.client("p2p").post(URL, rows, format="json")

    entry = AuditEntry.objects.get(action="docking.submit")
    assert entry.username == "p2p"
    assert (entry.detail["accepted"], entry.detail["rejected"]) == (1, 1)
    assert entry.detail["channel"] == "api"
