"""Screening a registry file on its own, with no database (`finsentry screen FILE`).

Worker processes parse, validate, screen and render their blocks as rows of
OUT.csv, each block into a spool file beside OUT; this process refuses
repeated codes, keeps order and appends the spool files to OUT in the
kernel (copy_file_range). A rendered batch travels back as its spool file's
name and the codes and lines of its rows, which is all the repeat check
needs: the rendered text never passes through a pipe or a pickle. A batch
with a repeated code is read back and written without those rows.
"""

import csv
import functools
import logging
import os
import shutil
import tempfile
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
# Quotes only where a field needs them (a comma, quote or newline): a sixth
# less to write than quoting every text field, and read the same.
HEADER_OPTIONS = pv.WriteOptions(quoting_style="needed")
ROW_OPTIONS = pv.WriteOptions(include_header=False, quoting_style="needed")
# Rows of a block with no value to quote (`_write_rows`).
_UNQUOTED_OPTIONS = pv.WriteOptions(include_header=False, quoting_style="none")


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
    """A screened batch rendered as OUT.csv rows, with what the repeat check needs.

    `path` is the spool file holding the rows, one CSV record each; `keys`
    has each row's `uscc` and `line`, `digests` their `code_digests`, sorted.
    """

    path: Path
    keys: pa.Table
    digests: np.ndarray
    flagged: np.ndarray
    licensed: np.ndarray
    rejects: list[Reject]
    warned: int


def default_workers() -> int:
    """Return how many worker processes suit this machine: one per core, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


def render(screened: Screened, spool: Path) -> Rendered:
    """Return a screened batch rendered as OUT.csv rows into a new file in `spool`."""
    table = screened.table.select(OUT_COLUMNS).cast(OUT_SCHEMA)
    handle, name = tempfile.mkstemp(suffix=".csv", dir=spool)
    os.close(handle)
    _write_rows(_with_flag_texts(table), name)
    keys = table.select(["uscc", "line"])
    return Rendered(
        Path(name),
        keys,
        np.sort(code_digests(keys["uscc"])),
        table["flagged"].to_numpy(),
        table["licensed"].to_numpy(),
        screened.rejects,
        screened.warned,
    )


def _write_rows(table: pa.Table, path: str) -> None:
    """Write `table` as CSV rows to `path`, quoting only where a block needs it.

    Almost every block holds no comma, quote or line break in any value: it
    is written with no quotes at all (a seventh less to write and to copy).
    The writer refuses such a value itself, and then the block is written
    again, every text quoted.
    """
    try:
        pv.write_csv(table, path, _UNQUOTED_OPTIONS)
    except pa.ArrowInvalid:
        pv.write_csv(table, path, ROW_OPTIONS)


# The CSV writer formats integers through a general cast, a fifth of its
# time for two columns of 0 and 1: taking "0" or "1" is a tenth of that.
_FLAG_TEXTS = pa.array(["0", "1"])


def _with_flag_texts(table: pa.Table) -> pa.Table:
    """Return `table` with `flagged` and `licensed` as the texts "0" and "1"."""
    for column in ("flagged", "licensed"):
        at = table.schema.get_field_index(column)
        table = table.set_column(at, column, _FLAG_TEXTS.take(table[column]))
    return table


def render_block(
    block: CsvBlock,
    info: SourceInfo,
    screener: Screener,
    columns: Sequence[str] | None,
    spool: Path,
) -> Rendered:
    """Screen one CSV block and render it into `spool` (a `run_blocks` task)."""
    return render(screen_block(block, info, screener, columns), spool)


def rendered_batches(
    source: Path, screener: Screener, workers: int, spool: Path
) -> tuple[SourceInfo, Iterator[Rendered]]:
    """Open a registry file; return its info and its rendered batches in order.

    The batches' rows are in spool files in `spool`, which the caller removes.
    """
    info, items = sources.open_source(source)
    columns = kept_columns(OUT_COLUMNS)
    if info.kind == "csv":
        task = functools.partial(render_block, spool=spool)
        # This process holds no connection or thread of its own: fork.
        batches = run_blocks(items, info, screener, workers, task, columns, fork=True)
    else:
        batches = (render(screen_raw(raw, screener, columns), spool) for raw in items)
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
    # Spool files live beside OUT: on one file system they join it in the kernel.
    spool = Path(tempfile.mkdtemp(prefix=".screen-", dir=out.parent))
    try:
        summary = _screen_into(source, out, rejects_path, screener, workers, spool)
    finally:
        shutil.rmtree(spool, ignore_errors=True)
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


def _screen_into(
    source: Path,
    out: Path,
    rejects_path: Path | None,
    screener: Screener,
    workers: int,
    spool: Path,
) -> ScreenSummary:
    info, batches = rendered_batches(source, screener, workers, spool)
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
        pv.write_csv(OUT_SCHEMA.empty_table(), sink, HEADER_OPTIONS)
        for batch in batches:
            rows, rejects = _write_batch(batch, guard, sink, summary)
            summary.accepted += rows
            summary.warned += batch.warned
            summary.rejected += len(rejects)
            if reject_writer:
                sources.write_rejects(reject_writer, rejects)
    if reject_file:
        reject_file.close()
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

    if kept is None:
        _append_file(sink, batch.path)
    else:
        table = _read_rendered(batch.path).take(pa.array(kept, type=pa.int64()))
        pv.write_csv(table, sink, ROW_OPTIONS)
    batch.path.unlink()
    rows = len(batch.digests) if kept is None else len(kept)
    if not repeats:
        return rows, batch.rejects
    return rows, sorted(batch.rejects + repeats, key=lambda r: r.line)


def _append_file(sink: BinaryIO, path: Path) -> None:
    """Append the whole file at `path` to `sink`, in the kernel where it can."""
    sink.flush()
    with path.open("rb") as source:
        size = os.fstat(source.fileno()).st_size
        copied = 0
        try:
            while copied < size:
                step = os.copy_file_range(source.fileno(), sink.fileno(), size - copied)
                if step == 0:
                    break
                copied += step
        except (AttributeError, OSError):
            # No copy_file_range here (another OS, or across file systems).
            pass
        if copied < size:
            source.seek(copied)
            shutil.copyfileobj(source, sink, 1 << 20)
    # The copy moved the file's offset under the buffered writer: catch up.
    sink.seek(0, os.SEEK_END)


def _read_rendered(path: Path) -> pa.Table:
    """Return the rows of a spool file as a table of OUT_SCHEMA."""
    return pv.read_csv(
        path,
        read_options=pv.ReadOptions(column_names=OUT_COLUMNS),
        convert_options=pv.ConvertOptions(
            column_types=OUT_SCHEMA,
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
        parse_options=pv.ParseOptions(newlines_in_values=True),
    )
