"""Seeded generator of the demo province's business registry, with planted truth.

`generate_firms` streams registry rows of simulated Jilin market entities and
non-market bodies, each carrying the truth the screening should find: planted
internet-finance suspects of every domain in violations.yaml, licensed
institutions, locally licensed firms, firms whose scopes name finance only to
exclude it, and non-market bodies outside the screening. The same seed gives
the same rows, and the first n rows do not depend on how many are asked for.

Memory stays constant: names are kept unique through a fixed-size Bloom
filter (a false positive only costs a redraw) and organisation-code bodies
come from a bijection of the row number, so nothing grows with the count.
The rows are built in `firms`, their facts drawn in `records` and `places`.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import time
from collections.abc import Iterable, Iterator

import openpyxl

from finsentry.demo.firms import REGISTRY_COLUMNS, TRUTH_SHARES, DemoFirm, FirmBuilder
from finsentry.demo.names import FirmName

__all__ = [
    "CHINESE_HEADERS",
    "REGISTRY_COLUMNS",
    "TRUTH_SHARES",
    "DemoFirm",
    "FirmName",
    "generate_firms",
    "licence_list",
    "write_registry_csv",
    "write_registry_jsonl",
    "write_registry_xlsx",
    "write_truth_csv",
]

logger = logging.getLogger(__name__)


def generate_firms(count: int = 50_000, seed: int = 2016) -> Iterator[DemoFirm]:
    """Yield ``count`` registry rows for ``seed``; the same seed gives the same rows."""
    builder = FirmBuilder(seed)
    for index in range(count):
        yield builder.firm(index)


def licence_list(firms: Iterable[DemoFirm]) -> Iterator[tuple[str, str, str]]:
    """Yield (uscc, name, kind) for the licensed and locally licensed firms."""
    for firm in firms:
        kind, _, sub = firm.truth.partition(":")
        if kind in ("licensed", "local_licensed"):
            yield firm.uscc, firm.name, _LICENCE_KINDS.get(sub, sub)


# The demo's institution kinds as the licence list names them (licensing.py).
_LICENCE_KINDS = {
    "rural_bank": "bank",
    "insurance": "insurer",
    "fund": "public_fund",
    "guarantee": "financing_guarantee",
    "leasing": "financial_leasing",
    "factoring": "commercial_factoring",
}


# Column titles of the registry export when a Chinese header is asked for.
CHINESE_HEADERS = (
    "统一社会信用代码",
    "企业名称",
    "经营范围",
    "行政区划代码",
    "成立日期",
    "注册资本",
    "法定代表人",
    "住所",
    "联系电话",
    "网址",
    "登记状态",
)


def write_registry_csv(
    path: str | os.PathLike[str],
    count: int,
    seed: int = 2016,
    encoding: str = "utf-8",
    chinese_headers: bool = False,
) -> int:
    """Write ``count`` registry rows as CSV in ``encoding``; return rows written."""
    started = time.perf_counter()
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CHINESE_HEADERS if chinese_headers else REGISTRY_COLUMNS)
        # writerows runs the loop in C; every generated firm is one row.
        writer.writerows(firm.row() for firm in generate_firms(count, seed))
    written = count
    logger.info(
        "demo registry written: path=%s rows=%d encoding=%s seconds=%.1f",
        path,
        written,
        encoding,
        time.perf_counter() - started,
    )
    return written


def write_registry_jsonl(
    path: str | os.PathLike[str], count: int, seed: int = 2016
) -> int:
    """Write ``count`` registry rows as UTF-8 JSON lines; return rows written."""
    written = 0
    with open(path, "w", encoding="utf-8") as handle:
        for firm in generate_firms(count, seed):
            record = dict(zip(REGISTRY_COLUMNS, firm.row(), strict=True))
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += 1
    logger.info("demo registry written: path=%s rows=%d", path, written)
    return written


def write_registry_xlsx(
    path: str | os.PathLike[str], count: int, seed: int = 2016
) -> int:
    """Write ``count`` rows to one .xlsx sheet (small files only); return rows."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("登记信息")
    sheet.append(list(REGISTRY_COLUMNS))
    written = 0
    for firm in generate_firms(count, seed):
        sheet.append(list(firm.row()))
        written += 1
    workbook.save(path)
    logger.info("demo registry written: path=%s rows=%d", path, written)
    return written


def write_truth_csv(path: str | os.PathLike[str], count: int, seed: int = 2016) -> int:
    """Write the planted truth (uscc, name, truth and name parts) for evaluation."""
    columns = ("uscc", "name", "truth", "region_text", "region_style", "brand")
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow((*columns, "industry", "form"))
        for firm in generate_firms(count, seed):
            parts = firm.name_parts
            writer.writerow(
                (
                    firm.uscc,
                    firm.name,
                    firm.truth,
                    parts.region,
                    parts.region_style,
                    parts.brand,
                    parts.industry,
                    parts.form,
                )
            )
            written += 1
    return written
