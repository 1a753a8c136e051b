"""`finsentry import-registry FILE`: load a registration extract into the database."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from finsentry.registry import services
from finsentry.registry.errors import RegistryError
from finsentry.registry.filescreen import default_workers
from finsentry.registry.importer import import_registry
from finsentry.registry.models import Firm


class Command(BaseCommand):
    help = "导入市场监管部门提供的企业登记信息（CSV/XLSX/JSON Lines），校验并筛查"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="登记文件")
        parser.add_argument(
            "--rejects", type=Path, help="拒收清单 CSV（默认写入数据目录）"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="校验与筛查的并行进程数（默认每核一个）",
        )
        parser.add_argument(
            "--skip-index", action="store_true", help="不更新名称匹配索引（稍后再建）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = import_registry(
                options["file"],
                services.screener(),
                options["rejects"],
                workers=options["workers"],
            )
        except RegistryError as exc:
            raise CommandError(exc.message) from exc
        except OSError as exc:
            raise CommandError(f"{exc.filename}：{exc.strerror}") from exc

        if not options["skip_index"]:
            changed = Firm.objects.filter(updated_at__gte=run.started_at)
            services.refresh_name_index(list(changed.values_list("uscc", "name")))
        self.stdout.write(
            f"导入完成（第 {run.pk} 批，{run.encoding}）：读取 {run.rows_read} 行，"
            f"新增 {run.rows_inserted}，更新 {run.rows_updated}，"
            f"未变 {run.rows_unchanged}，"
            f"拒收 {run.rows_rejected}（见 {run.rejects_path}），"
            f"有提示 {run.rows_warned}"
        )
