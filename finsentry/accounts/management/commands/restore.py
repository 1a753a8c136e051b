"""`finsentry restore IN`: a backup back into an empty database, hashes checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from finsentry.accounts import backups
from finsentry.accounts.errors import BackupError
from finsentry.accounts.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Restore a backup folder made by `finsentry backup` into an empty "
        "database and the configured evidence and data folders; every file's "
        "SHA-256 is checked against the manifest first (docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, metavar="IN", help="backup folder")
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["source"]
        try:
            summary = backups.restore(source, options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        # On record in the restored database itself, which is the one kept.
        restored = AuditEntry(action="ops.restore", detail={"source": str(source)})
        restored.save(using=options["database"])
        self.stdout.write(
            f"已从 {source} 恢复：{summary.vendor} 数据库及 {summary.files} 个文件。"
            "如程序版本更新过，请再运行 finsentry migrate。"
        )
