"""`finsentry inspect-page FILE_OR_URL [--json]`: run every detector on one page.

Reads an HTML file, or fetches a URL (15 s timeout, 5 MB at most), extracts
its text and facts as the patrol does, and prints the findings with offsets
in characters of the extracted text. It needs no database: the packaged
rule packs are used unless `--packs-from-db` asks for the packs in force.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from finsentry.patrol.extract import extract_page
from finsentry.rules.engine import analyse
from finsentry.rules.licences import page_licences
from finsentry.rules.ruleset import RuleSet, packaged_ruleset

log = logging.getLogger(__name__)

FETCH_TIMEOUT = 15
MAX_BYTES = 5 * 1024 * 1024
USER_AGENT = "finsentry-inspect/1.0 (+internet-finance rectification patrol)"


class Command(BaseCommand):
    help = "对单个网页（文件或网址）运行文本提取和全部检测规则，输出发现（无需数据库）"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="HTML 文件路径或 http(s) 网址")
        parser.add_argument("--json", action="store_true", help="输出 JSON")
        parser.add_argument(
            "--packs-from-db",
            action="store_true",
            help="使用数据库中启用的规则包（默认只用内置规则包，不连数据库）",
        )
        parser.add_argument("--url", help="文件对应的网址（仅用于解析链接）")

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["source"]
        body, url, content_type = _read(source, options.get("url"))
        ruleset = _ruleset(options["packs_from_db"])

        began = time.perf_counter()
        page = extract_page(body, url, content_type, with_main_text=False)
        facts = page.facts
        licences = page_licences(facts.company_names, text=page.text)
        result = analyse(page.text, ruleset=ruleset, licences=licences)
        seconds = time.perf_counter() - began

        report = {
            "url": url,
            "title": page.title,
            "encoding": page.encoding,
            "findings": [_finding(h.as_dict()) for h in result.hits],
            "yields": [y.as_dict() for y in result.yields],
            "facts": facts.as_dict(),
            "domains": sorted(result.domains),
            "yield_domain": result.yield_domain,
            "licences": [
                {"kind": lic.kind, "label": lic.label, "evidence": lic.evidence}
                for lic in licences
            ],
            "rule_versions": ruleset.versions,
            "text_length": len(page.text),
            "milliseconds": round(seconds * 1000, 2),
        }
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self._print(report)

    def _print(self, report: dict[str, Any]) -> None:
        """Write the report as lines for people."""
        self.stdout.write(f"{report['title'] or '（无标题）'}  {report['url']}")
        domains = "、".join(report["domains"]) or "未识别"
        self.stdout.write(
            f"页面领域：{domains}；收益比较基准：{report['yield_domain']}"
        )
        for item in report["findings"]:
            where = f"[{item['start']}:{item['end']}]"
            self.stdout.write(
                f"{item['code']:8} {where:14} {item['rule']}  {item['snippet']}"
            )
        if not report["findings"]:
            self.stdout.write("未发现违规线索。")
        for figure in report["yields"]:
            annual = f"{figure['annual_high']}%（{figure['kind']}）"
            self.stdout.write(f"收益 {figure['text']} → 年化 {annual}")


def _finding(hit: dict[str, Any]) -> dict[str, Any]:
    """Return a hit in the order the report lists its fields."""
    keys = ("code", "snippet", "start", "end", "rule", "rule_version", "detail")
    extra = {k: v for k, v in hit.items() if k not in keys}
    return {k: hit[k] for k in keys} | extra


def _read(source: str, url: str | None) -> tuple[bytes, str, str | None]:
    """Return the page bytes, its URL and its Content-Type (None for a file)."""
    if source.startswith(("http://", "https://")):
        return _fetch(source)
    path = Path(source)
    try:
        with path.open("rb") as fh:
            body = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise CommandError(f"{source}：无法读取（{exc.strerror}）") from exc
    if len(body) > MAX_BYTES:
        raise CommandError(f"{source}：超过 {MAX_BYTES // 1024 // 1024} MB，未检测")
    return body, url or path.resolve().as_uri(), None


def _fetch(url: str) -> tuple[bytes, str, str | None]:
    """Return the body, final URL and Content-Type of `url`, within the limits."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            body = response.read(MAX_BYTES + 1)
            final = response.geturl()
            content_type = response.headers.get("Content-Type")
    except urllib.error.HTTPError as exc:
        raise CommandError(f"{url}：服务器返回 {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CommandError(f"{url}：无法获取（{reason}）") from exc
    if len(body) > MAX_BYTES:
        raise CommandError(f"{url}：超过 {MAX_BYTES // 1024 // 1024} MB，未检测")
    return body, final, content_type


def _ruleset(from_db: bool) -> RuleSet:
    """Return the packaged rule set, or the one in force in the database."""
    if not from_db:
        return packaged_ruleset()
    from finsentry.rules.services import current_ruleset

    try:
        return current_ruleset()
    except DatabaseError as exc:
        message = (
            f"无法从数据库读取规则包（{exc}）；不加 --packs-from-db 则只用内置规则包"
        )
        raise CommandError(message) from exc
