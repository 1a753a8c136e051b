"""`finsentry import-icp FILE`: load an ICP filing list (ICP备案) for linking.

The list ties filing numbers shown in site footers to the domains filed and
the holder (主办单位). CSV (UTF-8 or GBK) or XLSX, first sheet, with a header
row; columns by any of these headers:

    备案号 / ICP / ICP备案号 / 网站备案号            required
    域名 / domain / 网站域名 / 网址                  one or more hosts
    主办单位名称 / holder / 主办单位 / 单位名称
    统一社会信用代码 / uscc / 信用代码

A row needs a valid filing number and a holder (name or credit code).
Rows already imported are updated by filing number; bad rows are refused
one by one, each named by file, line and column, and the rest is imported.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from finsentry.patrol.facts import icp_base, normalize_icp
from finsentry.patrol.linking import normalize_host
from finsentry.patrol.models import IcpFiling
from finsentry.registry.columns import header_key
from finsentry.registry.encoding import detect_encoding
from finsentry.registry.errors import SourceError
from finsentry.registry.sources import source_kind
from finsentry.registry.uscc import code_problem, normalize_code

log = logging.getLogger(__name__)

COLUMNS = {
    "number": ("备案号", ["备案号", "icp", "icp备案号", "网站备案号", "许可证号"]),
    "domain": ("域名", ["域名", "domain", "网站域名", "网址", "网站网址"]),
    "holder": ("主办单位名称", ["主办单位名称", "holder", "主办单位", "单位名称"]),
    # Not 证件号码: for a personal filing it holds an identity card number.
    "uscc": ("统一社会信用代码", ["统一社会信用代码", "uscc", "信用代码"]),
}
_LOOKUP = {header_key(a): key for key, (_, aliases) in COLUMNS.items() for a in aliases}
_HOST = re.compile(r"(?:[a-z0-9-]{1,63}\.)+[a-z0-9-]{1,63}(?::[0-9]{1,5})?")
_DOMAIN_SPLIT = re.compile(r"[\s;,；，、]+")
BATCH = 2_000
SHOWN_REJECTS = 50
DOMAIN_MAX_LENGTH = 255  # IcpFiling.domain


@dataclass(frozen=True)
class Filing:
    """One accepted row of the list, normalised."""

    line: int
    number: str
    domain: str
    holder_name: str
    holder_uscc: str


@dataclass(frozen=True)
class Refusal:
    """A refused row: its file line, the column at fault and why."""

    line: int
    column: str
    reason: str


def read_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Return the header and an iterator of (file line, cells) of a CSV or XLSX file."""
    if not path.exists():
        raise SourceError(str(path), "文件不存在")
    if source_kind(path) == "xlsx":
        return _xlsx_rows(path)
    data = path.read_bytes()
    encoding, bom = detect_encoding(data[: 4 << 20], str(path))
    text = data[bom:].decode(encoding, errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])

    def rows() -> Iterator[tuple[int, list[str]]]:
        for cells in reader:
            yield reader.line_num, cells

    return header, rows()


def _xlsx_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Return the header and rows of the first sheet of a workbook."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SourceError(str(path), f"无法读取 Excel 文件：{exc}") from exc
    sheet_rows = book.worksheets[0].iter_rows(values_only=True)
    header = [_cell(v) for v in next(sheet_rows, ())]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for line, values in enumerate(sheet_rows, start=2):
            yield line, [_cell(v) for v in values]
        book.close()

    return header, rows()


def _cell(value: object) -> str:
    """Return a cell as text, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def column_positions(header: list[str], path: Path) -> dict[str, int]:
    """Return the position of each known column; raises SourceError without 备案号."""
    positions: dict[str, int] = {}
    for i, raw in enumerate(header):
        key = _LOOKUP.get(header_key(raw))
        if key is not None and key not in positions:
            positions[key] = i
    if "number" not in positions:
        found = "、".join(h for h in header if h) or "无"
        raise SourceError(str(path), f"缺少备案号列（备案号/ICP）；表头为：{found}", 1)
    if "holder" not in positions and "uscc" not in positions:
        message = "缺少主办单位名称或统一社会信用代码列"
        raise SourceError(str(path), message, 1)
    return positions


def parse_row(
    line: int, cells: list[str], positions: dict[str, int]
) -> Filing | Refusal | None:
    """Return a row as a filing, a refusal naming the column at fault, or None."""

    def cell(key: str) -> str:
        pos = positions.get(key)
        return cells[pos].strip() if pos is not None and pos < len(cells) else ""

    if not any(c.strip() for c in cells):
        return None
    raw_number = cell("number")
    number = normalize_icp(raw_number)
    if number is None:
        reason = f"不是有效的ICP备案号：{raw_number!r}"
        return Refusal(line, COLUMNS["number"][0], reason)

    uscc = normalize_code(cell("uscc"))
    if uscc and (problem := code_problem(uscc)) is not None:
        return Refusal(line, COLUMNS["uscc"][0], f"{uscc}：{problem}")
    holder = cell("holder")
    if not uscc and not holder:
        reason = "主办单位名称与统一社会信用代码均为空"
        return Refusal(line, COLUMNS["holder"][0], reason)

    hosts = []
    for part in _DOMAIN_SPLIT.split(cell("domain")):
        if not part:
            continue
        host = normalize_host(part)
        if not _HOST.fullmatch(host):
            return Refusal(line, COLUMNS["domain"][0], f"域名格式不正确：{part!r}")
        hosts.append(host)
    domain = " ".join(dict.fromkeys(hosts))
    if len(domain) > DOMAIN_MAX_LENGTH:
        return Refusal(line, COLUMNS["domain"][0], "域名过多，超过 255 个字符")
    return Filing(line, number, domain, holder, uscc)


class Command(BaseCommand):
    help = (
        "导入ICP备案名单（CSV/XLSX：备案号、域名、主办单位名称、统一社会信用代码），"
        "用于网站与企业关联"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            header, rows = read_rows(path)
            positions = column_positions(header, path)
        except SourceError as exc:
            raise CommandError(exc.message) from exc

        filings: dict[str, Filing] = {}
        refusals: list[Refusal] = []
        for line, cells in rows:
            parsed = parse_row(line, cells, positions)
            if isinstance(parsed, Refusal):
                refusals.append(parsed)
            elif parsed is not None and parsed.number in filings:
                first = filings[parsed.number].line
                reason = f"备案号 {parsed.number} 与第 {first} 行重复"
                refusals.append(Refusal(line, COLUMNS["number"][0], reason))
            elif parsed is not None:
                filings[parsed.number] = parsed

        saved = _save(list(filings.values()), path.name)
        for refusal in refusals[:SHOWN_REJECTS]:
            self.stderr.write(
                f"{path}，第 {refusal.line} 行，{refusal.column} 列：{refusal.reason}"
            )
        if len(refusals) > SHOWN_REJECTS:
            self.stderr.write(f"……另有 {len(refusals) - SHOWN_REJECTS} 行被拒收")
        log.info("icp import finished rows=%d rejected=%d", saved, len(refusals))
        if saved == 0 and refusals:
            raise CommandError(f"{path}：没有可导入的行，拒收 {len(refusals)} 行")
        self.stdout.write(f"已导入ICP备案 {saved} 条，拒收 {len(refusals)} 行")


def _save(filings: list[Filing], source: str) -> int:
    """Insert or update the filings by number; return how many were written."""
    now = timezone.now()
    objects = [
        IcpFiling(
            number=f.number,
            base=icp_base(f.number),
            domain=f.domain,
            holder_name=f.holder_name,
            holder_uscc=f.holder_uscc,
            source=source,
            imported_at=now,
        )
        for f in filings
    ]
    with transaction.atomic():
        IcpFiling.objects.bulk_create(
            objects,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["number"],
            update_fields=["base", "domain", "holder_name", "holder_uscc", "source"]
            + ["imported_at"],
        )
    return len(objects)
