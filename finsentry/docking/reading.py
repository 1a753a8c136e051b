"""Reading platform report files (CSV, XLSX) and submitted rows as text columns.

CSV goes through the registry's reader: the same encoding detection (UTF-8,
UTF-8 with BOM, GBK/GB18030) and the same exact file lines for every record
(header = line 1), quoted newlines and undecodable lines included.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from finsentry.docking.columns import CANONICAL, LABELS, map_header, missing_columns
from finsentry.registry.errors import SourceError
from finsentry.registry.heads import read_csv_head, read_sheet_head, require_columns
from finsentry.registry.sources import CsvBlock, RawBatch, SourceInfo, parse_csv_block

log = logging.getLogger(__name__)

XLSX_BATCH_ROWS = 20_000


def _check_header(
    path: str, header: list[str], positions: dict[str, int], line: int
) -> None:
    """Raise SourceError naming the required columns a header lacks."""
    require_columns(path, header, missing_columns(positions), LABELS, line)


def _is_header(cells: list[str]) -> bool:
    return not missing_columns(map_header(cells)[0])


def open_reports(path: Path) -> tuple[SourceInfo, Iterator[RawBatch]]:
    """Open a report file by its suffix; return what was learnt and its row batches."""
    if not path.exists():
        raise SourceError(str(path), "文件不存在")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _open_xlsx(path)
    return _open_csv(path)


def _open_csv(path: Path) -> tuple[SourceInfo, Iterator[RawBatch]]:
    """Open a CSV report file; the whole body is parsed as one block."""
    head = read_csv_head(path, _is_header)
    header, body = head.header, head.body
    positions, unknown = map_header(header)
    _check_header(str(path), header, positions, head.header_line)
    # The registry reader knows the key column as "uscc" (it names refused
    # records by it): here that is the platform, credit code or not.
    reader_positions = {
        ("uscc" if c == "platform" else c): p for c, p in positions.items()
    }
    info = SourceInfo(
        str(path),
        "csv",
        head.encoding,
        head.delimiter,
        header,
        reader_positions,
        unknown,
        head.header_line,
    )
    size = path.stat().st_size

    def batches() -> Iterator[RawBatch]:
        if size > body:
            # TODO: split files over 16 MB into blocks; monthly reports are small.
            first = head.header_line + 1
            batch = parse_csv_block(CsvBlock(str(path), body, size, first), info)
            batch.columns["platform"] = batch.columns.pop("uscc")
            yield batch

    return info, batches()


def cell_text(value: object) -> str:
    """Return a cell as report text: whole numbers without '.0', dates as YYYY-MM."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    return str(value).strip()


def _open_xlsx(path: Path) -> tuple[SourceInfo, Iterator[RawBatch]]:
    """Open the first sheet of a workbook in streaming mode."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SourceError(str(path), f"无法读取 Excel 文件：{exc}") from exc
    sheet = book.worksheets[0].iter_rows(values_only=True)
    header, header_line, rows = read_sheet_head(sheet, cell_text, _is_header)
    positions, unknown = map_header(header)
    _check_header(str(path), header, positions, header_line)
    info = SourceInfo(
        str(path), "xlsx", "xlsx", ",", header, positions, unknown, header_line
    )

    def batches() -> Iterator[RawBatch]:
        buffer: list[tuple[int, dict[str, Any]]] = []
        for number, row in enumerate(rows, start=header_line + 1):
            if not row or all(v in (None, "") for v in row):
                continue
            cells = {c: row[p] if p < len(row) else None for c, p in positions.items()}
            buffer.append((number, cells))
            if len(buffer) >= XLSX_BATCH_ROWS:
                yield records_batch(buffer)
                buffer = []
        if buffer:
            yield records_batch(buffer)
        book.close()

    return info, batches()


def records_batch(records: Iterable[tuple[int, Mapping[str, Any]]]) -> RawBatch:
    """Return (line, {column: value}) records as a batch of text columns."""
    items = list(records)
    lines = np.array([n for n, _ in items], dtype=np.int64)
    columns = {
        canon: pa.array([cell_text(r.get(canon)) for _, r in items], type=pa.string())
        for canon in CANONICAL
        if any(canon in r for _, r in items)
    }
    return RawBatch(lines, columns)


def submitted_batch(rows: Iterable[Mapping[str, Any]]) -> RawBatch:
    """Return rows submitted as mappings (the API) as a batch; row n is line n."""
    items = []
    for number, row in enumerate(rows, start=1):
        positions, _ = map_header([str(k) for k in row])
        keys = list(row)
        items.append((number, {c: row[keys[p]] for c, p in positions.items()}))
    return records_batch(items)
