"""Every API read of a record and every list page is on the audit trail."""

from __future__ import annotations

import pytest

from finsentry.accounts.models import AuditEntry
from tests.api.conftest import World

pytestmark = pytest.mark.django_db


def reads(world: World) -> dict[str, tuple[str, str]]:
    """Return URL → (audit action, object type) of each detail endpoint."""
    finding = world.yanji.findings.first()
    assert finding is not None
    return {
        f"/api/v1/firms/{world.yanji.uscc}/": ("firm.view", "registry.firm"),
        f"/api/v1/findings/{finding.pk}/": ("finding.view", "rules.finding"),
        f"/api/v1/cases/{world.yanji_task.case_id}/": ("case.view", "cases.case"),
        f"/api/v1/tasks/{world.yanji_task.pk}/": (
            "task.view",
            "cases.verificationtask",
        ),
    }


def test_each_detail_read_writes_an_entry_with_user_firm_and_channel(
    world: World,
) -> None:
    client = world.client("yj-inspector")
    before = AuditEntry.objects.count()

    for url in reads(world):
        assert client.get(url, REMOTE_ADDR="10.22.4.1").status_code == 200

    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert [(e.action, e.object_type) for e in entries] == list(reads(world).values())
    for entry in entries:
        assert entry.username == "yj-inspector"
        assert entry.firm_uscc == world.yanji.uscc
        assert entry.ip_address == "10.22.4.1"
        assert entry.detail["channel"] == "api"


@pytest.mark.parametrize("resource", ["firms", "findings", "cases", "tasks"])
def test_each_list_page_writes_an_entry_with_filters_and_rows(
    world: World, resource: str
) -> None:
    world.client("analyst").get(f"/api/v1/{resource}/?page_size=1")

    entry = AuditEntry.objects.get(action="api.list")
    assert entry.username == "analyst"
    assert entry.detail["resource"] == resource
    assert entry.detail["rows"] <= 1


def test_list_entry_keeps_the_filters(world: World) -> None:
    world.client("analyst").get("/api/v1/firms/?city=2224&flagged=true")

    entry = AuditEntry.objects.get(action="api.list")
    assert entry.detail["filters"] == {"city": "2224", "flagged": True}
    assert entry.detail["rows"] == 1


def test_refused_read_writes_no_entry(world: World) -> None:
    before = AuditEntry.objects.count()

    world.client("yj-inspector").get(f"/api/v1/firms/{world.changchun.uscc}/")

    assert AuditEntry.objects.filter(action="firm.view").count() == 0
    assert AuditEntry.objects.count() == before + 1  # the token issued
