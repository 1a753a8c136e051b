"""Removing audit entries past the retention, and nothing younger."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from finsentry.accounts import audit
from finsentry.accounts.auditguard import TABLE
from finsentry.accounts.errors import RetentionViolation

log = logging.getLogger(__name__)


def earliest_allowed(today: date | None = None) -> date:
    """Return the latest `before` date a prune may use: RETENTION_DAYS ago."""
    today = today or timezone.localdate()
    return today - timedelta(days=audit.RETENTION_DAYS)


def prune(before: date, dry_run: bool = False) -> int:
    """Delete audit entries from before `before` (local midnight); return how many.

    Refuses a date within the retention, so the last RETENTION_DAYS days of
    the trail always stay. The deletion goes past the model's refusal in one
    statement; the database triggers check each row's age again.
    """
    limit = earliest_allowed()
    if before > limit:
        raise RetentionViolation(
            f"审计日志至少保存 {audit.RETENTION_DAYS} 天：--before 不能晚于 "
            f"{limit:%Y-%m-%d}（收到 {before:%Y-%m-%d}）"
        )

    cutoff = timezone.make_aware(datetime.combine(before, time.min))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE} WHERE at < %s", [cutoff])
        (count,) = cursor.fetchone()
        if not dry_run and count:
            cursor.execute(f"DELETE FROM {TABLE} WHERE at < %s", [cutoff])
            audit.record(None, "audit.prune", before=f"{before:%Y-%m-%d}", count=count)
    log.info("audit prune before=%s count=%s dry_run=%s", before, count, dry_run)
    return int(count)
