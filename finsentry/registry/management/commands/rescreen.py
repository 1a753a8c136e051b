"""`finsentry rescreen`: screen stored firms again with the current lists."""

from typing import Any

from django.core.management.base import BaseCommand

from finsentry.registry import services
from finsentry.registry.rescreen import rescreen_firms


class Command(BaseCommand):
    help = "按当前筛查字样与持牌名录重新筛查库内全部企业"

    def handle(self, *args: Any, **options: Any) -> None:
        run = rescreen_firms(services.screener())
        self.stdout.write(
            f"重新筛查完成：{run.rows_read} 户，结果有变化 {run.rows_updated} 户"
        )
