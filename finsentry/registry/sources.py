"""Reading registry extracts (CSV, XLSX, JSON Lines) as column batches with lines.

Every row keeps the line of the file it started on (header = line 1), so a
reject can point a person at it. Batches are bounded, so a file of any size
streams in constant memory.
"""

import csv
import io
import logging
import mmap
import os
import sys
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from finsentry.registry import utf8check
from finsentry.registry.columns import LABELS, REQUIRED, map_header
from finsentry.registry.errors import SourceError
from finsentry.registry.heads import read_csv_head, require_columns

log = logging.getLogger(__name__)

BLOCK_BYTES = 16 << 20
_NEWLINE, _QUOTE = ord("\n"), ord('"')


@dataclass
class Reject:
    """A row or value that was refused, with the file line, the column and why."""

    line: int
    uscc: str
    column: str
    reason: str


REJECT_COLUMNS = ["line", "uscc", "column", "reason"]


def write_rejects(writer: Any, rejects: list[Reject]) -> None:
    """Append rejects as rows of a csv writer, in REJECT_COLUMNS order."""
    for reject in rejects:
        writer.writerow([reject.line, reject.uscc, reject.column, reject.reason])


@dataclass
class RawBatch:
    """Consecutive rows of a source as string columns, each row with its file line."""

    lines: np.ndarray
    columns: dict[str, pa.Array | pa.ChunkedArray]
    rejects: list[Reject] = field(default_factory=list)
    # The workbook sheet after the first that the rows come from ("": none).
    sheet: str = ""

    def __len__(self) -> int:
        return len(self.lines)


@dataclass(frozen=True)
class CsvBlock:
    """Whole CSV records of a file, bytes [start, stop), the first on `first_line`.

    Only the position travels to a worker process, which reads the bytes
    itself: cheaper than sending them through a pipe. `newlines` (newline
    bytes in the block) and `quoted` (whether it holds a quote character) are
    known when the block reader learnt them, else None.
    """

    path: str
    start: int
    stop: int
    first_line: int
    newlines: int | None = None
    quoted: bool | None = None

    def read(self) -> memoryview:
        """Return the block's bytes, in the file's encoding, mapped from the file."""
        with open(self.path, "rb") as handle:
            return _mapped(handle, self.start, self.stop)


@dataclass
class SourceInfo:
    """What was learnt about a source while opening it."""

    path: str
    kind: str
    encoding: str = ""
    delimiter: str = ","
    header: list[str] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)
    unknown_headers: list[str] = field(default_factory=list)
    # The file line of the header: exports often put a title above it.
    header_line: int = 1


def source_kind(path: Path) -> str:
    """Return 'csv', 'xlsx' or 'jsonl' from the file name."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    return "csv"


def check_header(info: SourceInfo) -> None:
    """Raise SourceError when a required column is missing from the header."""
    missing = [c for c in REQUIRED if c not in info.positions]
    require_columns(info.path, info.header, missing, LABELS, info.header_line)


def is_header(cells: list[str]) -> bool:
    """Return whether a row names every required registry column."""
    positions, _ = map_header(cells)
    return all(c in positions for c in REQUIRED)


def open_csv(path: Path) -> tuple[SourceInfo, Iterator[CsvBlock]]:
    """Open a CSV, read its header; return the info and an iterator of blocks."""
    head = read_csv_head(path, is_header)
    positions, unknown = map_header(head.header)
    info = SourceInfo(
        str(path),
        "csv",
        head.encoding,
        head.delimiter,
        head.header,
        positions,
        unknown,
        head.header_line,
    )
    check_header(info)
    return info, _csv_blocks(path, head.body, head.encoding, head.header_line + 1)


def _record_end(
    window: mmap.mmap, base: int, data: np.ndarray, limit: int, quote: int
) -> int:
    """Return the index just past the last complete record in `data[:limit]`.

    `data` is `window` from `base` on. Returns 0 when it holds no complete
    record. `quote` is the index of the first quote character (-1: none). A
    newline ends a record only outside quotes, i.e. after an even number of
    quote characters since `base` (RFC 4180 doubles quotes).
    """
    pos = window.rfind(b"\n", base, base + limit) - base
    if pos < 0:
        return 0
    if not 0 <= quote < pos:
        return pos + 1
    quotes = int(np.count_nonzero(data[:pos] == _QUOTE))
    while pos >= 0 and quotes % 2:
        before = max(window.rfind(b"\n", base, base + pos) - base, -1)
        quotes -= int(np.count_nonzero(data[max(before, 0) : pos] == _QUOTE))
        pos = before
    return pos + 1


# Codecs in which a newline or quote byte is always that character: neither
# byte occurs inside a multi-byte sequence of UTF-8 or GB18030.
_BYTE_EXACT = ("utf-8", "gb18030")


def _csv_blocks(
    path: Path, body: int, encoding: str, first_line: int = 2
) -> Iterator[CsvBlock]:
    """Yield blocks of whole records; a record longer than a block grows the block.

    Only positions leave this process: the reader of a block maps it again
    (from the page cache), which costs less than sending it through a pipe.
    The file is mapped, not read, and each block's pages are let go once it
    is yielded, so this process's memory stays at a block whatever the
    file's size.
    """
    size = path.stat().st_size
    if size <= body:
        return
    exact = encoding in _BYTE_EXACT
    line, start, want = first_line, body, BLOCK_BYTES
    newline = np.empty(want, dtype=bool)
    data: np.ndarray | None = None
    with path.open("rb", buffering=0) as handle:
        window = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            while start < size:
                length = min(size, start + want) - start
                _check_size(handle, start + length)
                if len(newline) < length:
                    newline = np.empty(length, dtype=bool)
                data = np.frombuffer(window, dtype=np.uint8, count=length, offset=start)
                last = start + length == size
                quote = window.find(b'"', start, start + length)
                quote = quote - start if quote >= 0 else -1
                end = (
                    length if last else _record_end(window, start, data, length, quote)
                )
                if end == 0:
                    want += BLOCK_BYTES
                    continue
                flags = newline[:end]
                np.equal(data[:end], _NEWLINE, out=flags)
                newlines = int(np.count_nonzero(flags))
                blank = last and not window[start : start + end].strip()
                _release(window, start, start + end)
                if not blank:
                    quoted = 0 <= quote < end
                    yield CsvBlock(
                        str(path),
                        start,
                        start + end,
                        line,
                        newlines if exact else None,
                        quoted if exact else None,
                    )
                line += newlines
                start, want = start + end, BLOCK_BYTES
        finally:
            data = None  # a view of the mapping must go before it closes
            window.close()


def _check_size(handle: Any, stop: int) -> None:
    """Refuse to read past the end of a file that has become shorter.

    Touching a mapped page beyond the end of the file would kill the
    process (SIGBUS) instead of raising an error.
    """
    if os.fstat(handle.fileno()).st_size < stop:
        raise SourceError(handle.name, "文件在读取时被截短")


def _release(window: mmap.mmap, start: int, stop: int) -> None:
    """Let go of the mapped pages of `window[start:stop]`; the page cache keeps them."""
    first = start - start % mmap.PAGESIZE
    if stop > first and hasattr(mmap, "MADV_DONTNEED"):
        window.madvise(mmap.MADV_DONTNEED, first, stop - first)


def _mapped(handle: Any, start: int, stop: int) -> memoryview:
    """Return a read-only view of the file's bytes [start, stop), mapped, not read.

    A read copies every byte from the page cache (about a twentieth of a
    screening's time, once in the block reader and once in the worker); a
    mapping shares the cached pages. The mapping ends with the last view.
    """
    _check_size(handle, stop)
    if stop <= start:
        return memoryview(b"")
    skip = start % mmap.ALLOCATIONGRANULARITY
    mapped = mmap.mmap(
        handle.fileno(),
        stop - start + skip,
        offset=start - skip,
        access=mmap.ACCESS_READ,
    )
    return memoryview(mapped)[skip:]


def parse_csv_block(
    block: CsvBlock, info: SourceInfo, columns: Collection[str] | None = None
) -> RawBatch:
    """Parse one block into columns with exact file lines, refusing bad records.

    `columns` names the canonical columns to keep (None: every mapped one).
    """
    # Mapped from the file; pyarrow's CSV reader copies every value out, so
    # nothing made from the block keeps the mapping alive.
    data = block.read()
    if columns is not None:
        kept = {c: p for c, p in info.positions.items() if c in columns}
        info = replace(info, positions=kept)
    utf8 = _utf8_block(data, info)
    if utf8 is None:
        return _parse_block_slowly(bytes(data), block.first_line, info)
    text, checked = utf8

    invalid: list[str] = []

    def note_invalid(row: pv.InvalidRow) -> str:
        invalid.append(row.text)
        return "skip"

    names = [f"c{i}" for i in range(len(info.header))]
    wanted = {canon: names[pos] for canon, pos in info.positions.items()}
    quoted = block.quoted
    if quoted is None:
        quoted = bool((np.frombuffer(text, dtype=np.uint8) == _QUOTE).any())
    undecodable = _UndecodableRows()
    try:
        with undecodable:
            table = pv.read_csv(
                pa.BufferReader(text),
                read_options=_read_options(names, len(text)),
                parse_options=pv.ParseOptions(
                    delimiter=info.delimiter,
                    # A block with no quote character parses without quote
                    # handling: the same table, a fifteenth faster.
                    quote_char='"' if quoted else False,
                    newlines_in_values=quoted,
                    invalid_row_handler=note_invalid,
                ),
                convert_options=pv.ConvertOptions(
                    column_types={n: pa.string() for n in names},
                    include_columns=list(wanted.values()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                    check_utf8=not checked,
                ),
            )
    except pa.ArrowInvalid:
        # Invalid UTF-8 somewhere in the block: find and refuse those lines.
        return _parse_block_slowly(bytes(data), block.first_line, info)
    columns = {canon: table.column(col) for canon, col in wanted.items()}

    rows = table.num_rows
    newlines = block.newlines
    if newlines is None:
        newlines = bytes(text).count(b"\n")
    lines_in_block = newlines + (text[-1:] != b"\n")
    # A field can hold a newline only when quoted, and then the block has more
    # lines than rows: only then are the fields' newlines counted.
    extra_newlines = np.zeros(rows, dtype=np.int64)
    if quoted and rows != lines_in_block:
        extra_newlines = _field_newlines(columns, rows)
    physical = rows + int(extra_newlines.sum())
    mismatch = physical != lines_in_block
    if invalid or undecodable.seen or mismatch:
        # Blank lines, short rows or stray quotes: the exact reader finds each line.
        return _parse_block_slowly(bytes(data), block.first_line, info)

    offsets = np.concatenate(([0], np.cumsum(extra_newlines)[:-1]))
    lines = block.first_line + np.arange(rows, dtype=np.int64) + offsets
    return RawBatch(lines, columns)


class _UndecodableRows:
    """Notice the bad rows pyarrow could not hand to the invalid-row handler.

    pyarrow decodes a bad row's text before calling the handler; a row cut in
    the middle of a UTF-8 sequence (a truncated last line) makes that decode
    fail inside pyarrow, which reports it as an "unraisable" exception and
    goes on. Within this context such reports only mark the block, which the
    exact reader then parses line by line; any other report is passed on.
    """

    def __init__(self) -> None:
        self.seen = False
        self._hook = sys.unraisablehook

    def _note(self, report: Any) -> None:
        if isinstance(report.exc_value, UnicodeDecodeError):
            self.seen = True
        else:
            self._hook(report)

    def __enter__(self) -> None:
        self._hook = sys.unraisablehook
        sys.unraisablehook = self._note

    def __exit__(self, *exc: object) -> None:
        sys.unraisablehook = self._hook


def _read_options(names: list[str], size: int) -> pv.ReadOptions:
    """Return how pyarrow reads a block of `size` bytes with these column names."""
    if pa.cpu_count() > 1:
        return pv.ReadOptions(column_names=names, use_threads=True)
    # A worker process per core sets pyarrow to one thread: then one chunk
    # per column for the whole block spares later steps joining the chunks,
    # which would copy the largest columns.
    block_size = min(size + 1, 1 << 30)
    return pv.ReadOptions(column_names=names, use_threads=False, block_size=block_size)


def _utf8_block(
    data: bytes | memoryview, info: SourceInfo
) -> tuple[bytes | memoryview, bool] | None:
    """Return a block as UTF-8 bytes and whether they are known to be well-formed
    (else pyarrow checks them); None if undecodable."""
    if info.encoding == "utf-8":
        valid = utf8check.is_utf8(data)
        return None if valid is False else (data, bool(valid))
    try:
        return str(data, info.encoding).encode("utf-8"), True
    except UnicodeDecodeError:
        return None


def _field_newlines(columns: dict[str, pa.Array], rows: int) -> np.ndarray:
    """Return, per row, how many newlines its quoted fields hold."""
    total = np.zeros(rows, dtype=np.int64)
    for array in columns.values():
        counts = pc.count_substring(array, "\n").to_numpy(zero_copy_only=False)
        total += counts
    return total


def _parse_block_slowly(data: bytes, first_line: int, info: SourceInfo) -> RawBatch:
    """Parse a block with the csv module: exact lines, every bad row named."""
    width = len(info.header)
    lines: list[int] = []
    values: dict[str, list[str]] = {c: [] for c in info.positions}
    rejects: list[Reject] = []

    for record_line, text in _decoded_lines(data, first_line, info, rejects):
        reader = csv.reader(io.StringIO(text), delimiter=info.delimiter, strict=True)
        try:
            rows = list(reader)
        except csv.Error as exc:
            rejects.append(Reject(record_line, "", "", f"CSV 格式错误：{exc}"))
            continue
        if not rows or rows == [[]]:
            continue
        row = rows[0]
        if len(row) != width:
            uscc = (
                row[info.positions["uscc"]] if len(row) > info.positions["uscc"] else ""
            )
            reason = f"列数不符：应为 {width} 列，实为 {len(row)} 列"
            rejects.append(Reject(record_line, uscc.strip(), "", reason))
            continue
        lines.append(record_line)
        for canon, pos in info.positions.items():
            values[canon].append(row[pos])

    columns = {c: pa.array(v, type=pa.string()) for c, v in values.items()}
    return RawBatch(np.array(lines, dtype=np.int64), columns, rejects)


def _decoded_lines(
    data: bytes, first_line: int, info: SourceInfo, rejects: list[Reject]
) -> Iterator[tuple[int, str]]:
    """Yield (first line, text) of each record in a block, naming undecodable lines."""
    line = first_line
    record: list[str] = []
    record_line = line
    quotes = 0
    for raw in data.splitlines(keepends=True):
        try:
            text = raw.decode(info.encoding)
        except UnicodeDecodeError:
            rejects.append(Reject(line, "", "", f"无法按 {info.encoding} 解码此行"))
            line += 1
            record, quotes, record_line = [], 0, line
            continue
        if not record:
            record_line = line
        record.append(text)
        quotes += text.count('"')
        line += 1
        if quotes % 2 == 0:
            yield record_line, "".join(record)
            record, quotes = [], 0
    if record:
        yield record_line, "".join(record)


def open_source(path: Path) -> tuple[SourceInfo, Iterator]:
    """Open any supported registry file; CSV yields raw blocks, the others batches."""
    kind = source_kind(path)
    if not path.exists():
        raise SourceError(str(path), "文件不存在")
    if kind == "xlsx":
        from finsentry.registry.row_sources import read_xlsx

        return read_xlsx(path)
    if kind == "jsonl":
        from finsentry.registry.row_sources import read_jsonl

        return read_jsonl(path)
    return open_csv(path)
