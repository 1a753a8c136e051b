"""`finsentry check-alerts`: raise alerts from every trigger, escalate overdue ones."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from finsentry.alerts.services import check_alerts


class Command(BaseCommand):
    help = (
        "扫描风险等级变化、严重违规发现和重大平台（BIG-01），产生或补充预警，"
        "并将超过办理时限的预警升级（可重复运行）"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = check_alerts()
        self.stdout.write(
            f"新预警 {result.sweep.raised} 条，补充依据 {result.sweep.merged} 条，"
            f"逾期升级 {result.escalated} 条"
        )
