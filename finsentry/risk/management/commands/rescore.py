"""`finsentry rescore`: score every firm with the weights in force."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from finsentry.risk import services
from finsentry.risk.weights import LEVEL_LABELS


class Command(BaseCommand):
    help = "按现行权重为全部企业重新评分，记录风险等级变化"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--show", type=int, default=10, help="列出的等级变化条数（默认 10）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.rescore()
        run = result.run
        seconds = ((run.finished_at or run.started_at) - run.started_at).total_seconds()
        self.stdout.write(
            f"评分完成（第 {run.pk} 批，权重版本 {run.weights_version}，"
            f"{seconds:.1f} 秒）：企业 {run.firms} 户，有得分 "
            f"{run.firms_with_points} 户，等级变化 {run.level_changes} 户"
        )
        for change in result.changes.order_by("-new_score")[: options["show"]]:
            self.stdout.write(
                f"  {change.firm.uscc} {change.firm.name}："
                f"{LEVEL_LABELS[change.old_level]}（{change.old_score}）→ "
                f"{LEVEL_LABELS[change.new_level]}（{change.new_score}）"
            )
