"""`finsentry backup` and `finsentry restore`: a backup restored into an empty
database holds every dossier whole (firms, findings, snapshots and their bytes)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connections, transaction
from django.db.utils import load_backend

from finsentry.accounts.models import AuditEntry
from finsentry.cases.models import Case, Document, RectificationOrder, TimelineEntry
from finsentry.patrol import evidence
from finsentry.patrol.models import Site, Snapshot
from finsentry.registry.models import Firm
from finsentry.rules.models import Finding
from tests.accounts.matrix.cases import case_work
from tests.accounts.matrix.world import PAGE, build_world

ALIAS = "restored"


@pytest.fixture
def folders(settings: Any, tmp_path: Path) -> Path:
    """Point the evidence store and data folder at fresh folders under tmp_path."""
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    (settings.DATA_DIR / "rejects").mkdir()
    (settings.DATA_DIR / "rejects" / "2026-12.csv").write_text(
        "line,reason\n7,校验码错误\n"
    )
    (settings.DATA_DIR / "cache").mkdir()
    (settings.DATA_DIR / "cache" / "scanner.db").write_bytes(b"regenerable")
    return tmp_path


@pytest.fixture
def empty_database(transactional_db: None, tmp_path: Path) -> Iterator[str]:
    """Register a connection alias to a new, empty database; drop it afterwards.

    It is set up after the test database, whose test case would otherwise
    fence it off as a database the test did not ask for.
    """
    default = connections["default"]
    config = dict(default.settings_dict)
    if default.vendor == "postgresql":
        name = f"{default.settings_dict['NAME']}_restore"
        with default.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")
            cursor.execute(f"CREATE DATABASE {name}")
        config["NAME"] = name
    else:
        config["NAME"] = str(tmp_path / "restored.sqlite3")
    # Connected before it is registered: Django's test case lets an established
    # connection through, and this one is no test database to isolate.
    target = load_backend(config["ENGINE"]).DatabaseWrapper(config, ALIAS)
    target.ensure_connection()
    connections.settings[ALIAS] = config
    connections[ALIAS] = target
    yield ALIAS
    connections[ALIAS].close()
    del connections[ALIAS]
    del connections.settings[ALIAS]
    if default.vendor == "postgresql":
        with default.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {config['NAME']}")


def _dossiers(alias: str) -> dict[str, Any]:
    """Return every firm with its findings and snapshots, as plain values."""
    firms = Firm.objects.using(alias).order_by("uscc")
    return {
        firm.uscc: {
            "firm": (firm.name, firm.county_code, firm.domains, firm.flagged),
            "findings": sorted(
                Finding.objects.using(alias)
                .filter(firm=firm)
                .values_list("code", "domain", "fingerprint", "summary")
            ),
            "snapshots": sorted(
                Snapshot.objects.using(alias)
                .filter(site__firm=firm)
                .values_list("url", "sha256", "size", "text")
            ),
            "cases": sorted(
                Case.objects.using(alias)
                .filter(firm=firm)
                .values_list("domain", "state", "disposition", "opened_at")
            ),
            "orders": sorted(
                RectificationOrder.objects.using(alias)
                .filter(case__firm=firm)
                .values_list("sequence", "served_on", "due_date", "demands__text")
            ),
            "timeline": list(
                TimelineEntry.objects.using(alias)
                .filter(firm=firm)
                .order_by("at", "id")
                .values_list("kind", "title", "at")
            ),
            "documents": sorted(
                Document.objects.using(alias)
                .filter(firm=firm)
                .values_list("name", "sha256", "size")
            ),
        }
        for firm in firms
    }


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_holds_the_dossiers_whole(
    folders: Path, empty_database: str, settings: Any
) -> None:
    case_work(build_world())
    before = _dossiers("default")
    documents = list(Document.objects.values_list("sha256", flat=True))
    shots = list(Snapshot.objects.values_list("sha256", flat=True))
    entries = AuditEntry.objects.count()
    out = folders / "backup"

    call_command("backup", str(out))
    settings.EVIDENCE_DIR = folders / "evidence-restored"
    settings.DATA_DIR = folders / "data-restored"
    call_command("restore", str(out), database=empty_database)

    assert _dossiers(empty_database) == before and len(before) == 2
    for sha in shots:
        assert evidence.load(sha) == PAGE
    assert documents and all(evidence.load(sha) for sha in documents)
    assert any(dossier["cases"] and dossier["timeline"] for dossier in before.values())
    assert Site.objects.using(empty_database).filter(firm__isnull=True).count() == 1
    restored_audit = AuditEntry.objects.using(empty_database)
    assert restored_audit.count() == entries + 1
    assert restored_audit.filter(action="ops.restore").exists()
    rejects = settings.DATA_DIR / "rejects" / "2026-12.csv"
    assert rejects.read_text().endswith("校验码错误\n")
    assert not (settings.DATA_DIR / "cache").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert {"sha256", "size"} <= set(next(iter(manifest["files"].values())))

    restored = connections[empty_database]
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(using=empty_database), restored.cursor() as cursor:
            cursor.execute("UPDATE accounts_auditentry SET action = 'x'")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_backup_whose_file_was_altered(
    folders: Path, empty_database: str
) -> None:
    build_world()
    out = folders / "backup"
    call_command("backup", str(out))
    stored = next((out / "evidence").rglob("*.zst"))
    stored.chmod(0o644)
    stored.write_bytes(stored.read_bytes() + b"\0")

    with pytest.raises(CommandError, match="SHA-256 不符"):
        call_command("restore", str(out), database=empty_database)

    assert connections[empty_database].introspection.table_names() == []


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(folders: Path) -> None:
    out = folders / "backup"
    call_command("backup", str(out))

    with pytest.raises(CommandError, match="空数据库"):
        call_command("restore", str(out))


@pytest.mark.django_db(transaction=True)
def test_backup_refuses_a_folder_that_holds_files(folders: Path) -> None:
    out = folders / "used"
    out.mkdir()
    (out / "old.txt").write_text("x")

    with pytest.raises(CommandError, match="不为空"):
        call_command("backup", str(out))
