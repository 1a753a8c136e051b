"""`finsentry prune-audit --before DATE`: delete audit entries past the retention."""

from __future__ import annotations

from argparse import ArgumentTypeError
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from finsentry.accounts import retention
from finsentry.accounts.errors import RetentionViolation


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"无法识别的日期：{value}（应为 YYYY-MM-DD）") from exc


class Command(BaseCommand):
    help = (
        "Delete audit entries recorded before DATE; refuses any DATE within the "
        "retention (180 days), so the last six months always stay."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--before", required=True, type=_date, metavar="DATE")
        parser.add_argument(
            "--dry-run", action="store_true", help="count only, delete nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        before: date = options["before"]
        try:
            count = retention.prune(before, dry_run=options["dry_run"])
        except RetentionViolation as exc:
            raise CommandError(str(exc)) from exc
        verb = "将删除" if options["dry_run"] else "已删除"
        self.stdout.write(f"{verb} {before:%Y-%m-%d} 之前的审计日志 {count} 条。")
