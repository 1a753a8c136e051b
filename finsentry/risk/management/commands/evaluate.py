"""`finsentry evaluate`: how well the scores foresee platform failures."""

import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from finsentry.demo.generator import generate_firms
from finsentry.demo.platforms import write_platform_files
from finsentry.registry.errors import RegistryError
from finsentry.risk.errors import RiskError
from finsentry.risk.evaluation import evaluate, load_labels
from finsentry.risk.platform_scores import read_report_file, score_table
from finsentry.risk.weights import packaged_weights, parse_weights


class Command(BaseCommand):
    help = (
        "用标注的平台评估风险分：ROC AUC、前 10% 精确率、问题平台召回率"
        "（默认用演示省份的预设真相；只用截至当月的数据）"
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reports", type=Path, help="运营数据文件（对接格式）")
        parser.add_argument(
            "--labels", type=Path, help="标注 CSV（platform, failed_month）"
        )
        parser.add_argument("--seed", type=int, default=2016, help="演示省份的种子")
        parser.add_argument("--firms", type=int, default=50_000, help="演示企业数")
        parser.add_argument("--horizon", type=int, default=6, help="预警提前月数")
        parser.add_argument("--from", dest="start", default="2015-01", help="起始月份")
        parser.add_argument("--top", type=float, default=0.1, help="精确率取前多少")
        parser.add_argument("--weights", type=Path, help="权重 YAML（默认内置版本）")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["reports"]) != bool(options["labels"]):
            raise CommandError("--reports 与 --labels 须同时给出")
        try:
            weights = packaged_weights()
            if options["weights"]:
                path = options["weights"]
                weights = parse_weights(path.read_text(encoding="utf-8"), str(path))
            with tempfile.TemporaryDirectory() as folder:
                reports, labels_path = options["reports"], options["labels"]
                source = f"{reports}，{labels_path}"
                if reports is None:
                    reports = Path(folder) / "reports.csv"
                    labels_path = Path(folder) / "truth.csv"
                    firms = generate_firms(options["firms"], options["seed"])
                    write_platform_files(reports, labels_path, firms, options["seed"])
                    source = (
                        f"演示省份（种子 {options['seed']}，{options['firms']} 户）"
                    )
                read = read_report_file(reports)
                labels = load_labels(labels_path)
            scores = score_table(read.table, weights)
            result = evaluate(
                scores, labels, options["horizon"], options["start"], options["top"]
            )
        except (RegistryError, RiskError) as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"数据：{source}；权重版本 {weights.version}\n"
            f"平台 {result.platforms} 个，其中评估期内出问题 {result.failed} 个；"
            f"平台月 {result.cases} 个，其中 {result.horizon} 个月内出问题 "
            f"{result.positives} 个\n"
            f"ROC AUC               {result.auc:.3f}\n"
            f"precision@{result.top_share:.0%} (每月)    {result.precision_top:.3f}"
            f"（基准比例 {result.positives / max(result.cases, 1):.3f}）\n"
            f"recall（{result.horizon} 个月内达到 {result.flag_level}）"
            f" {result.recall:.3f}（{result.caught}/{result.failed}，"
            f"提前月数中位数 {result.lead_months:.0f}）"
        )
