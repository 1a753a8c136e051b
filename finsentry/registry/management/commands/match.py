"""`finsentry match NAME`: the registered firms a loose name refers to."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from finsentry.registry.services import match_firms


class Command(BaseCommand):
    help = "按简称、字号等模糊名称查找登记企业"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        matches = match_firms(options["name"], options["limit"])
        if options["json"]:
            rows = [
                {
                    "uscc": m.key,
                    "name": m.name,
                    "score": round(m.score, 1),
                    "why": m.why,
                }
                for m in matches
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        if not matches:
            self.stdout.write("未找到匹配的登记企业")
        for rank, m in enumerate(matches, start=1):
            self.stdout.write(f"{rank:>2}. {m.score:5.1f}  {m.key}  {m.name}  {m.why}")
