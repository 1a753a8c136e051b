"""Backing up and restoring a whole installation: database, evidence, data files.

A backup is a folder::

    manifest.json        what is in it, with the SHA-256 and size of every file
    database.sqlite3     SQLite: a consistent copy made by the online backup API
    database.pgdump      PostgreSQL: pg_dump's custom format (compressed, streamed)
    evidence/…           the evidence store (settings.EVIDENCE_DIR), as stored
    data/…               other files of settings.DATA_DIR (name index, rejects)

`restore` checks every file against the manifest before it touches anything,
refuses a target database that already has tables, then loads the database
and copies the files back. The online backup API copies SQLite while the
server keeps running; pg_dump and pg_restore handle millions of rows without
loading them into Python.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from finsentry.accounts.errors import BackupCorrupt, BackupUnreadable, RestoreRefused

log = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
# Regenerable or served files of the data folder that a backup leaves out.
SKIPPED_DATA = {"static", "cache"}
_CHUNK = 1 << 20


@dataclass(frozen=True)
class BackupSummary:
    """What a backup or restore handled: the database kind, files and bytes."""

    vendor: str
    files: int
    bytes: int


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    """Return the environment that gives pg_dump/pg_restore the database's login."""
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[name] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    """Run a PostgreSQL client tool, turning a failure into a BackupError."""
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupUnreadable(f"{command[0]} 失败：{done.stderr.strip()[:500]}")


def _dump_database(alias: str, out: Path) -> tuple[str, Path]:
    """Copy the database `alias` into `out`; return its vendor and the file."""
    connection = connections[alias]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = out / SQLITE_FILE
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy, pages=65536)
        finally:
            copy.close()
        return "sqlite", target
    if connection.vendor == "postgresql":
        target = out / PG_FILE
        db = connection.settings_dict
        command = ["pg_dump", "--format=custom", "--file", str(target), db["NAME"]]
        _run(command, _pg_env(db))
        return "postgresql", target
    raise BackupUnreadable(f"不支持备份 {connection.vendor} 数据库")


def _data_files(data_dir: Path, skip: set[Path]) -> Iterator[Path]:
    """Yield the files of the data folder a backup keeps."""
    if not data_dir.is_dir():
        return
    for path in sorted(data_dir.rglob("*")):
        top = path.relative_to(data_dir).parts[0]
        if top in SKIPPED_DATA or any(path == s or s in path.parents for s in skip):
            continue
        if path.is_file() and not path.name.endswith(("-wal", "-shm", "-journal")):
            yield path


def _copy_tree(files: Iterator[Path], root: Path, into: Path) -> list[Path]:
    """Copy `files` (under `root`) below `into`, keeping their relative paths."""
    copied = []
    for path in files:
        target = into / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        copied.append(target)
    return copied


def backup(out: Path, alias: str = "default") -> BackupSummary:
    """Write a backup of the database, evidence and data files to the new folder
    `out`, with a manifest of SHA-256 hashes."""
    if out.exists() and any(out.iterdir()):
        raise RestoreRefused(f"备份目录 {out} 已存在且不为空：请换一个新目录")
    out.mkdir(parents=True, exist_ok=True)

    vendor, dumped = _dump_database(alias, out)
    evidence_dir = Path(settings.EVIDENCE_DIR).resolve()
    data_dir = Path(settings.DATA_DIR).resolve()
    db_file = Path(str(connections[alias].settings_dict["NAME"])).resolve()
    evidence = [p for p in sorted(evidence_dir.rglob("*")) if p.is_file()]
    files = [dumped]
    files += _copy_tree(iter(evidence), evidence_dir, out / "evidence")
    skip = {evidence_dir, db_file, out.resolve(), Path(settings.STATIC_ROOT).resolve()}
    files += _copy_tree(_data_files(data_dir, skip), data_dir, out / "data")

    entries: dict[str, dict[str, Any]] = {
        str(path.relative_to(out)): {
            "sha256": sha256_of(path),
            "size": path.stat().st_size,
        }
        for path in files
    }
    manifest = {
        "format": FORMAT,
        "created": timezone.now().isoformat(),
        "vendor": vendor,
        "database": dumped.name,
        "files": entries,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    size = sum(e["size"] for e in entries.values())
    log.info("backup written out=%s files=%d bytes=%d", out, len(entries), size)
    return BackupSummary(vendor, len(entries), size)


def read_manifest(folder: Path) -> dict[str, Any]:
    """Return a backup's manifest, checking that every file is there and whole."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupUnreadable(f"无法读取备份清单 {folder / MANIFEST}：{exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupUnreadable(f"不认识的备份格式：{manifest.get('format')}")
    for name, entry in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise BackupUnreadable(f"备份缺少文件：{name}")
        if sha256_of(path) != entry["sha256"]:
            raise BackupCorrupt(f"备份文件已损坏（SHA-256 不符）：{name}")
    return manifest


def _load_database(folder: Path, manifest: dict[str, Any], alias: str) -> str:
    """Load the backed-up database into the empty database `alias`."""
    connection = connections[alias]
    connection.ensure_connection()
    if connection.vendor != manifest["vendor"]:
        raise RestoreRefused(
            f"备份来自 {manifest['vendor']} 数据库，不能恢复到 {connection.vendor}"
        )
    tables = connection.introspection.table_names()
    if tables:
        raise RestoreRefused(
            f"目标数据库已有 {len(tables)} 张表：请恢复到一个新建的空数据库"
        )
    dumped = folder / manifest["database"]
    if connection.vendor == "sqlite":
        source = sqlite3.connect(dumped)
        try:
            source.backup(connection.connection, pages=65536)
        finally:
            source.close()
    else:
        db = connection.settings_dict
        command = ["pg_restore", "--exit-on-error", "--no-owner", "--no-privileges"]
        _run([*command, "--dbname", db["NAME"], str(dumped)], _pg_env(db))
    return str(connection.vendor)


def _copy_back(folder: Path, prefix: str, into: Path, mode: int | None = None) -> int:
    """Copy the backup's files under `prefix` into `into` (with `mode`, if given);
    return how many."""
    source = folder / prefix
    if not source.is_dir():
        return 0
    files = [p for p in sorted(source.rglob("*")) if p.is_file()]
    into.mkdir(parents=True, exist_ok=True)
    for path in files:
        target = into / path.relative_to(source)
        if target.exists() and sha256_of(target) == sha256_of(path):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.chmod(0o644)
        shutil.copyfile(path, target)
        if mode is not None:
            target.chmod(mode)
    return len(files)


def restore(folder: Path, alias: str = "default") -> BackupSummary:
    """Restore a backup folder into the empty database `alias` and the configured
    evidence and data folders, after checking every file's SHA-256."""
    manifest = read_manifest(folder)
    vendor = _load_database(folder, manifest, alias)
    # Stored evidence is read-only, as the evidence store writes it.
    evidence = _copy_back(folder, "evidence", Path(settings.EVIDENCE_DIR), 0o444)
    data = _copy_back(folder, "data", Path(settings.DATA_DIR))
    size = sum(e["size"] for e in manifest["files"].values())
    log.info("backup restored folder=%s evidence=%d data=%d", folder, evidence, data)
    return BackupSummary(vendor, len(manifest["files"]), size)
