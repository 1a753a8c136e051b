"""`finsentry add-sites [URL ...] [--file sites.txt] [--from-registry]`: watch sites.

Adds sites to the watch list without crawling them; the next round (daily,
or `finsentry patrol`) includes them. Bad lines are reported by number and
nothing is added from a list that has any.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from finsentry.patrol import rounds
from finsentry.patrol.models import Site


class Command(BaseCommand):
    help = "添加巡查网站（网址、清单文件或登记信息中的网站），不立即巡查"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("urls", nargs="*", metavar="URL", help="网址")
        parser.add_argument("--file", type=Path, help="网址清单文件，每行一个")
        parser.add_argument(
            "--from-registry", action="store_true", help="加入登记信息中的全部网站"
        )
        parser.add_argument(
            "--source",
            choices=[Site.Source.MANUAL, Site.Source.TIP, Site.Source.UPLOAD],
            default=Site.Source.MANUAL,
            help="来源（默认人工添加）",
        )
        parser.add_argument("--note", default="", help="备注")

    def handle(self, *args: Any, **options: Any) -> None:
        lines = list(options["urls"])
        if options["file"]:
            try:
                raw = options["file"].read_bytes()
            except OSError as exc:
                raise CommandError(f"{options['file']}：{exc.strerror}") from exc
            try:
                lines.extend(raw.decode("utf-8-sig").splitlines())
            except UnicodeDecodeError:
                lines.extend(raw.decode("gb18030", errors="replace").splitlines())
        if not (lines or options["from_registry"]):
            raise CommandError("请给出网址、--file 或 --from-registry")

        if lines:
            self._add(lines, options)
        if options["from_registry"]:
            added = rounds.sites_from_registry()
            self.stdout.write(f"登记信息中的网站：新增 {added} 个")

    def _add(self, lines: list[str], options: dict[str, Any]) -> None:
        checked = rounds.check_lines(lines)
        if checked:
            bad = "\n".join(f"  第 {p.line} 行：{p.message}" for p in checked)
            raise CommandError(f"网址有误，未添加任何网站：\n{bad}")
        result = rounds.add_sites(lines, options["source"], note=options["note"])
        self.stdout.write(
            f"新增网站 {result.added} 个，已在名单中 {result.existing} 个"
        )
