"""Importing a registry file into the database, batch by batch.

Each batch of rows is one transaction: loaded into a temporary staging table
(PostgreSQL through COPY, SQLite through executemany), compared with the
firms already stored to record changes of name, scope and status, then
upserted by credit code. A failure leaves every committed batch whole and the
failing one absent; running the import again finishes the job with no
duplicates, because every write is keyed by the credit code.
"""

import csv
import hashlib
import io
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pv
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from finsentry.registry.findings import record_screening_findings
from finsentry.registry.models import ImportRun
from finsentry.registry.pipeline import (
    SCREENING_COLUMNS,
    Screened,
    Screener,
    screened_batches,
)
from finsentry.registry.sources import REJECT_COLUMNS, write_rejects
from finsentry.registry.validation import OUTPUT_COLUMNS

log = logging.getLogger(__name__)

BATCH_ROWS = 20_000
TRACKED = ("name", "scope", "status")
# Every validated column but the file line, then the screening result.
STAGED = (
    *(c for c in OUTPUT_COLUMNS if c != "line"),
    *SCREENING_COLUMNS,
)
_STAGING_DDL = """
CREATE TEMPORARY TABLE IF NOT EXISTS registry_staging (
    uscc varchar(18) PRIMARY KEY, name text, name_normalized text, scope text,
    region_code text, city_code text, county_code text, established date,
    capital_wan numeric, capital_currency text, legal_rep text, address text,
    phone text, website text, status text, warnings text,
    is_market_entity boolean, flagged boolean, licensed boolean,
    licence_kind text, domains text, keywords text, reasons text
)
"""


def import_registry(
    path: Path,
    screener: Screener,
    rejects_path: Path | None = None,
    workers: int = 1,
) -> ImportRun:
    """Import, validate and screen a registry file; return the finished ImportRun."""
    rejects_path = rejects_path or _default_rejects_path(path)
    run = ImportRun.objects.create(
        source_name=str(path),
        source_sha256=_sha256(path),
        started_at=timezone.now(),
        rejects_path=str(rejects_path),
    )
    started = time.perf_counter()
    log.info("import started run=%d source=%s", run.pk, path)

    try:
        info, batches = screened_batches(path, screener, workers)
        run.encoding = info.encoding
        ImportRun.objects.filter(pk=run.pk).update(encoding=info.encoding)
        with rejects_path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(REJECT_COLUMNS)
            for part in _parts(batches):
                commit_batch(run, part, screener)
                write_rejects(writer, part.rejects)
                handle.flush()
    except Exception as exc:
        run.refresh_from_db()
        run.status = "failed"
        run.error = str(exc)
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at", "encoding"])
        log.error(
            "import failed run=%d batches=%d error=%s",
            run.pk,
            run.batches_committed,
            exc,
        )
        raise

    run.refresh_from_db()
    run.status = "finished"
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at", "encoding"])
    log.info(
        "import finished run=%d read=%d inserted=%d updated=%d rejected=%d "
        "seconds=%.1f",
        run.pk,
        run.rows_read,
        run.rows_inserted,
        run.rows_updated,
        run.rows_rejected,
        time.perf_counter() - started,
    )
    return run


def _parts(batches: Iterator[Screened]) -> Iterator[Screened]:
    """Split screened blocks into commit-sized parts; rejects travel with the first."""
    for batch in batches:
        rows = batch.table.num_rows
        if rows <= BATCH_ROWS:
            yield batch
            continue
        for start in range(0, rows, BATCH_ROWS):
            stop = min(start + BATCH_ROWS, rows)
            results = {
                i - start: r for i, r in batch.results.items() if start <= i < stop
            }
            rejects = batch.rejects if start == 0 else []
            warned = batch.warned if start == 0 else 0
            yield Screened(
                batch.table.slice(start, stop - start), results, rejects, warned
            )


def commit_batch(run: ImportRun, part: Screened, screener: Screener) -> None:
    """Write one part in one transaction: firms, changes, findings, run counts."""
    now = timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_STAGING_DDL)
            cursor.execute("DELETE FROM registry_staging")
            _stage(cursor, part.table)
            counts = _compare(cursor, part.table.num_rows)
            if counts["inserted"] < part.table.num_rows:
                _record_changes(cursor, run.pk, now)
            _upsert(cursor, now, screener.words.version)
        record_screening_findings(part, screener.words.version, now)
        ImportRun.objects.filter(pk=run.pk).update(
            rows_read=F("rows_read") + part.table.num_rows + len(part.rejects),
            rows_inserted=F("rows_inserted") + counts["inserted"],
            rows_updated=F("rows_updated") + counts["updated"],
            rows_unchanged=F("rows_unchanged") + counts["unchanged"],
            rows_rejected=F("rows_rejected") + len(part.rejects),
            rows_warned=F("rows_warned") + part.warned,
            batches_committed=F("batches_committed") + 1,
        )


def _stage(cursor, table: pa.Table) -> None:
    """Load a batch into the staging table by the fastest path the database offers."""
    table = table.select(list(STAGED))
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        bools = {"is_market_entity", "flagged", "licensed"}
        cast = pa.schema(
            [
                (c, pa.bool_() if c in bools else table.schema.field(c).type)
                for c in STAGED
            ]
        )
        pv.write_csv(table.cast(cast), buffer, pv.WriteOptions(include_header=False))
        columns = ", ".join(STAGED)
        sql = f"COPY registry_staging ({columns}) FROM STDIN WITH (FORMAT csv)"
        with cursor.cursor.copy(sql) as copy:
            copy.write(buffer.getvalue())
        # One batch joins a few thousand staged codes to millions of stored
        # firms: index probes, never a scan of the whole table, whatever the
        # (often stale, mid-import) statistics say.
        cursor.execute("ANALYZE registry_staging (uscc)")
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        return
    marks = ", ".join("?" for _ in STAGED)
    rows = zip(*(table[c].to_pylist() for c in STAGED), strict=True)
    cursor.cursor.executemany(f"INSERT INTO registry_staging VALUES ({marks})", rows)


def _distinct(a: str, b: str) -> str:
    op = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    return f"{a} {op} {b}"


def _changed_condition(stored: str, incoming: str) -> str:
    """Return SQL true when any staged column differs between the two aliases."""
    fields = [c for c in STAGED if c != "uscc"]
    return " OR ".join(_distinct(f"{stored}.{c}", f"{incoming}.{c}") for c in fields)


def _compare(cursor, staged: int) -> dict[str, int]:
    """Count staged rows that are new, changed or unchanged against stored firms."""
    cursor.execute(
        "SELECT count(*), coalesce(sum(CASE WHEN "
        + _changed_condition("f", "s")
        + " THEN 1 ELSE 0 END), 0) FROM registry_staging s "
        "JOIN registry_firm f ON f.uscc = s.uscc"
    )
    existing, changed = cursor.fetchone()
    return {
        "inserted": staged - existing,
        "updated": int(changed),
        "unchanged": existing - int(changed),
    }


def _record_changes(cursor, run_id: int, now) -> None:
    """Keep the old and new value of each tracked field that an import changes."""
    stamp = connection.ops.adapt_datetimefield_value(now)
    for field in TRACKED:
        cursor.execute(
            "INSERT INTO registry_firmchange "
            "(firm_id, field, old_value, new_value, import_run_id, changed_at) "
            f"SELECT f.id, %s, f.{field}, s.{field}, %s, %s "
            "FROM registry_staging s JOIN registry_firm f ON f.uscc = s.uscc "
            f"WHERE {_distinct(f'f.{field}', f's.{field}')}",
            [field, run_id, stamp],
        )


def _upsert(cursor, now, version: str) -> None:
    """Insert new firms and update changed ones from the staging table."""
    stamp = connection.ops.adapt_datetimefield_value(now)
    columns = ", ".join(STAGED)
    updates = ", ".join(f"{c} = excluded.{c}" for c in STAGED if c != "uscc")
    differs = _changed_condition("registry_firm", "excluded")
    cursor.execute(
        f"INSERT INTO registry_firm ({columns}, screened_at, screening_version, "
        "created_at, updated_at) "
        f"SELECT {columns}, %s, %s, %s, %s FROM registry_staging WHERE true "
        f"ON CONFLICT (uscc) DO UPDATE SET {updates}, "
        "screened_at = excluded.screened_at, "
        "screening_version = excluded.screening_version, "
        f"updated_at = excluded.updated_at WHERE {differs}",
        [stamp, version, stamp, stamp],
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _default_rejects_path(path: Path) -> Path:
    folder = Path(settings.DATA_DIR) / "rejects"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return folder / f"{path.stem}-{stamp}.rejects.csv"
