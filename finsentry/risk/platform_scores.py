"""Scoring a platform report file alone, with no database: `score-platforms`.

The file is read and checked as an import would (same columns, encodings
and refusals), then every platform and month is scored from the months up
to it. The result is the operating-data part of the firm score.
"""

from __future__ import annotations

import csv
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from finsentry.docking.reading import open_reports
from finsentry.docking.validation import REJECT_COLUMNS, check_reports
from finsentry.registry.sources import Reject, write_rejects
from finsentry.risk.explain import explain_month
from finsentry.risk.operating import OperatingScores, score_panel
from finsentry.risk.panel import build_panel
from finsentry.risk.weights import Weights, packaged_weights

log = logging.getLogger(__name__)

OUT_COLUMNS = ["platform", "month", "score", "level", "explanation"]


@dataclass
class ReadReports:
    """The accepted rows of a report file as one table, and what was refused."""

    table: pa.Table
    rejects: list[Reject] = field(default_factory=list)
    rejected_rows: int = 0
    encoding: str = ""


def read_report_file(path: Path) -> ReadReports:
    """Return a report file's accepted rows and refusals, checked as an import does."""
    info, batches = open_reports(path)
    seen: dict[tuple[str, str], int] = {}
    tables, rejects, refused = [], [], 0
    for batch in batches:
        checked = check_reports(batch, seen)
        tables.append(checked.table)
        rejects += checked.rejects
        refused += checked.rejected_rows
    if not tables:
        # A file with a header and no rows: an empty table of the right shape.
        from finsentry.docking.reading import records_batch

        tables.append(check_reports(records_batch([])).table)
    return ReadReports(pa.concat_tables(tables), rejects, refused, info.encoding)


def score_table(table: pa.Table, weights: Weights | None = None) -> OperatingScores:
    """Return the operating scores of every platform and month in a checked table."""
    return score_panel(build_panel(table), weights or packaged_weights())


def write_scores(scores: OperatingScores, out: Path, explain: bool = True) -> int:
    """Write platform,month,score,level(,explanation) for every reported month."""
    panel = scores.panel
    rows, cols = np.nonzero(panel.reported)
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(OUT_COLUMNS if explain else OUT_COLUMNS[:4])
        for p, m in zip(rows.tolist(), cols.tolist(), strict=True):
            score = int(scores.score[p, m])
            line = [panel.platforms[p], panel.months[m], score, scores.level(p, m)]
            if explain:
                items = explain_month(scores, p, m) if score else []
                line.append("；".join(f"{e.text} +{e.points}" for e in items))
            writer.writerow(line)
    return len(rows)


def score_report_file(
    path: Path,
    out: Path,
    rejects_path: Path | None = None,
    weights: Weights | None = None,
    explain: bool = True,
) -> ReadReports:
    """Score a report file into `out` and its refusals into `rejects_path`."""
    started = time.perf_counter()
    read = read_report_file(path)
    scores = score_table(read.table, weights)
    written = write_scores(scores, out, explain)
    if rejects_path is not None:
        with rejects_path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(REJECT_COLUMNS)
            write_rejects(writer, read.rejects)
    log.info(
        "platforms scored file=%s platforms=%d rows=%d rejected=%d seconds=%.2f",
        path,
        len(scores.panel.platforms),
        written,
        read.rejected_rows,
        time.perf_counter() - started,
    )
    return read
