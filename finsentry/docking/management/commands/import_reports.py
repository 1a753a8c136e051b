"""`finsentry import-reports FILE`: load platforms' monthly operating data."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from finsentry.docking import services
from finsentry.registry.errors import RegistryError


class Command(BaseCommand):
    help = "导入网贷平台月度运营数据（CSV/XLSX，每行一个平台一个月），校验后写入"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="运营数据文件")
        parser.add_argument(
            "--rejects", type=Path, help="拒收清单 CSV（默认写入数据目录）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = services.import_report_file(options["file"], options["rejects"])
        except RegistryError as exc:
            raise CommandError(exc.message) from exc
        except OSError as exc:
            raise CommandError(f"{exc.filename}：{exc.strerror}") from exc
        linked = services.link_platforms_by_code()
        self.stdout.write(
            f"导入完成（第 {run.pk} 批，{run.encoding}）：读取 {run.rows_read} 行，"
            f"新增 {run.rows_inserted}，更新 {run.rows_updated}，"
            f"未变 {run.rows_unchanged}，拒收 {run.rows_rejected}"
            f"（见 {run.rejects_path}）；新关联平台 {linked} 个"
        )
