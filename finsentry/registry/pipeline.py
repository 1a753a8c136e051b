"""From a registry file to validated, screened batches: the path every import takes.

`screened_batches` is shared by the database import and by `finsentry screen`
on a file alone. CSV blocks are parsed, validated and screened in worker
processes (one per core); the main process keeps order and refuses repeated
codes, so results equal a single-process run.
"""

import gc
import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import forkserver
from pathlib import Path
from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from finsentry.registry import sources, utf8check
from finsentry.registry.licensing import LicenceIndex
from finsentry.registry.repeats import DuplicateGuard
from finsentry.registry.screening import KeywordScanner, Screening, WordList
from finsentry.registry.screening_batch import screen_batch
from finsentry.registry.sources import CsvBlock, RawBatch, Reject, SourceInfo
from finsentry.registry.validation import source_columns, validate_batch

log = logging.getLogger(__name__)


@dataclass
class Screened:
    """One batch of accepted rows with their screening, and the rows refused."""

    table: pa.Table
    results: dict[int, Screening]
    rejects: list[Reject]
    warned: int = 0


@dataclass
class Screener:
    """The word list and licence index of a screening; compiled once per process."""

    words: WordList
    licences: LicenceIndex | None = None
    _scanner: KeywordScanner | None = field(default=None, repr=False)

    @property
    def scanner(self) -> KeywordScanner:
        if self._scanner is None:
            self._scanner = KeywordScanner(self.words)
        return self._scanner

    def __getstate__(self) -> dict:
        # A compiled scanner travels serialised (KeywordScanner.__getstate__);
        # an uncompiled one is compiled where it is first used.
        return {
            "words": self.words,
            "licences": self.licences,
            "_scanner": self._scanner,
        }


# Columns screen_table adds to a validated batch, in this order.
SCREENING_COLUMNS = (
    "is_market_entity",
    "flagged",
    "licensed",
    "licence_kind",
    "domains",
    "keywords",
    "reasons",
)


def screen_table(
    table: pa.Table, screener: Screener, keep_hits: bool = True
) -> Screened:
    """Add screening columns to a validated table and return it with per-row results.

    Without `keep_hits` the results carry no hits: the columns are the same.
    """
    results = screen_batch(
        table["uscc"],
        table["name_normalized"],
        table["scope"],
        screener.scanner,
        screener.licences,
        keep_hits,
    )
    rows = table.num_rows
    # Rows with a result share few distinct outcomes: each row gets the number
    # of its outcome's cell (0: the defaults of a row with none), and each
    # column is its cells taken by those numbers.
    numbers, cells = _result_cells(rows, results)
    taken = pa.array(numbers)
    extra = {
        "is_market_entity": pc.starts_with(table["uscc"], "9"),
        "flagged": pa.array(np.array([c[0] for c in cells], dtype=np.int8)[numbers]),
        "licensed": pa.array(np.array([c[1] for c in cells], dtype=np.int8)[numbers]),
    }
    for at, name in enumerate(("licence_kind", "domains", "keywords", "reasons"), 2):
        extra[name] = pa.array([c[at] for c in cells], type=pa.string()).take(taken)
    for name, column in extra.items():
        table = table.append_column(name, column)
    return Screened(table, results, [])


# The cell of a row with no result: not flagged, not licensed, no texts.
_NO_RESULT = (False, False, "", "", "", "")


def _result_cells(
    rows: int, results: dict[int, Screening]
) -> tuple[np.ndarray, list[tuple]]:
    """Return each row's cell number and the (flagged, licensed, kind, domains,
    keywords, reasons) cells, the first for rows without a result."""
    # A words-only outcome is one object per summary; an outcome with hits is
    # its own object but shares the summary's tuples. Either way the texts
    # are joined once. The objects stay alive in `results`, so an id stands
    # for one here.
    by_object: dict[int, int] = {}
    by_texts: dict[tuple, int] = {}
    cells = [_NO_RESULT]
    places: list[int] = []
    for r in results.values():
        number = by_object.get(id(r))
        if number is None:
            texts = (id(r.domains), id(r.keywords), id(r.reasons), r.licence_kind)
            key = (*texts, r.flagged, r.licensed)
            number = by_texts.get(key)
            if number is None:
                number = by_texts[key] = len(cells)
                cells.append(
                    (
                        r.flagged,
                        r.licensed,
                        r.licence_kind or "",
                        ";".join(r.domains),
                        ";".join(r.keywords),
                        "；".join(r.reasons),
                    )
                )
            by_object[id(r)] = number
        places.append(number)
    numbers = np.zeros(rows, dtype=np.int32)
    numbers[list(results)] = places
    return numbers, cells


def screen_raw(
    raw: RawBatch, screener: Screener, columns: Sequence[str] | None = None
) -> Screened:
    """Validate and screen a parsed batch; `columns` keeps only those columns."""
    valid = validate_batch(raw, columns)
    screened = screen_table(valid.table, screener, keep_hits=columns is None)
    if columns is not None:
        # A caller that names its columns writes the table, not the findings:
        # the per-row results would only cost pickling between processes.
        screened.table = screened.table.select(list(columns))
        screened.results = {}
    screened.rejects = valid.rejects
    screened.warned = valid.warned
    return screened


def screen_block(
    block: CsvBlock,
    info: SourceInfo,
    screener: Screener,
    columns: Sequence[str] | None = None,
) -> Screened:
    """Parse, validate and screen one CSV block (a `run_blocks` task)."""
    needed = None if columns is None else source_columns(columns)
    raw = sources.parse_csv_block(block, info, needed)
    return screen_raw(raw, screener, columns)


def kept_columns(columns: Sequence[str] | None) -> list[str] | None:
    """Return `columns` with `uscc` and `line` first, which every batch keeps."""
    if columns is None:
        return None
    return list(dict.fromkeys(["uscc", "line", *columns]))


def screened_batches(
    path: Path,
    screener: Screener,
    workers: int = 1,
    columns: Sequence[str] | None = None,
) -> tuple[SourceInfo, Iterator[Screened]]:
    """Open a registry file; return its info and the screened batches in file order.

    `columns` keeps only those columns (plus `uscc` and `line`), so workers
    send back no more than the caller writes.
    """
    info, items = sources.open_source(path)
    columns = kept_columns(columns)
    stream: Iterator[Screened]
    if info.kind != "csv":
        stream = (screen_raw(raw, screener, columns) for raw in items)
    else:
        stream = run_blocks(items, info, screener, workers, screen_block, columns)
    return info, _without_repeats(stream, DuplicateGuard())


def _without_repeats(
    stream: Iterator[Screened], guard: DuplicateGuard
) -> Iterator[Screened]:
    for screened in stream:
        table, kept_rows, repeats = guard.keep_first(screened.table)
        if kept_rows is not None:
            old_to_new = {old: new for new, old in enumerate(kept_rows)}
            screened.results = {
                old_to_new[i]: r for i, r in screened.results.items() if i in old_to_new
            }
            screened.table = table
            screened.rejects = sorted(screened.rejects + repeats, key=lambda r: r.line)
        yield screened


Result = TypeVar("Result")
# A unit of work on one block: (block, info, screener, columns) -> result.
BlockTask = Callable[[CsvBlock, SourceInfo, Screener, Sequence[str] | None], Result]


def run_blocks(
    blocks: Iterator[CsvBlock],
    info: SourceInfo,
    screener: Screener,
    workers: int,
    task: BlockTask[Result],
    columns: Sequence[str] | None = None,
    fork: bool = False,
) -> Iterator[Result]:
    """Return `task` of each block in file order, run in `workers` processes.

    `task` must be a module-level function, as it travels by name. With
    `fork` the workers are forked from this process, which must then hold
    no database connection or thread of its own (a file screening); else
    they come from a fork server.
    """
    if workers <= 1:
        return (task(block, info, screener, columns) for block in blocks)
    return _parallel(blocks, info, screener, workers, task, columns, fork)


_worker_screener: Screener | None = None


def _init_worker(screener: Screener) -> None:
    global _worker_screener
    # One process per core already: pyarrow's and polars' own threads would
    # only compete.
    pa.set_cpu_count(1)
    utf8check.single_threaded()
    # Screening makes millions of short-lived objects that hold no cycles:
    # collecting less often, and never the objects made so far, saves about
    # a tenth of its time.
    gc.freeze()
    gc.set_threshold(10_000, 50, 1000)
    _worker_screener = screener
    assert screener.scanner is not None  # compile before the first block arrives


def _in_worker(
    task: BlockTask[Result],
    block: CsvBlock,
    info: SourceInfo,
    columns: Sequence[str] | None,
) -> Result:
    assert _worker_screener is not None
    return task(block, info, _worker_screener, columns)


def _parallel(
    blocks: Iterator[CsvBlock],
    info: SourceInfo,
    screener: Screener,
    workers: int,
    task: BlockTask[Result],
    columns: Sequence[str] | None,
    fork: bool = False,
) -> Iterator[Result]:
    """Run `task` on blocks in worker processes, at most two blocks ahead per worker."""
    context: multiprocessing.context.BaseContext
    fork = fork and "fork" in multiprocessing.get_all_start_methods()
    # polars' threads do not survive a fork: a process that has loaded it
    # (a single-process screening before) starts its workers from a server.
    if fork and not utf8check.loaded():
        # A forked worker starts at once with this process's modules and
        # compiled word databases: no server to start, nothing to import.
        context = multiprocessing.get_context("fork")
        assert screener.scanner is not None
    else:
        context = multiprocessing.get_context("forkserver")
        # Workers fork from a server that has imported the pipeline once, and
        # pandas where installed: pyarrow loads it on its first array (~1 s).
        context.set_forkserver_preload(["pandas", "finsentry.registry.pipeline"])
        # The server imports while this process compiles the word databases,
        # which the workers then load instead of compiling one each.
        forkserver.ensure_running()
        assert screener.scanner is not None
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(screener,)
    ) as pool:
        pending: deque[Future[Result]] = deque()
        for block in blocks:
            pending.append(pool.submit(_in_worker, task, block, info, columns))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
