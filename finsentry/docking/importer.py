"""Writing checked platform reports to the database, one transaction per batch.

Rows are upserted by platform and month, so importing the same file again
changes nothing and a corrected file changes only the months it corrects. A
failure leaves every committed batch whole and the failing one absent.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import math
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from finsentry.docking.columns import INTEGERS, NUMERIC
from finsentry.docking.models import Platform, PlatformReport, ReportImport
from finsentry.docking.reading import open_reports, submitted_batch
from finsentry.docking.validation import REJECT_COLUMNS, CheckedReports, check_reports
from finsentry.registry.models import Firm
from finsentry.registry.sources import RawBatch, Reject, write_rejects

log = logging.getLogger(__name__)

BATCH_ROWS = 5_000
VALUE_FIELDS = (*NUMERIC, "custody_bank")


@dataclass
class Submitted:
    """The import run of a submission and the rows it refused."""

    run: ReportImport
    rejects: list[Reject] = field(default_factory=list)


def import_report_file(path: Path, rejects_path: Path | None = None) -> ReportImport:
    """Import a CSV or XLSX report file; return the finished run, rejects on disk."""
    rejects_path = rejects_path or _default_rejects_path(path)
    run = _start(str(path), _sha256(path), str(rejects_path))
    try:
        info, batches = open_reports(path)
        ReportImport.objects.filter(pk=run.pk).update(encoding=info.encoding)
        with rejects_path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(REJECT_COLUMNS)
            for checked in _checked(batches):
                commit_reports(run, checked)
                write_rejects(writer, checked.rejects)
                handle.flush()
    except Exception as exc:
        _fail(run, exc)
        raise
    return _finish(run)


def submit_reports(rows: Iterable[dict], source: str = "api") -> Submitted:
    """Check and store submitted rows (row n is line n); return the run and rejects."""
    run = _start(source, "", "")
    rejects: list[Reject] = []
    try:
        for checked in _checked(iter([submitted_batch(rows)])):
            commit_reports(run, checked)
            rejects += checked.rejects
    except Exception as exc:
        _fail(run, exc)
        raise
    return Submitted(_finish(run), rejects)


def _checked(batches: Iterator[RawBatch]) -> Iterator[CheckedReports]:
    """Yield checked parts of at most BATCH_ROWS rows; rejects travel with the first."""
    seen: dict[tuple[str, str], int] = {}
    for batch in batches:
        checked = check_reports(batch, seen)
        rows = checked.table.num_rows
        for start in range(0, max(rows, 1), BATCH_ROWS):
            first = start == 0
            yield CheckedReports(
                checked.table.slice(start, BATCH_ROWS),
                checked.rejects if first else [],
                checked.rejected_rows if first else 0,
            )


def _platforms(table: pa.Table) -> dict[str, int]:
    """Return platform key → id for a part's platforms, creating new ones linked."""
    keys, codes = table["platform"].to_pylist(), table["uscc"].to_pylist()
    pairs = dict(zip(keys, codes, strict=True))
    known = dict(Platform.objects.filter(key__in=list(pairs)).values_list("key", "id"))
    new = {k: u for k, u in pairs.items() if k not in known}
    if new:
        codes = [u for u in new.values() if u]
        firms = dict(Firm.objects.filter(uscc__in=codes).values_list("uscc", "id"))
        rows = [
            Platform(key=k, uscc=u or "", firm_id=firms.get(u or ""))
            for k, u in new.items()
        ]
        Platform.objects.bulk_create(rows, ignore_conflicts=True)
        known = dict(
            Platform.objects.filter(key__in=list(pairs)).values_list("key", "id")
        )
    return known


def _value(column: str, value: object) -> object:
    """Return a checked value as the model stores it."""
    if column == "custody_bank":
        return value or ""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value) if column in INTEGERS else value  # type: ignore[call-overload]


def commit_reports(run: ReportImport, checked: CheckedReports) -> None:
    """Write one checked part in one transaction: platforms, reports, run counts."""
    table = checked.table
    now = timezone.now()
    counts = {"inserted": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        if table.num_rows:
            ids = _platforms(table)
            rows = table.to_pylist()
            wanted = {(ids[r["platform"]], r["month"]): r for r in rows}
            stored = {
                (s["platform_id"], s["month"]): s
                for s in PlatformReport.objects.filter(
                    platform_id__in={p for p, _ in wanted},
                    month__in={m for _, m in wanted},
                ).values("platform_id", "month", *VALUE_FIELDS)
            }
            writes = []
            for (platform_id, month), row in wanted.items():
                values = {c: _value(c, row[c]) for c in VALUE_FIELDS}
                old = stored.get((platform_id, month))
                if old is not None and all(old[c] == values[c] for c in VALUE_FIELDS):
                    counts["unchanged"] += 1
                    continue
                counts["updated" if old is not None else "inserted"] += 1
                writes.append(
                    PlatformReport(
                        platform_id=platform_id,
                        month=month,
                        import_run=run,
                        updated_at=now,
                        **values,
                    )
                )
            PlatformReport.objects.bulk_create(
                writes,
                update_conflicts=True,
                unique_fields=["platform", "month"],
                update_fields=[*VALUE_FIELDS, "import_run", "updated_at"],
            )
            _stretch_months(ids, rows)
        ReportImport.objects.filter(pk=run.pk).update(
            rows_read=F("rows_read") + table.num_rows + checked.rejected_rows,
            rows_inserted=F("rows_inserted") + counts["inserted"],
            rows_updated=F("rows_updated") + counts["updated"],
            rows_unchanged=F("rows_unchanged") + counts["unchanged"],
            rows_rejected=F("rows_rejected") + checked.rejected_rows,
            batches_committed=F("batches_committed") + 1,
        )


def _stretch_months(ids: dict[str, int], rows: list[dict]) -> None:
    """Widen each platform's first and last reported month to cover these rows."""
    spans: dict[int, tuple[str, str]] = {}
    for row in rows:
        pid = ids[row["platform"]]
        low, high = spans.get(pid, (row["month"], row["month"]))
        spans[pid] = (min(low, row["month"]), max(high, row["month"]))
    platforms = Platform.objects.filter(pk__in=list(spans))
    for platform in platforms:
        low, high = spans[platform.pk]
        platform.first_month = min(platform.first_month or low, low)
        platform.last_month = max(platform.last_month, high)
    Platform.objects.bulk_update(platforms, ["first_month", "last_month"])


def _start(source: str, sha256: str, rejects_path: str) -> ReportImport:
    run = ReportImport.objects.create(
        source_name=source,
        source_sha256=sha256,
        started_at=timezone.now(),
        rejects_path=rejects_path,
    )
    run.started = time.perf_counter()  # type: ignore[attr-defined]
    log.info("report import started run=%d source=%s", run.pk, source)
    return run


def _fail(run: ReportImport, exc: Exception) -> None:
    ReportImport.objects.filter(pk=run.pk).update(
        status="failed", error=str(exc), finished_at=timezone.now()
    )
    log.error("report import failed run=%d error=%s", run.pk, exc)


def _finish(run: ReportImport) -> ReportImport:
    ReportImport.objects.filter(pk=run.pk).update(
        status="finished", finished_at=timezone.now()
    )
    started = run.started  # type: ignore[attr-defined]
    run.refresh_from_db()
    # BIG-01 is reported at once (plan 四(二)4): sweep the firms just reported.
    from finsentry.alerts.raising import after_report_import, sweep_after

    sweep_after("report import", lambda: after_report_import(run.pk))
    log.info(
        "report import finished run=%d read=%d inserted=%d updated=%d "
        "unchanged=%d rejected=%d seconds=%.1f",
        run.pk,
        run.rows_read,
        run.rows_inserted,
        run.rows_updated,
        run.rows_unchanged,
        run.rows_rejected,
        time.perf_counter() - started,
    )
    return run


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def _default_rejects_path(path: Path) -> Path:
    folder = Path(settings.DATA_DIR) / "rejects"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return folder / f"{path.stem}-{stamp}.rejects.csv"
