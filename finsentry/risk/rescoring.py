"""Scoring every firm in bulk: read the tables in a few queries, score, write back.

Findings are counted per firm, code and source by the database itself; the
platform reports are read once into a panel. Scores go through a staging
table into `risk_firmscore` with one statement per step, so that three
million firms take minutes, and the level changes are recorded on the way.
"""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterable, Iterator
from datetime import datetime

import numpy as np
import pyarrow as pa
from django.db import connection, transaction
from django.utils import timezone

from finsentry.docking.columns import NUMERIC
from finsentry.risk.breakdown import firm_breakdown
from finsentry.risk.firm_scoring import Evidence, OperatingPart, score_firms
from finsentry.risk.models import Rescore
from finsentry.risk.operating import OperatingScores, score_panel
from finsentry.risk.panel import build_panel
from finsentry.risk.weights import Weights

log = logging.getLogger(__name__)

FETCH_ROWS = 100_000
_STAGING_DDL = """
CREATE TEMPORARY TABLE IF NOT EXISTS risk_staging (
    firm_id bigint PRIMARY KEY, score smallint, level varchar(8),
    operating_month varchar(7), breakdown text
)
"""
_STAGED = ("firm_id", "score", "level", "operating_month", "breakdown")


def _ids_aggregate() -> str:
    if connection.vendor == "postgresql":
        return "string_agg(id::text, ',')"
    return "group_concat(id)"


def load_evidence() -> Evidence:
    """Return the live findings of linked firms counted per firm, code and source."""
    sql = (
        f"SELECT firm_id, code, source, count(*), {_ids_aggregate()} "
        "FROM rules_finding WHERE firm_id IS NOT NULL AND dismissed_at IS NULL "
        "GROUP BY firm_id, code, source"
    )
    firms, codes, sources, counts = [], [], [], []
    ids: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(FETCH_ROWS):
            f, c, s, n, i = zip(*rows, strict=True)
            firms.append(np.array(f, dtype=np.int64))
            codes.append(np.array(c, dtype=object))
            sources.append(np.array(s, dtype=object))
            counts.append(np.array(n, dtype=np.int64))
            ids += i
    if not firms:
        return Evidence.empty()
    return Evidence(
        np.concatenate(firms),
        np.concatenate(codes),
        np.concatenate(sources),
        np.concatenate(counts),
        list(ids),
    )


def load_reports() -> tuple[pa.Table, dict[str, tuple[int, int | None]]]:
    """Return every stored report as a table, and platform key → (id, firm id)."""
    columns = ("platform", "month", *NUMERIC, "custody_bank")
    chosen = ", ".join(f"r.{c}" for c in (*NUMERIC, "custody_bank"))
    sql = (
        f"SELECT p.key, r.month, {chosen} FROM docking_platformreport r "
        "JOIN docking_platform p ON p.id = r.platform_id"
    )
    parts: list[pa.Table] = []
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(FETCH_ROWS):
            values = list(zip(*rows, strict=True))
            arrays = [
                pa.array(values[0], pa.string()),
                pa.array(values[1], pa.string()),
            ]
            arrays += [pa.array(v, pa.float64()) for v in values[2:-1]]
            arrays.append(pa.array(values[-1], pa.string()))
            parts.append(pa.table(arrays, names=list(columns)))
        cursor.execute("SELECT key, id, firm_id FROM docking_platform")
        platforms = {key: (pid, firm) for key, pid, firm in cursor.fetchall()}
    if not parts:
        empty = [pa.array([], pa.string())] * 2 + [pa.array([], pa.float64())] * len(
            NUMERIC
        )
        parts.append(pa.table([*empty, pa.array([], pa.string())], names=list(columns)))
    return pa.concat_tables(parts), platforms


def operating_part(
    scores: OperatingScores, platforms: dict[str, tuple[int, int | None]]
) -> OperatingPart:
    """Return the raw operating points of each linked platform's latest month."""
    firms, raws, cells = [], [], []
    for p, key in enumerate(scores.panel.platforms):
        firm = platforms.get(key, (0, None))[1]
        months = np.flatnonzero(scores.panel.reported[p])
        if firm is None or not months.size:
            continue
        m = int(months[-1])
        firms.append(firm)
        raws.append(scores.raw[p, m])
        cells.append((p, m))
    if not firms:
        return OperatingPart.empty(len(scores.keys))
    return OperatingPart(np.array(firms, dtype=np.int64), np.stack(raws), cells)


def _load_staging(cursor, rows: Iterable[tuple]) -> None:
    """Fill the staging table by the fastest path the database offers."""
    cursor.execute(_STAGING_DDL)
    cursor.execute("DELETE FROM risk_staging")
    if connection.vendor == "postgresql":
        sql = f"COPY risk_staging ({', '.join(_STAGED)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute("ANALYZE risk_staging")
        return
    marks = ", ".join("?" for _ in _STAGED)
    cursor.cursor.executemany(f"INSERT INTO risk_staging VALUES ({marks})", rows)


def _distinct(a: str, b: str) -> str:
    op = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    return f"{a} {op} {b}"


def _write_firm_scores(cursor, run: Rescore, version: str, now: datetime) -> int:
    """Record level changes, then upsert staged scores and zero the rest."""
    stamp = connection.ops.adapt_datetimefield_value(now)
    breakdown = (
        "s.breakdown::jsonb" if connection.vendor == "postgresql" else "s.breakdown"
    )
    change = (
        "INSERT INTO risk_levelchange (firm_id, rescore_id, old_level, new_level, "
        "old_score, new_score, weights_version, changed_at) "
    )
    cursor.execute(
        change + "SELECT s.firm_id, %s, coalesce(f.level, 'low'), s.level, "
        "coalesce(f.score, 0), s.score, %s, %s FROM risk_staging s "
        "LEFT JOIN risk_firmscore f ON f.firm_id = s.firm_id "
        "WHERE s.level <> coalesce(f.level, 'low')",
        [run.pk, version, stamp],
    )
    changes = cursor.rowcount
    unstaged = (
        "NOT EXISTS (SELECT 1 FROM risk_staging s "
        "WHERE s.firm_id = risk_firmscore.firm_id)"
    )
    cursor.execute(
        change + "SELECT firm_id, %s, level, 'low', score, 0, %s, %s "
        f"FROM risk_firmscore WHERE level <> 'low' AND {unstaged}",
        [run.pk, version, stamp],
    )
    changes += cursor.rowcount

    fields = ("score", "level", "weights_version", "operating_month", "breakdown")
    updates = ", ".join(f"{c} = excluded.{c}" for c in (*fields, "computed_at"))
    differs = " OR ".join(
        _distinct(f"risk_firmscore.{c}", f"excluded.{c}") for c in fields
    )
    cursor.execute(
        "INSERT INTO risk_firmscore (firm_id, score, level, weights_version, "
        "operating_month, breakdown, computed_at) "
        f"SELECT s.firm_id, s.score, s.level, %s, s.operating_month, {breakdown}, %s "
        "FROM risk_staging s WHERE true "
        f"ON CONFLICT (firm_id) DO UPDATE SET {updates} WHERE {differs}",
        [version, stamp],
    )
    cursor.execute(
        "UPDATE risk_firmscore SET score = 0, level = 'low', weights_version = %s, "
        "operating_month = '', breakdown = NULL, computed_at = %s "
        f"WHERE (score <> 0 OR weights_version <> %s) AND {unstaged}",
        [version, stamp, version],
    )
    cursor.execute(
        "INSERT INTO risk_firmscore (firm_id, score, level, weights_version, "
        "operating_month, breakdown, computed_at) "
        "SELECT f.id, 0, 'low', %s, '', NULL, %s FROM registry_firm f "
        "WHERE NOT EXISTS (SELECT 1 FROM risk_firmscore r WHERE r.firm_id = f.id)",
        [version, stamp],
    )
    return changes


def _write_platform_scores(
    cursor,
    scores: OperatingScores,
    ids: dict[str, tuple[int, int | None]],
    version: str,
) -> None:
    """Replace the stored operating score of every platform and month."""
    panel = scores.panel
    levels = np.array(["low", "watch", "high", "critical"], dtype=object)
    bars = [scores.weights.levels[n] for n in ("watch", "high", "critical")]
    rows_p, cols_m = np.nonzero(panel.reported)
    values = scores.score[rows_p, cols_m]
    level = levels[np.searchsorted(bars, values, side="right")]
    keys = [ids[panel.platforms[p]][0] for p in rows_p.tolist()]
    months = [panel.months[m] for m in cols_m.tolist()]
    rows = list(zip(keys, months, values.tolist(), level.tolist(), strict=True))
    cursor.execute("DELETE FROM risk_platformmonthscore")
    columns = "platform_id, month, score, level, weights_version"
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(map(str, row)) + f"\t{version}\n")
        with cursor.cursor.copy(
            f"COPY risk_platformmonthscore ({columns}) FROM STDIN"
        ) as copy:
            copy.write(buffer.getvalue())
        return
    cursor.cursor.executemany(
        f"INSERT INTO risk_platformmonthscore ({columns}) VALUES (?, ?, ?, ?, ?)",
        [(*row, version) for row in rows],
    )


def rescore_all(weights: Weights) -> Rescore:
    """Score every firm and platform month with `weights`; return the finished run."""
    started = time.perf_counter()
    now = timezone.now()
    run = Rescore.objects.create(weights_version=weights.version, started_at=now)
    log.info("rescore started run=%d weights=%s", run.pk, weights.version)
    try:
        evidence = load_evidence()
        table, platforms = load_reports()
        panel_scores = score_panel(build_panel(table), weights)
        operating = operating_part(panel_scores, platforms)
        scores = score_firms(evidence, operating, weights)
        levels = [weights.level(int(s)) for s in scores.score.tolist()]
        months = {row: panel_scores.panel.months[operating.cells[i][1]]
                  for row, i in scores.operating_row.items()}  # fmt: skip

        def staged() -> Iterator[tuple]:
            # One firm at a time, so the breakdowns never sit in memory at once.
            for row, firm in enumerate(scores.firms.tolist()):
                items = firm_breakdown(row, scores, evidence, operating, panel_scores)
                text = json.dumps(items, ensure_ascii=False)
                month = months.get(row, "")
                yield firm, int(scores.score[row]), levels[row], month, text

        log.info(
            "rescore computed firms=%d seconds=%.1f",
            len(scores.firms),
            time.perf_counter() - started,
        )
        with transaction.atomic(), connection.cursor() as cursor:
            _load_staging(cursor, staged())
            changes = _write_firm_scores(cursor, run, weights.version, now)
            _write_platform_scores(cursor, panel_scores, platforms, weights.version)
            cursor.execute("SELECT count(*) FROM risk_firmscore")
            total = cursor.fetchone()[0]
    except Exception as exc:
        Rescore.objects.filter(pk=run.pk).update(
            status="failed", error=str(exc), finished_at=timezone.now()
        )
        log.error("rescore failed run=%d error=%s", run.pk, exc)
        raise
    scored = int(np.count_nonzero(scores.score))
    Rescore.objects.filter(pk=run.pk).update(
        status="finished",
        finished_at=timezone.now(),
        firms=total,
        firms_with_points=scored,
        level_changes=changes,
    )
    run.refresh_from_db()
    log.info(
        "rescore finished run=%d firms=%d with_points=%d level_changes=%d seconds=%.1f",
        run.pk,
        total,
        scored,
        changes,
        time.perf_counter() - started,
    )
    # Level changes become alerts now; imported here so risk never needs alerts.
    from finsentry.alerts.raising import sweep, sweep_after

    sweep_after("rescore", sweep)
    return run
