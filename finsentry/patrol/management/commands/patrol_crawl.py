"""`finsentry patrol-crawl ROUND (--sites 1,2,3 | --part K/N)`: crawl part of a round.

Internal: rounds start it in a child process per chunk of sites, because the
crawling engine's event loop runs once per process; people use `patrol`.
`--part K/N` takes the K-th of N parts of the round's sites (as
`rounds.split` deals them), so a large round needs no list on the command line.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from finsentry.patrol import rounds
from finsentry.patrol.crawler.process import crawl_chunk
from finsentry.patrol.models import PatrolRound


def _ids(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise CommandError(f"网站编号应为逗号分隔的整数：{text}") from exc


def _part(round_id: int, text: str) -> list[int]:
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit() and int(index) < int(count)):
        raise CommandError(f"--part 应为 K/N（0 ≤ K < N）：{text}")
    parts = rounds.split(rounds.round_site_ids(round_id), int(count))
    return parts[int(index)] if int(index) < len(parts) else []


class Command(BaseCommand):
    help = "（内部）在本进程中巡查一轮中的一组网站"
    # The parent already checked the project; checks would import every view.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", type=int, help="巡查轮次编号")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--sites", help="网站编号，逗号分隔")
        which.add_argument("--part", help="第 K 份（共 N 份），写作 K/N")
        parser.add_argument("--worker", default="", help="记录在轮次中的执行节点名")

    def handle(self, *args: Any, **options: Any) -> None:
        round_id = options["round"]
        if options["sites"]:
            site_ids = _ids(options["sites"])
        else:
            site_ids = _part(round_id, options["part"])
        try:
            closed = crawl_chunk(round_id, site_ids, options["worker"])
        except PatrolRound.DoesNotExist as exc:
            raise CommandError(f"巡查轮次不存在：{round_id}") from exc
        self.stdout.write(f"已巡查网站 {closed} 个")
