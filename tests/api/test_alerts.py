"""The alert endpoints: scope, filters, the detail's evidence and history,
refusals, the audit trail and the schema."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from finsentry.accounts.models import AuditEntry
from finsentry.alerts import services as alerts
from finsentry.alerts.models import Alert, State
from finsentry.rules.models import Finding
from tests.alerts.conftest import critical_finding
from tests.api.conftest import World

pytestmark = pytest.mark.django_db

LIST = "/api/v1/alerts/"


@pytest.fixture
def raised(world: World) -> dict[str, Alert]:
    """Raise a critical P2P alert on each firm, as the hourly sweep does."""
    findings = {
        "yanji": critical_finding(world.yanji),
        "changchun": critical_finding(world.changchun),
    }
    alerts.sweep()
    return {key: Alert.objects.get(firm=f.firm) for key, f in findings.items()}


def listed(world: World, query: str = "", login: str = "analyst") -> list[str]:
    """Return the firm codes of the alerts a list page shows `login`."""
    response = world.client(login).get(f"{LIST}?{query}")
    assert response.status_code == 200, response.json()
    return [row["firm"] for row in response.json()["results"]]


@pytest.mark.parametrize("login", ["yj-inspector", "yj-officer", "yanbian"])
def test_yanji_staff_list_only_alerts_on_yanji_firms(
    world: World, raised: dict[str, Alert], login: str
) -> None:
    assert listed(world, login=login) == [world.yanji.uscc]


@pytest.mark.parametrize("login", ["analyst", "leader", "p2p", "root"])
def test_provincial_and_p2p_staff_list_both_alerts(
    world: World, raised: dict[str, Alert], login: str
) -> None:
    seen = listed(world, login=login)

    assert sorted(seen) == sorted([world.yanji.uscc, world.changchun.uscc])


def test_another_domain_office_lists_no_p2p_alert(
    world: World, raised: dict[str, Alert]
) -> None:
    assert listed(world, login="insurance") == []


def test_changchun_alert_is_404_for_yanji_inspector(
    world: World, raised: dict[str, Alert]
) -> None:
    url = f"{LIST}{raised['changchun'].pk}/"

    refused = world.client("yj-inspector").get(url)
    allowed = world.client("cc-inspector").get(url)

    assert refused.status_code == 404
    assert refused.json()["code"] == "not_found"
    assert allowed.status_code == 200


def test_unknown_alert_is_404(world: World) -> None:
    response = world.client("analyst").get(f"{LIST}999999/")

    assert response.status_code == 404


@pytest.mark.parametrize("path", ["", "1/"])
def test_alerts_need_credentials(world: World, path: str) -> None:
    response = world.client(None).get(f"{LIST}{path}")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("path", ["", "1/"])
def test_login_without_office_is_403(world: World, path: str) -> None:
    nobody = APIClient()
    nobody.force_authenticate(world.users["nobody"])

    response = nobody.get(f"{LIST}{path}")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_state_filter_lists_open_or_one_state(
    world: World, raised: dict[str, Alert]
) -> None:
    Alert.objects.filter(pk=raised["changchun"].pk).update(state=State.DISMISSED)
    both = sorted([world.yanji.uscc, world.changchun.uscc])

    assert sorted(listed(world)) == both
    assert listed(world, "state=open") == [world.yanji.uscc]
    assert listed(world, "state=dismissed") == [world.changchun.uscc]
    assert listed(world, "state=handed") == []


def test_level_domain_and_firm_filters(world: World, raised: dict[str, Alert]) -> None:
    Alert.objects.filter(pk=raised["changchun"].pk).update(level="high")
    lowered = world.yanji.uscc.lower()

    assert listed(world, "level=critical") == [world.yanji.uscc]
    assert listed(world, "level=high") == [world.changchun.uscc]
    assert len(listed(world, "domain=p2p")) == 2
    assert listed(world, "domain=insurance") == []
    assert listed(world, f"firm={lowered}") == [world.yanji.uscc]


def test_overdue_filter_lists_open_alerts_past_their_time_limit(
    world: World, raised: dict[str, Alert]
) -> None:
    past = timezone.now() - timedelta(hours=1)
    Alert.objects.filter(pk=raised["yanji"].pk).update(due_at=past)
    Alert.objects.filter(pk=raised["changchun"].pk).update(
        due_at=past, state=State.DISMISSED
    )

    rows = world.client("analyst").get(f"{LIST}?overdue=true").json()["results"]

    assert [(r["firm"], r["overdue"]) for r in rows] == [(world.yanji.uscc, True)]


def test_bad_filter_is_400_naming_the_field(world: World) -> None:
    response = world.client("analyst").get(f"{LIST}?level=severe&state=lost")

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"level", "state"}


def test_pages_follow_the_cursor_in_id_order(
    world: World, raised: dict[str, Alert]
) -> None:
    client = world.client("analyst")

    first = client.get(f"{LIST}?page_size=1").json()
    second = client.get(first["next"]).json()

    ids = [first["results"][0]["id"], second["results"][0]["id"]]
    assert ids == sorted(a.pk for a in raised.values())
    assert second["next"] is None


def test_list_row_names_firm_level_state_and_office(
    world: World, raised: dict[str, Alert]
) -> None:
    rows = world.client("yj-inspector").get(LIST).json()["results"]

    row = rows[0]
    assert row["reference"] == raised["yanji"].reference
    assert row["firm_name"] == world.yanji.name
    assert (row["level"], row["level_label"]) == ("critical", "严重")
    assert (row["state"], row["state_label"]) == ("new", "待处理")
    assert (row["kind"], row["domain_label"]) == ("finding", "P2P 网络借贷")
    assert row["office"] == raised["yanji"].office.name
    assert row["is_open"] is True and row["overdue"] is False


def test_detail_explains_the_alert(world: World, raised: dict[str, Alert]) -> None:
    alert = raised["yanji"]
    finding = Finding.objects.get(firm=world.yanji, code="P2P-01")

    body = world.client("yj-inspector").get(f"{LIST}{alert.pk}/").json()

    assert body["reference"] == alert.reference
    assert (body["firm"], body["firm_name"]) == (world.yanji.uscc, world.yanji.name)
    assert body["title"] == alert.title
    [item] = body["evidence"]
    assert item["kind"] == "finding" and item["kind_label"] == "严重违规发现"
    assert item["findings"] == [finding.pk]
    assert item["text"]
    routed = {o["code"] for o in body["offices"]}
    assert {"county-222401", "city-2224", "domain-p2p", "province"} <= routed
    assert body["office_code"] == "county-222401"
    assert body["due_at"] is not None and body["overdue"] is False
    assert body["escalation"] == 0
    assert (body["task"], body["case"], body["dismissed_reason"]) == (None, None, "")
    assert [e["kind"] for e in body["events"]] == ["raised"]
    assert body["events"][0]["actor"] is None


def test_detail_shows_a_dismissal_with_its_reason_and_actor(
    world: World, raised: dict[str, Alert]
) -> None:
    officer = world.users["yj-officer"]
    alerts.dismiss(officer, raised["yanji"], reason="资金监测数据有误")

    body = world.client("yj-inspector").get(f"{LIST}{raised['yanji'].pk}/").json()

    assert (body["state"], body["is_open"]) == ("dismissed", False)
    assert body["dismissed_reason"] == "资金监测数据有误"
    last = body["events"][-1]
    assert (last["kind"], last["kind_label"]) == ("dismiss", "排除预警")
    assert (last["from_state"], last["to_state"]) == ("new", "dismissed")
    assert last["actor"] == "yj-officer"


def test_detail_read_is_audited_as_alert_view_on_the_api_channel(
    world: World, raised: dict[str, Alert]
) -> None:
    alert = raised["yanji"]

    world.client("yj-inspector").get(f"{LIST}{alert.pk}/", REMOTE_ADDR="10.22.4.1")

    entry = AuditEntry.objects.get(action="alert.view")
    assert (entry.object_type, entry.object_id) == ("alerts.alert", str(alert.pk))
    assert entry.username == "yj-inspector"
    assert entry.firm_uscc == world.yanji.uscc
    assert entry.ip_address == "10.22.4.1"
    assert entry.detail["channel"] == "api"


def test_refused_detail_writes_no_entry(world: World, raised: dict[str, Alert]) -> None:
    world.client("yj-inspector").get(f"{LIST}{raised['changchun'].pk}/")

    assert not AuditEntry.objects.filter(action="alert.view").exists()


def test_list_page_is_audited_with_filters_and_rows(
    world: World, raised: dict[str, Alert]
) -> None:
    world.client("analyst").get(f"{LIST}?level=critical&state=open&page_size=1")

    entry = AuditEntry.objects.get(action="api.list")
    assert entry.username == "analyst"
    assert entry.detail["resource"] == "alerts"
    assert entry.detail["filters"] == {
        "level": "critical",
        "state": "open",
        "overdue": False,
    }
    assert entry.detail["rows"] == 1
    assert entry.detail["channel"] == "api"


def test_schema_describes_both_endpoints_in_chinese(world: World) -> None:
    schema = world.client("yj-inspector").get("/api/schema/?format=json").json()

    listing = schema["paths"]["/api/v1/alerts/"]
    detail = schema["paths"]["/api/v1/alerts/{id}/"]
    params = {p["name"] for p in listing["get"]["parameters"]}
    assert set(listing) == {"get"} and set(detail) == {"get"}
    assert listing["get"]["description"].startswith("预警列表")
    assert detail["get"]["description"].startswith("一条预警")
    assert {"state", "domain", "level", "overdue", "firm", "cursor"} <= params
