"""`finsentry api-token USERNAME`: issue (or rotate) and print a user's API token."""

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from finsentry.api.errors import TokenRefused
from finsentry.api.tokens import issue_token, revoke_token


class Command(BaseCommand):
    help = "为账号签发数据接口令牌并打印（已有令牌则作废旧令牌、签发新令牌）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="账号（登录名）")
        parser.add_argument(
            "--revoke", action="store_true", help="只作废该账号的令牌，不签发新令牌"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["username"]
        user = User.objects.filter(username=name).first()
        if user is None:
            raise CommandError(f"没有账号 {name}；请检查登录名。")
        if options["revoke"]:
            done = revoke_token(user)
            self.stdout.write("令牌已作废。" if done else "该账号没有令牌。")
            return
        try:
            token = issue_token(user)
        except TokenRefused as exc:
            raise CommandError(str(exc.detail)) from exc
        self.stdout.write(token.key)
