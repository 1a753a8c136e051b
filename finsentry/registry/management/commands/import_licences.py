"""`finsentry import-licences FILE`: load a licence list (持牌机构名录)."""

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from finsentry.registry.licensing import LICENCE_KINDS
from finsentry.registry.models import Firm, LicenceEntry
from finsentry.registry.uscc import normalize_code


class Command(BaseCommand):
    help = "导入持牌机构名录（CSV：uscc,name,kind），作为持牌认定的依据"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", default="", help="名录来源说明")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        entries = []
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                for line, row in enumerate(csv.DictReader(handle), start=2):
                    kind = (row.get("kind") or "").strip()
                    if kind not in LICENCE_KINDS:
                        known = "、".join(LICENCE_KINDS)
                        raise CommandError(
                            f"{path}，第 {line} 行，kind 列："
                            f"未知持牌类型 {kind!r}（可选：{known}）"
                        )
                    entries.append(
                        LicenceEntry(
                            uscc=normalize_code(row.get("uscc") or ""),
                            name=(row.get("name") or "").strip(),
                            kind=kind,
                            source=options["source"] or path.name,
                        )
                    )
        except OSError as exc:
            raise CommandError(f"{path}：{exc.strerror}") from exc

        with transaction.atomic():
            LicenceEntry.objects.bulk_create(entries, ignore_conflicts=True)
        message = f"已导入持牌机构 {len(entries)} 条"
        if Firm.objects.exists():
            message += "；请运行 finsentry rescreen 更新库内企业的筛查结果"
        self.stdout.write(message)
