"""`finsentry domain-report DOMAIN`: the special report of a domain, Word and Excel."""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from finsentry.accounts import audit
from finsentry.accounts.roles import EVERYTHING
from finsentry.stats import services
from finsentry.stats.area import area_for
from finsentry.stats.errors import OutsideScope
from finsentry.stats.figures import figures


def _region(code: str) -> tuple[str, str]:
    """Return (city, county) of a region code: 2201 / 220100 a city, 220102 a county."""
    if code in ("", "22", "220000"):
        return "", ""
    if len(code) == 4 or (len(code) == 6 and code.endswith("00")):
        return code[:4], ""
    if len(code) == 6 and code.isdigit():
        return code[:4], code
    raise CommandError(f"地区代码应为 4 位市（州）或 6 位县（市、区）代码：{code}")


class Command(BaseCommand):
    help = "生成某一领域的专项报告（Word）及统计表（Excel）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("domain", help="领域代码，如 p2p；all 表示全部领域")
        parser.add_argument("--region", default="", help="市（州）或县（市、区）代码")
        parser.add_argument("--out", default="", help="Word 文件，默认按领域和日期命名")
        parser.add_argument("--xlsx", default="", help="另写出 Excel 统计表")
        parser.add_argument("--date", default="", help="统计截至日期 YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        domain = "" if options["domain"] == "all" else options["domain"]
        city, county = _region(options["region"])
        try:
            area = area_for(EVERYTHING, domain=domain, city=city, county=county)
            as_of = date.fromisoformat(options["date"]) if options["date"] else None
        except (OutsideScope, ValueError) as exc:
            raise CommandError(str(exc)) from exc

        now = timezone.localtime()
        exporter = f"命令行（{getpass.getuser()}）"
        shown = figures(area, as_of)
        outputs = [("docx", options["out"]), ("xlsx", options["xlsx"])]
        for fmt, target in outputs:
            if fmt == "xlsx" and not target:
                continue
            report = services.render(shown, fmt, exporter, now)
            path = Path(target or report.filename)
            try:
                path.write_bytes(report.body)
            except OSError as exc:
                raise CommandError(f"无法写入 {path}：{exc.strerror}") from exc
            detail = services.audit_detail(report, fmt)
            audit.record(None, "stats.export", path=str(path), **detail)
            total = report.shown.total
            self.stdout.write(
                f"已写出 {path}：监测企业 {total.watched} 户，"
                f"问题企业 {total.problems} 户（{total.percent}）"
            )
