"""Finding the header of a registry or report file among its top lines.

Registration exports often put a title, an export date or a blank line
above the header; the header is the first of the top lines that names every
required column, and records begin below it, their lines still the file's
own.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from finsentry.registry.encoding import detect_encoding
from finsentry.registry.errors import SourceError

# How many lines from the top may hold the header: registration exports put a
# title, an export date or a blank line above it.
HEADER_SEARCH = 10


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


def require_columns(
    path: str,
    header: list[str],
    missing: list[str],
    labels: Mapping[str, str],
    line: int,
) -> None:
    """Raise SourceError naming the required columns (`missing`) a header lacks."""
    if missing:
        names = "、".join(f"{c}（{labels[c]}）" for c in missing)
        found = "、".join(header) or "无"
        raise SourceError(path, f"缺少必需列 {names}；表头为：{found}", line=line)
