"""Screening a registry file on its own, with no database (`finsentry screen FILE`).

Worker processes parse, validate, screen and render their blocks as rows of
OUT.csv; this process refuses repeated codes, keeps order and writes. A
rendered batch travels as its CSV text and the codes and lines of its rows,
which is all the repeat check needs, so writing costs this process next to
nothing; a batch with a repeated code loses those rows' lines of text.
"""

import csv
import logging
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.csv as pv

from finsentry.registry import sources
from finsentry.registry.pipeline import (
    Screened,
    Screener,
    kept_columns,
    run_blocks,
    screen_block,
    screen_raw,
)
from finsentry.registry.repeats import DuplicateGuard, code_digests
from finsentry.registry.sources import REJECT_COLUMNS, CsvBlock, Reject, SourceInfo

log = logging.getLogger(__name__)

OUT_COLUMNS = [
    "uscc",
    "name",
    "flagged",
    "licensed",
    "domains",
    "keywords",
    "reasons",
    "licence_kind",
    "region_code",
    "city_code",
    "county_code",
    "line",
]
BOM = "\ufeff".encode()
_TYPES = {"flagged": pa.int8(), "licensed": pa.int8(), "line": pa.int64()}
OUT_SCHEMA = pa.schema([(c, _TYPES.get(c, pa.string())) for c in OUT_COLUMNS])
_ROWS_ONLY = pv.WriteOptions(include_header=False)


@dataclass
class ScreenSummary:
    """Counts of one file screening, for the console and the log."""

    source: str
    encoding: str
    accepted: int = 0
    rejected: int = 0
    flagged: int = 0
    licensed: int = 0
    warned: int = 0
    seconds: float = 0.0


@dataclass
class Rendered:
    """A screened batch as OUT.csv rows, with what the repeat check needs.

    `text` holds one line per row; when a field holds a newline it is None
    and `table` holds the rows instead. `keys` has each row's `uscc` and
    `line`, `digests` their `code_digests`, sorted.
    """

    text: bytes | None
    table: pa.Table | None
    keys: pa.Table
    digests: np.ndarray
    flagged: np.ndarray
    licensed: np.ndarray
    rejects: list[Reject]
    warned: int


def default_workers() -> int:
    """Return how many worker processes suit this machine: one per core, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


def render(screened: Screened) -> Rendered:
    """Return a screened batch rendered as OUT.csv rows."""
    table = screened.table.select(OUT_COLUMNS).cast(OUT_SCHEMA)
    sink = pa.BufferOutputStream()
    pv.write_csv(table, sink, _ROWS_ONLY)
    text: bytes | None = sink.getvalue().to_pybytes()
    assert text is not None
    one_line_each = text.count(b"\n") == table.num_rows
    keys = table.select(["uscc", "line"])
    return Rendered(
        text if one_line_each else None,
        None if one_line_each else table,
        keys,
        np.sort(code_digests(keys["uscc"])),
        table["flagged"].to_numpy(),
        table["licensed"].to_numpy(),
        screened.rejects,
        screened.warned,
    )


def render_block(
    block: CsvBlock, info: SourceInfo, screener: Screener, columns: Sequence[str] | None
) -> Rendered:
    """Screen one CSV block and render it (a `run_blocks` task)."""
    return render(screen_block(block, info, screener, columns))


def rendered_batches(
    source: Path, screener: Screener, workers: int
) -> tuple[SourceInfo, Iterator[Rendered]]:
    """Open a registry file; return its info and its rendered batches in order."""
    info, items = sources.open_source(source)
    columns = kept_columns(OUT_COLUMNS)
    if info.kind == "csv":
        # This process holds no connection or thread of its own: fork.
        batches = run_blocks(
            items, info, screener, workers, render_block, columns, fork=True
        )
    else:
        batches = (render(screen_raw(raw, screener, columns)) for raw in items)
    return info, batches


def screen_file(
    source: Path,
    out: Path,
    rejects_path: Path | None,
    screener: Screener,
    workers: int | None = None,
) -> ScreenSummary:
    """Screen a registry file into OUT (a row per accepted record) and rejects."""
    started = time.perf_counter()
    workers = default_workers() if workers is None else workers
    info, batches = rendered_batches(source, screener, workers)
    summary = ScreenSummary(str(source), info.encoding)
    log.info(
        "screening started source=%s encoding=%s workers=%d",
        source,
        info.encoding,
        workers,
    )

    reject_file = (
        rejects_path.open("w", encoding="utf-8-sig", newline="")
        if rejects_path
        else None
    )
    reject_writer = csv.writer(reject_file) if reject_file else None
    if reject_writer:
        reject_writer.writerow(REJECT_COLUMNS)
    guard = DuplicateGuard()
    with out.open("wb") as sink:
        sink.write(BOM)
        pv.write_csv(OUT_SCHEMA.empty_table(), sink)
        for batch in batches:
            rows, rejects = _write_batch(batch, guard, sink, summary)
            summary.accepted += rows
            summary.warned += batch.warned
            summary.rejected += len(rejects)
            if reject_writer:
                sources.write_rejects(reject_writer, rejects)
    if reject_file:
        reject_file.close()

    summary.seconds = time.perf_counter() - started
    log.info(
        "screening finished accepted=%d rejected=%d flagged=%d licensed=%d "
        "seconds=%.1f",
        summary.accepted,
        summary.rejected,
        summary.flagged,
        summary.licensed,
        summary.seconds,
    )
    return summary


def _write_batch(
    batch: Rendered, guard: DuplicateGuard, sink: BinaryIO, summary: ScreenSummary
) -> tuple[int, list[Reject]]:
    """Write the rows of `batch` whose code is new; return their count and rejects."""
    _, kept, repeats = guard.keep_first(batch.keys, batch.digests)
    flagged, licensed = batch.flagged, batch.licensed
    if kept is not None:
        flagged, licensed = flagged[kept], licensed[kept]
    summary.flagged += int(np.count_nonzero(flagged))
    summary.licensed += int(np.count_nonzero(licensed))

    if batch.text is not None:
        text = batch.text if kept is None else _kept_lines(batch.text, kept)
        sink.write(text)
    else:
        assert batch.table is not None
        taken = pa.array(kept or [], type=pa.int64())
        table = batch.table if kept is None else batch.table.take(taken)
        pv.write_csv(table, sink, _ROWS_ONLY)
    rows = len(batch.digests) if kept is None else len(kept)
    if not repeats:
        return rows, batch.rejects
    return rows, sorted(batch.rejects + repeats, key=lambda r: r.line)


def _kept_lines(text: bytes, kept: list[int]) -> bytes:
    """Return the lines of `text` numbered in `kept` (ascending), joined."""
    ends = np.flatnonzero(np.frombuffer(text, dtype=np.uint8) == ord("\n")) + 1
    starts = np.concatenate(([0], ends[:-1]))
    rows = np.asarray(kept, dtype=np.intp)
    # Consecutive kept rows are one slice of the text.
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    firsts = rows[np.concatenate(([0], breaks))] if len(rows) else rows
    lasts = rows[np.concatenate((breaks - 1, [len(rows) - 1]))] if len(rows) else rows
    return b"".join(
        text[start:stop]
        for start, stop in zip(
            starts[firsts].tolist(), ends[lasts].tolist(), strict=True
        )
    )
