"""What goes on record, the administrators' audit page, its exports, retention."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from finsentry.accounts.models import AuditEntry
from finsentry.accounts.roles import Role
from finsentry.accounts.services import create_staff, place_user
from finsentry.registry import services
from finsentry.rules.models import Finding, RulePack
from finsentry.rules.packs import packaged_pack_texts
from tests.accounts.matrix import ADMIN, ANALYST, COUNTY, INSPECTOR
from tests.accounts.matrix.world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings: Any, tmp_path: Any) -> Any:
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    settings.DATA_DIR = tmp_path
    services._index = None
    yield build_world()
    services._index = None


def _actions(user: User) -> list[str]:
    """Return the user's recorded actions in order, logins left out."""
    entries = AuditEntry.objects.filter(user=user).exclude(action__startswith="auth.")
    return list(entries.order_by("id").values_list("action", flat=True))


def test_reads_and_exports_of_firms_are_on_record(world: World) -> None:
    client = world.client(COUNTY)
    user = world.users[COUNTY]

    client.get(reverse("registry:firm", args=[world.yanji.uscc]))
    b"".join(client.get(reverse("registry:export_csv"), {"city": "2224"}))
    client.get(reverse("registry:match"), {"q": "鑫融网贷"})
    client.get(reverse("patrol:snapshot", args=[world.yanji_shot.pk]))

    assert _actions(user) == [
        "firm.view",
        "firm.export",
        "firm.search",
        "patrol.snapshot_view",
    ]
    entries = AuditEntry.objects.filter(user=user).exclude(action="auth.login")
    view, export = entries.order_by("id")[:2]
    assert view.firm_uscc == world.yanji.uscc
    assert export.detail["format"] == "csv"
    assert "导出人：m-county" in export.detail["mark"]


def test_a_refused_or_hidden_read_leaves_no_firm_view(world: World) -> None:
    client = world.client(INSPECTOR)

    client.get(reverse("registry:firm", args=[world.changchun.uscc]))

    assert "firm.view" not in _actions(world.users[INSPECTOR])


def test_patrol_actions_are_on_record(world: World) -> None:
    client = world.client(ANALYST)
    site = world.unlinked_site

    client.post(
        reverse("patrol:robots", args=[site.pk]),
        {"ignore_robots": "on", "reason": "举报核查"},
    )
    client.post(reverse("patrol:link", args=[site.pk]), {"uscc": world.yanji.uscc})
    client.post(
        reverse("patrol:add_sites"), {"urls": "http://x1.example/", "source": "manual"}
    )

    assert _actions(world.users[ANALYST])[-3:] == [
        "patrol.robots",
        "patrol.link",
        "patrol.sites_added",
    ]
    link = AuditEntry.objects.get(action="patrol.link")
    assert link.firm_uscc == world.yanji.uscc
    assert link.object_id == str(site.pk)


def test_role_changes_are_on_record_with_before_and_after(world: World) -> None:
    user = world.users[INSPECTOR]

    place_user(user, "county-222402", Role.LOCAL_OFFICER)

    entry = AuditEntry.objects.filter(action="account.role").latest("id")
    assert entry.detail == {
        "account": "m-inspector",
        "office_before": "county-222401",
        "role_before": "inspector",
        "office": "county-222402",
        "role": "local_officer",
    }


def test_admin_dismissal_and_rule_pack_edit_are_on_record(world: World) -> None:
    client = world.client(ADMIN)
    finding = world.changchun.findings.get()
    text = packaged_pack_texts()["p2p.yaml"].replace('version: "', 'version: "9')

    client.post(
        f"/admin/rules/finding/{finding.pk}/change/",
        {"dismissed_reason": "持牌机构分支"},
    )
    client.post(
        "/admin/rules/rulepack/add/",
        {"name": "p2p", "version": "", "yaml_text": text, "active": "on"},
    )
    client.post(
        f"/admin/auth/user/{world.users[INSPECTOR].pk}/change/",
        {"username": "m-inspector", "is_active": "on"},
    )

    dismissal = AuditEntry.objects.get(action="finding.dismiss")
    assert dismissal.username == "m-admin"
    assert dismissal.firm_uscc == world.changchun.uscc
    assert dismissal.detail["reason"] == "持牌机构分支"
    assert Finding.objects.get(pk=finding.pk).dismissed_at is not None
    assert RulePack.objects.filter(name="p2p").exists()
    edit = AuditEntry.objects.get(action="rules.edit")
    assert (edit.username, edit.detail["pack"]) == ("m-admin", "p2p")
    assert not AuditEntry.objects.filter(
        action="admin.change", detail__model="rules.finding"
    ).exists()


def test_audit_page_searches_by_user_action_firm_and_date(world: World) -> None:
    client = world.client(ADMIN)
    world.client(ANALYST).post(reverse("logout"))
    old = AuditEntry(
        action="firm.view", username="m-analyst", at=timezone.now() - timedelta(10)
    )
    old.save()

    def rows(**query: str) -> list[AuditEntry]:
        response = client.get(reverse("accounts:audit"), query)
        assert response.status_code == 200
        return [entry for entry, _, _ in response.context["rows"]]

    by_user = rows(user="m-analyst")
    by_firm = rows(firm=world.changchun.uscc)
    by_name = rows(firm="汇财")
    today = f"{timezone.localdate():%Y-%m-%d}"
    recent = rows(user="m-analyst", since=today, until=today)

    assert {e.username for e in by_user} == {"m-analyst"} and len(by_user) == 4
    assert [e.action for e in by_firm] == ["firm.view"]
    assert by_name == by_firm
    assert old not in recent and len(recent) == 3
    logins = rows(action="auth")
    assert logins and {e.action for e in logins} <= {"auth.login", "auth.logout"}


def test_audit_exports_carry_the_exporter_and_time(world: World) -> None:
    client = world.client(ADMIN)

    csv_text = b"".join(
        client.get(reverse("accounts:audit_export_csv"), {"user": "m-analyst"})
    ).decode("utf-8-sig")
    response = client.get(reverse("accounts:audit_export_xlsx"))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    first = book.active["A1"].value

    assert csv_text.splitlines()[0].startswith("导出人：m-admin")
    assert "查看企业档案" in csv_text and world.changchun.uscc in csv_text
    assert first.startswith("导出人：m-admin") and "导出时间：" in first
    assert AuditEntry.objects.filter(action="audit.export").count() == 2


def test_the_admin_shows_entries_but_cannot_add_change_or_delete(
    world: World,
) -> None:
    client = world.client(ADMIN)
    entry = AuditEntry.objects.first()
    base = "/admin/accounts/auditentry/"

    assert client.get(base).status_code == 200
    assert client.get(f"{base}{entry.pk}/change/").status_code == 200
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    changed = client.post(f"{base}{entry.pk}/change/", {"action": "x"})
    assert changed.status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == entry.action


def test_prune_refuses_anything_younger_than_180_days(db: None) -> None:
    too_recent = timezone.localdate() - timedelta(days=179)

    with pytest.raises(CommandError, match="至少保存 180 天"):
        call_command("prune_audit", "--before", f"{too_recent:%Y-%m-%d}")


def test_prune_deletes_only_entries_past_the_date(db: None) -> None:
    analyst = create_staff("a1", "jilin-2016-test", "province", Role.ANALYST)
    for days in (400, 200, 10):
        AuditEntry(
            action="firm.view", user=analyst, at=timezone.now() - timedelta(days)
        ).save()
    before = timezone.localdate() - timedelta(days=300)
    out = io.StringIO()

    call_command("prune_audit", "--before", f"{before:%Y-%m-%d}", stdout=out)

    ages = sorted(
        (timezone.now() - at).days
        for at in AuditEntry.objects.filter(action="firm.view").values_list(
            "at", flat=True
        )
    )
    assert ages == [10, 200]
    assert "已删除" in out.getvalue() and "1 条" in out.getvalue()
    assert AuditEntry.objects.filter(action="audit.prune").exists()


def test_prune_refuses_a_bad_date(db: None) -> None:
    with pytest.raises(CommandError, match="无法识别的日期"):
        call_command("prune_audit", "--before", "2026-13-01")


def test_account_page_shows_office_role_scope_and_recent_logins(
    world: World,
) -> None:
    client = Client()
    client.post(reverse("login"), {"username": "m-inspector", "password": "bad"})
    user = world.users[INSPECTOR]
    client.force_login(user)

    html = client.get(reverse("accounts:account")).content.decode()

    assert "延边朝鲜族自治州延吉市互联网金融风险专项整治工作领导小组办公室" in html
    assert "核查人员" in html
    assert "延边朝鲜族自治州延吉市 · 全部领域" in html
    assert html.count('<td data-label="结果">') == 2
    assert "失败" in html and "成功" in html
    assert "second-factor" not in html
