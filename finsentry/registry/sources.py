"""Reading registry extracts (CSV, XLSX, JSON Lines) as column batches with lines.

Every row keeps the line of the file it started on (header = line 1), so a
reject can point a person at it. Batches are bounded, so a file of any size
streams in constant memory.
"""

import csv
import io
import itertools
import json
import logging
import sys
import threading
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from finsentry.registry.columns import CANONICAL, LABELS, REQUIRED, map_header
from finsentry.registry.encoding import detect_encoding
from finsentry.registry.errors import SourceError

log = logging.getLogger(__name__)

BLOCK_BYTES = 16 << 20
_NEWLINE, _QUOTE = ord("\n"), ord('"')
XLSX_BATCH_ROWS = 20_000
JSONL_BATCH_ROWS = 20_000


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

    def read(self) -> bytes:
        """Return the block's bytes, in the file's encoding."""
        with open(self.path, "rb") as handle:
            handle.seek(self.start)
            return handle.read(self.stop - self.start)


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


# How many lines from the top may hold the header: registration exports put a
# title, an export date or a blank line above it.
HEADER_SEARCH = 10


def check_header(info: SourceInfo) -> None:
    """Raise SourceError when a required column is missing from the header."""
    missing = [c for c in REQUIRED if c not in info.positions]
    if missing:
        names = "、".join(f"{c}（{LABELS[c]}）" for c in missing)
        found = "、".join(info.header) or "无"
        raise SourceError(
            info.path, f"缺少必需列 {names}；表头为：{found}", line=info.header_line
        )


def _is_header(cells: list[str]) -> bool:
    positions, _ = map_header(cells)
    return all(c in positions for c in REQUIRED)


def choose_header(
    candidates: list[list[str]], is_header: Callable[[list[str]], bool]
) -> int:
    """Return the index of the first candidate row `is_header` accepts; the
    first row when none is (its error names what is missing)."""
    for index, cells in enumerate(candidates):
        if is_header(cells):
            return index
    return 0


@dataclass(frozen=True)
class CsvHead:
    """What the top of a CSV says: encoding, delimiter, header, the header's
    line and the byte offset where the records begin."""

    encoding: str
    delimiter: str
    header: list[str]
    header_line: int
    body: int


def read_csv_head(path: Path, is_header: Callable[[list[str]], bool]) -> CsvHead:
    """Detect a CSV's encoding and find its header among the top lines."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise SourceError(str(path), f"无法打开文件：{exc.strerror}") from exc
    with handle:
        sample = handle.read(4 << 20)
        encoding, bom_length = detect_encoding(sample, str(path))
        handle.seek(bom_length)
        tops: list[tuple[str, int]] = []
        for _ in range(HEADER_SEARCH):
            raw = handle.readline()
            tops.append((raw.decode(encoding, errors="replace"), handle.tell()))
            if not raw:
                break
    rows = []
    for text, _ in tops:
        text = text.rstrip("\r\n")
        delimiter = max([",", "\t", "|"], key=text.count)
        rows.append((next(csv.reader([text], delimiter=delimiter), []), delimiter))
    chosen = choose_header([cells for cells, _ in rows], is_header)
    header, delimiter = rows[chosen]
    return CsvHead(encoding, delimiter, header, chosen + 1, tops[chosen][1])


def read_sheet_head(
    rows: Iterator[tuple[Any, ...]],
    to_text: Callable[[object], str],
    is_header: Callable[[list[str]], bool],
) -> tuple[list[str], int, Iterator[tuple[Any, ...]]]:
    """Find a sheet's header among its top rows; return it, its row number and
    the rows below it (those read while looking come first)."""
    top = list(itertools.islice(rows, HEADER_SEARCH))
    chosen = choose_header([[to_text(v) for v in row] for row in top], is_header)
    header = [to_text(v) for v in top[chosen]] if top else []
    return header, chosen + 1, itertools.chain(top[chosen + 1 :], rows)


def open_csv(path: Path) -> tuple[SourceInfo, Iterator[CsvBlock]]:
    """Open a CSV, read its header; return the info and an iterator of blocks."""
    head = read_csv_head(path, _is_header)
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


def _record_end(window: bytearray, data: np.ndarray, limit: int, quote: int) -> int:
    """Return the index just past the last complete record in `window[:limit]`.

    Returns 0 when the window holds no complete record. `quote` is the
    index of the window's first quote character (-1: none). A newline ends
    a record only outside quotes, i.e. after an even number of quote
    characters since the window's start (RFC 4180 doubles quotes).
    """
    pos = window.rfind(b"\n", 0, limit)
    if pos < 0:
        return 0
    if not 0 <= quote < pos:
        return pos + 1
    quotes = int(np.count_nonzero(data[:pos] == _QUOTE))
    while pos >= 0 and quotes % 2:
        before = window.rfind(b"\n", 0, pos)
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

    Only positions leave this process: the reader of a block reads it again
    (from the page cache), which costs less than sending it through a pipe.
    One buffer is read into again and again, so this process's memory stays
    at a block whatever the file's size.
    """
    size = path.stat().st_size
    exact = encoding in _BYTE_EXACT
    line, start, want = first_line, body, BLOCK_BYTES
    window = bytearray(want)
    newline = np.empty(want, dtype=bool)
    with path.open("rb", buffering=0) as handle:
        while start < size:
            length = min(size, start + want) - start
            if len(window) < length:
                window, newline = bytearray(length), np.empty(length, dtype=bool)
            _read_into(handle, start, memoryview(window)[:length])
            data = np.frombuffer(window, dtype=np.uint8, count=length)
            last = start + length == size
            quote = window.find(b'"', 0, length)
            end = length if last else _record_end(window, data, length, quote)
            if end == 0:
                want += BLOCK_BYTES
                continue
            flags = newline[:end]
            np.equal(data[:end], _NEWLINE, out=flags)
            newlines = int(np.count_nonzero(flags))
            blank = last and not bytes(window[:end]).strip()
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


def _read_into(handle: Any, start: int, view: memoryview) -> None:
    """Fill `view` with the file's bytes from `start` on."""
    handle.seek(start)
    filled = 0
    while filled < len(view):
        count = handle.readinto(view[filled:])
        if not count:
            raise SourceError(handle.name, "文件在读取时被截短")
        filled += count


def parse_csv_block(
    block: CsvBlock, info: SourceInfo, columns: Collection[str] | None = None
) -> RawBatch:
    """Parse one block into columns with exact file lines, refusing bad records.

    `columns` names the canonical columns to keep (None: every mapped one).
    """
    data = _block_data(block)
    if columns is not None:
        kept = {c: p for c, p in info.positions.items() if c in columns}
        info = replace(info, positions=kept)
    text = _utf8_block(data, info)
    if text is None:
        return _parse_block_slowly(bytes(data), block.first_line, info)

    invalid: list[str] = []

    def note_invalid(row: pv.InvalidRow) -> str:
        invalid.append(row.text)
        return "skip"

    names = [f"c{i}" for i in range(len(info.header))]
    wanted = {canon: names[pos] for canon, pos in info.positions.items()}
    quoted = b'"' in text if block.quoted is None else block.quoted
    undecodable = _UndecodableRows()
    try:
        with undecodable:
            table = pv.read_csv(
                pa.BufferReader(text),
                read_options=_read_options(names, len(text)),
                parse_options=pv.ParseOptions(
                    delimiter=info.delimiter,
                    newlines_in_values=quoted,
                    invalid_row_handler=note_invalid,
                ),
                convert_options=pv.ConvertOptions(
                    column_types={n: pa.string() for n in names},
                    include_columns=list(wanted.values()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
    except pa.ArrowInvalid:
        # Invalid UTF-8 somewhere in the block: find and refuse those lines.
        return _parse_block_slowly(bytes(data), block.first_line, info)
    columns = {canon: table.column(col) for canon, col in wanted.items()}

    # Without a quote character no field can hold a newline.
    rows = table.num_rows
    extra_newlines = (
        _field_newlines(columns, rows) if quoted else np.zeros(rows, dtype=np.int64)
    )
    physical = rows + int(extra_newlines.sum())
    newlines = block.newlines
    if newlines is None:
        newlines = bytes(text).count(b"\n")
    mismatch = physical != newlines + (text[-1:] != b"\n")
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


# Each process reads its blocks into one buffer: a fresh 16 MB object per
# block costs a page fault per few pages, more than reading the bytes.
_reading = threading.local()


def _block_data(block: CsvBlock) -> bytes | memoryview:
    """Return a block's bytes, as a view of this thread's buffer when it fits.

    The view is valid until the next block is read: callers keep nothing that
    points into it (pyarrow's CSV reader copies every value out).
    """
    size = block.stop - block.start
    if block.newlines is None or block.quoted is None or size > 2 * BLOCK_BYTES:
        return block.read()
    buffer = getattr(_reading, "buffer", None)
    if buffer is None or len(buffer) < size:
        buffer = _reading.buffer = bytearray(max(size, BLOCK_BYTES))
    view = memoryview(buffer)[:size]
    with open(block.path, "rb", buffering=0) as handle:
        _read_into(handle, block.start, view)
    return view


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
) -> bytes | memoryview | None:
    """Return a block as UTF-8 bytes (pyarrow checks them), None if undecodable."""
    if info.encoding == "utf-8":
        return data
    try:
        return str(data, info.encoding).encode("utf-8")
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
    header, header_line, rows = read_sheet_head(first, _cell_text, _is_header)
    positions, unknown = map_header(header)
    info = SourceInfo(
        str(path), "xlsx", "xlsx", ",", header, positions, unknown, header_line
    )
    check_header(info)

    def parts() -> Iterator[tuple[str, int, Iterator[tuple], dict[str, int]]]:
        yield "", header_line + 1, rows, positions
        for sheet in sheets[1:]:
            cells = sheet.iter_rows(values_only=True)
            own, own_line, rest = read_sheet_head(cells, _cell_text, _is_header)
            if _is_header(own):
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


def open_source(path: Path) -> tuple[SourceInfo, Iterator]:
    """Open any supported registry file; CSV yields raw blocks, the others batches."""
    kind = source_kind(path)
    if not path.exists():
        raise SourceError(str(path), "文件不存在")
    if kind == "xlsx":
        return read_xlsx(path)
    if kind == "jsonl":
        return read_jsonl(path)
    return open_csv(path)
