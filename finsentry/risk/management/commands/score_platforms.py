"""`finsentry score-platforms FILE --out OUT.csv`: score a report file alone."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from finsentry.registry.errors import RegistryError
from finsentry.risk.errors import RiskError
from finsentry.risk.platform_scores import score_report_file
from finsentry.risk.weights import packaged_weights, parse_weights

SHOWN_REJECTS = 10


class Command(BaseCommand):
    help = "按平台月度运营数据逐月评分（不需要数据库），输出 platform,month,score,level"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="运营数据文件（CSV/XLSX）")
        parser.add_argument("--out", type=Path, required=True, help="评分结果 CSV")
        parser.add_argument("--rejects", type=Path, help="拒收清单 CSV")
        parser.add_argument("--weights", type=Path, help="权重 YAML（默认内置版本）")
        parser.add_argument(
            "--no-explanation", action="store_true", help="不输出 explanation 列"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            weights = packaged_weights()
            if options["weights"]:
                path = options["weights"]
                weights = parse_weights(path.read_text(encoding="utf-8"), str(path))
            read = score_report_file(
                options["file"],
                options["out"],
                options["rejects"],
                weights,
                explain=not options["no_explanation"],
            )
        except (RegistryError, RiskError) as exc:
            raise CommandError(exc.message) from exc
        except OSError as exc:
            raise CommandError(f"{exc.filename}：{exc.strerror}") from exc
        self.stdout.write(
            f"评分完成（权重版本 {weights.version}）：接收 {read.table.num_rows} 行，"
            f"拒收 {read.rejected_rows} 行；结果见 {options['out']}"
        )
        if read.rejects and not options["rejects"]:
            # Without a rejects file the refusals are named here, the first few.
            for reject in read.rejects[:SHOWN_REJECTS]:
                where = f"{options['file']} 第 {reject.line} 行"
                column = f" {reject.column}" if reject.column else ""
                self.stderr.write(f"拒收：{where}{column}：{reject.reason}")
            if len(read.rejects) > SHOWN_REJECTS:
                self.stderr.write("更多拒收原因请用 --rejects 写入文件")
