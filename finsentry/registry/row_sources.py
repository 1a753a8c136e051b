"""Registry sources read row by row: workbooks (XLSX) and JSON Lines.

Each yields `RawBatch`es of text columns with the line (row) every record
came from, as the CSV reader of `sources.py` does.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

from finsentry.registry.columns import CANONICAL, map_header
from finsentry.registry.encoding import detect_encoding
from finsentry.registry.heads import read_sheet_head
from finsentry.registry.sources import (
    RawBatch,
    Reject,
    SourceError,
    SourceInfo,
    check_header,
    is_header,
)

XLSX_BATCH_ROWS = 20_000
JSONL_BATCH_ROWS = 20_000


def read_xlsx(path: Path) -> tuple[SourceInfo, Iterator[RawBatch]]:
    """Open a workbook in streaming mode and yield row batches of every sheet.

    A sheet holds at most 1,048,576 rows, so an extract of millions of firms
    continues on further sheets: each is read, with a header of its own or,
    without one, the first sheet's columns. Lines are rows of their sheet;
    refusals on a later sheet name it in their column ("Sheet2!uscc").
    """
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SourceError(str(path), f"无法读取 Excel 文件：{exc}") from exc
    sheets = book.worksheets
    first = sheets[0].iter_rows(values_only=True)
    header, header_line, rows = read_sheet_head(first, _cell_text, is_header)
    positions, unknown = map_header(header)
    info = SourceInfo(
        str(path), "xlsx", "xlsx", ",", header, positions, unknown, header_line
    )
    check_header(info)

    def parts() -> Iterator[tuple[str, int, Iterator[tuple], dict[str, int]]]:
        yield "", header_line + 1, rows, positions
        for sheet in sheets[1:]:
            cells = sheet.iter_rows(values_only=True)
            own, own_line, rest = read_sheet_head(cells, _cell_text, is_header)
            if is_header(own):
                yield sheet.title, own_line + 1, rest, map_header(own)[0]
            elif own:
                # A continuation without a header: its first row is a record.
                yield sheet.title, 1, itertools.chain([tuple(own)], rest), positions

    def batches() -> Iterator[RawBatch]:
        for title, start, sheet_rows, columns in parts():
            buffer: list[tuple[int, tuple]] = []
            for number, row in enumerate(sheet_rows, start=start):
                if row and any(v not in (None, "") for v in row):
                    buffer.append((number, row))
                if len(buffer) >= XLSX_BATCH_ROWS:
                    yield _rows_to_batch(buffer, columns, title)
                    buffer = []
            if buffer:
                yield _rows_to_batch(buffer, columns, title)
        book.close()

    return info, batches()


def _cell_text(value: object) -> str:
    """Return a cell as registry text: whole numbers without '.0', dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _rows_to_batch(
    rows: list[tuple[int, tuple]], positions: dict[str, int], sheet: str = ""
) -> RawBatch:
    """Turn (line, cells) rows of a sheet into a column batch."""
    lines = np.array([n for n, _ in rows], dtype=np.int64)
    columns = {}
    for canon, pos in positions.items():
        cells = [_cell_text(r[pos]) if pos < len(r) else "" for _, r in rows]
        columns[canon] = pa.array(cells, type=pa.string())
    return RawBatch(lines, columns, sheet=sheet)


def read_jsonl(path: Path) -> tuple[SourceInfo, Iterator[RawBatch]]:
    """Open a JSON Lines file (one object per line) and yield row batches."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise SourceError(str(path), f"无法打开文件：{exc.strerror}") from exc
    sample = handle.read(1 << 20)
    encoding, bom = detect_encoding(sample, str(path))
    handle.seek(bom)
    positions = {c: i for i, c in enumerate(CANONICAL)}
    info = SourceInfo(str(path), "jsonl", encoding, "", list(CANONICAL), positions)

    def batches() -> Iterator[RawBatch]:
        buffer: list[tuple[int, tuple]] = []
        rejects: list[Reject] = []
        with handle:
            for number, raw in enumerate(handle, start=1):
                record = _json_record(raw, number, encoding, rejects)
                if record is not None:
                    buffer.append((number, record))
                if len(buffer) >= JSONL_BATCH_ROWS:
                    batch = _rows_to_batch(buffer, positions)
                    batch.rejects, rejects, buffer = rejects, [], []
                    yield batch
        batch = _rows_to_batch(buffer, positions)
        batch.rejects = rejects
        yield batch

    return info, batches()


def _json_record(
    raw: bytes, number: int, encoding: str, rejects: list[Reject]
) -> tuple | None:
    """Return a JSON line as a tuple in canonical column order, None when refused."""
    if not raw.strip():
        return None
    try:
        obj = json.loads(raw.decode(encoding))
    except (UnicodeDecodeError, ValueError) as exc:
        rejects.append(Reject(number, "", "", f"JSON 解析失败：{exc}"))
        return None
    if not isinstance(obj, dict):
        rejects.append(Reject(number, "", "", "此行不是 JSON 对象"))
        return None
    mapped, _ = map_header(list(obj))
    keys = list(obj)
    values = {canon: obj[keys[pos]] for canon, pos in mapped.items()}
    return tuple(_cell_text(values.get(c)) for c in CANONICAL)
