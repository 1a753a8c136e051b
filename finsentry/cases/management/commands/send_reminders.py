"""`finsentry send-reminders`: deadline reminders for orders and tasks, once each."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from finsentry.cases.reminders import send_reminders


class Command(BaseCommand):
    help = "发送整改期限和核查任务到期提醒（每个期限每个提醒点只发一次，可重复运行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", help="按该日期计算（YYYY-MM-DD），默认今天", default=""
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(
                    f"日期格式应为 YYYY-MM-DD：{options['date']}"
                ) from exc
        run = send_reminders(today)
        self.stdout.write(
            f"已发送提醒：整改通知 {run.orders} 件，核查任务 {run.tasks} 件，"
            f"通知 {run.notices} 条"
        )
