"""Screening a registry file on its own, with no database (`finsentry screen FILE`)."""

import csv
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from finsentry.registry.pipeline import Screener, screened_batches
from finsentry.registry.sources import REJECT_COLUMNS, write_rejects

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


def default_workers() -> int:
    """Return how many worker processes suit this machine: one per core, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


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
    info, batches = screened_batches(source, screener, workers, OUT_COLUMNS)
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
    schema = _out_schema()
    with out.open("wb") as sink:
        sink.write(BOM)
        with pv.CSVWriter(sink, schema) as writer:
            for batch in batches:
                table = batch.table.select(OUT_COLUMNS).cast(schema)
                writer.write_table(table)
                summary.accepted += table.num_rows
                summary.flagged += pc.sum(table["flagged"]).as_py() or 0
                summary.licensed += pc.sum(table["licensed"]).as_py() or 0
                summary.warned += batch.warned
                summary.rejected += len(batch.rejects)
                if reject_writer:
                    write_rejects(reject_writer, batch.rejects)
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


def _out_schema() -> pa.Schema:
    types = {"flagged": pa.int8(), "licensed": pa.int8(), "line": pa.int64()}
    return pa.schema([(c, types.get(c, pa.string())) for c in OUT_COLUMNS])
