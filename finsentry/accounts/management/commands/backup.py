"""`finsentry backup OUT`: database, evidence store and data files, with hashes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from finsentry.accounts import audit, backups
from finsentry.accounts.errors import BackupError


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup or pg_dump), the evidence "
        "store and the data folder into the new folder OUT, with a manifest of "
        "SHA-256 hashes (docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="a new or empty folder")
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        try:
            summary = backups.backup(out, options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        audit.record(None, "ops.backup", out=str(out), files=summary.files)
        self.stdout.write(
            f"已备份到 {out}：{summary.vendor} 数据库及 {summary.files} 个文件，"
            f"共 {summary.bytes:,} 字节。"
        )
