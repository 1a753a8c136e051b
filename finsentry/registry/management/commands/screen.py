"""`finsentry screen FILE --out OUT.csv [--rejects R.csv]`: screen a file alone."""

import logging
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from finsentry.registry.errors import RegistryError
from finsentry.registry.filescreen import screen_file
from finsentry.registry.pipeline import Screener
from finsentry.registry.screening import WordList

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "对登记文件做金融字样筛查（无需数据库），输出筛查结果与拒收清单"
    # A file alone needs no database, URLs or templates: their checks would
    # import every view and cost more than screening a small file.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="登记文件：CSV、XLSX 或 JSON Lines")
        parser.add_argument("--out", type=Path, required=True, help="筛查结果 CSV")
        parser.add_argument("--rejects", type=Path, help="拒收清单 CSV")
        parser.add_argument("--workers", type=int, help="并行进程数（默认每核一个）")

    def handle(self, *args: Any, **options: Any) -> None:
        screener = Screener(WordList.default())
        try:
            summary = screen_file(
                options["file"],
                options["out"],
                options["rejects"],
                screener,
                options["workers"],
            )
        except RegistryError as exc:
            raise CommandError(exc.message) from exc
        except OSError as exc:
            raise CommandError(f"{exc.filename}：{exc.strerror}") from exc
        self.stdout.write(
            f"已筛查 {summary.source}（{summary.encoding}）："
            f"接收 {summary.accepted} 行，"
            f"拒收 {summary.rejected} 行，命中 {summary.flagged} 户，"
            f"持牌 {summary.licensed} 户，用时 {summary.seconds:.1f} 秒"
        )
