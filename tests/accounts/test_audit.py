"""The audit service and the append-only trail, in the ORM and in the database."""

from datetime import timedelta
from typing import cast

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.utils import timezone

from finsentry.accounts import audit
from finsentry.accounts.auditguard import unsealed
from finsentry.accounts.models import AuditEntry, AuditEntryReadOnly
from finsentry.accounts.roles import Role
from finsentry.accounts.services import create_staff
from finsentry.registry.models import Firm
from finsentry.registry.uscc import make_code
from finsentry.rules.models import Finding

pytestmark = pytest.mark.django_db
PASSWORD = "jilin-2016-test"


@pytest.fixture
def firm() -> Firm:
    code = make_code("91", "222401", "MA000001")
    return Firm.objects.create(
        uscc=code, name="延吉鑫融网贷有限公司", city_code="2224", county_code="222401"
    )


@pytest.fixture
def analyst() -> User:
    staff = create_staff("analyst", PASSWORD, "province", Role.ANALYST)
    return cast(User, staff)


def test_record_from_a_request_keeps_user_origin_firm_and_detail(
    analyst: User, firm: Firm
) -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.22.1.7", HTTP_USER_AGENT="Mozilla/5.0 测试"
    )
    request.user = analyst

    entry = audit.record(request, "firm.export", firm, format="xlsx", rows=3)

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.username == "analyst"
    assert stored.user == analyst
    assert stored.action == "firm.export"
    assert (stored.object_type, stored.object_id) == ("registry.firm", str(firm.pk))
    assert stored.firm_uscc == firm.uscc
    assert stored.detail == {"format": "xlsx", "rows": 3}
    assert stored.ip_address == "10.22.1.7"
    assert stored.user_agent == "Mozilla/5.0 测试"


def test_record_takes_the_firm_of_a_record_hanging_off_it(
    analyst: User, firm: Firm
) -> None:
    seen = timezone.now()
    finding = Finding.objects.create(
        firm=firm,
        code="P2P-05",
        domain="p2p",
        source="patrol",
        rule="r",
        rule_version="p2p@1",
        fingerprint="audit-f",
        first_seen=seen,
        last_seen=seen,
    )

    entry = audit.record(analyst, "finding.dismiss", finding, reason="误报")

    assert entry.firm_uscc == firm.uscc
    assert entry.object_type == "rules.finding"
    assert entry.ip_address is None


def test_record_from_a_user_uses_the_request_being_served(analyst: User) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.4")
    request.user = analyst

    with audit.bound_request(request):
        entry = audit.record(analyst, "patrol.round")

    assert entry.ip_address == "192.0.2.4"


def test_system_entries_have_no_user() -> None:
    entry = audit.record(None, "audit.prune", before="2026-01-01")

    assert entry.user is None
    assert entry.username == ""


def test_forwarded_address_is_trusted_only_behind_a_proxy(settings) -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.9"
    )
    settings.FINSENTRY_BEHIND_PROXY = False
    assert audit.client_ip(request) == "127.0.0.1"
    settings.FINSENTRY_BEHIND_PROXY = True
    assert audit.client_ip(request) == "10.0.0.9"


def test_entries_cannot_be_changed_or_deleted_through_the_orm(analyst: User) -> None:
    entry = audit.record(analyst, "auth.login")

    entry.action = "auth.logout"
    with pytest.raises(AuditEntryReadOnly):
        entry.save()
    with pytest.raises(AuditEntryReadOnly):
        entry.delete()
    with pytest.raises(AuditEntryReadOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AuditEntryReadOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "auth.login"


def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_database_refuses_update_and_delete_of_recent_entries(analyst: User) -> None:
    entry = audit.record(analyst, "auth.login")
    table = AuditEntry._meta.db_table

    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"UPDATE {table} SET action = %s WHERE id = %s", ["x", entry.pk])
    with pytest.raises(DatabaseError, match="180 days"):
        _raw(f"DELETE FROM {table} WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, action="auth.login").exists()


def test_database_lets_entries_past_the_retention_go(analyst: User) -> None:
    old = AuditEntry(action="auth.login", at=timezone.now() - timedelta(days=200))
    old.save()
    table = AuditEntry._meta.db_table

    _raw(f"DELETE FROM {table} WHERE id = %s", [old.pk])

    assert not AuditEntry.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_audit_table_too(analyst: User) -> None:
    audit.record(analyst, "auth.login")

    call_command("flush", interactive=False, verbosity=0)

    assert not AuditEntry.objects.exists()


def test_unsealed_lets_sqlite_delete_recent_entries(analyst: User) -> None:
    entry = audit.record(analyst, "auth.login")
    table = AuditEntry._meta.db_table

    with unsealed():
        if connection.vendor == "sqlite":
            _raw(f"DELETE FROM {table} WHERE id = %s", [entry.pk])
        else:
            # PostgreSQL knows no exemption: only TRUNCATE (the owner's) empties it.
            with pytest.raises(DatabaseError, match="180 days"):
                _raw(f"DELETE FROM {table} WHERE id = %s", [entry.pk])
            _raw(f"TRUNCATE {table}", [])

    assert not AuditEntry.objects.filter(pk=entry.pk).exists()


def test_every_recorded_action_has_a_chinese_label() -> None:
    audit.register_action("example.step", "示例操作")

    assert audit.action_label("example.step") == "示例操作"
    assert audit.action_label("firm.view") == "查看企业档案"
    assert audit.action_label("no.such") == "no.such"


def test_retention_matches_the_triggers() -> None:
    from importlib import import_module

    migration = import_module("finsentry.accounts.migrations.0002_audit_entry")
    assert migration.RETENTION_DAYS == audit.RETENTION_DAYS >= 180
