"""Screening the stored firms again, after the word list or the licence list changed."""

import logging

import pyarrow as pa
from django.utils import timezone

from finsentry.registry.importer import STAGED, commit_batch
from finsentry.registry.models import Firm, ImportRun
from finsentry.registry.pipeline import SCREENING_COLUMNS, Screener, screen_table

log = logging.getLogger(__name__)

CHUNK = 20_000
_REGISTRY = [c for c in STAGED if c not in SCREENING_COLUMNS]


def rescreen_firms(screener: Screener) -> ImportRun:
    """Re-screen every stored firm in chunks, each committed like an import batch."""
    run = ImportRun.objects.create(
        source_name="（重新筛查）", started_at=timezone.now()
    )
    last_id = 0
    while True:
        rows = list(
            Firm.objects.filter(id__gt=last_id)
            .order_by("id")
            .values_list("id", *_REGISTRY)[:CHUNK]
        )
        if not rows:
            break
        last_id = rows[-1][0]
        part = screen_table(_as_table(rows), screener)
        commit_batch(run, part, screener)

    run.refresh_from_db()
    run.status = "finished"
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    log.info("rescreen finished firms=%d updated=%d", run.rows_read, run.rows_updated)
    return run


def _as_table(rows: list[tuple]) -> pa.Table:
    columns = list(zip(*rows, strict=True))[1:]
    data = {}
    for name, values in zip(_REGISTRY, columns, strict=True):
        if name == "established":
            values = tuple(v.isoformat() if v else None for v in values)
        elif name == "capital_wan":
            values = tuple(None if v is None else str(v) for v in values)
        data[name] = pa.array(values, type=pa.string())
    return pa.table(data)
