"""Small platform report files and rows for tests."""

from __future__ import annotations

import csv
from pathlib import Path

from finsentry.docking.columns import CANONICAL

HEALTHY = {
    "volume": "1200",
    "balance": "5000",
    "lenders": "800",
    "borrowers": "300",
    "avg_yield": "9.8",
    "avg_term": "6",
    "avg_lend_amount": "3.5",
    "avg_borrow_amount": "12",
    "fill_minutes": "120",
    "net_inflow_30d": "150",
    "top10_lender_share": "12",
    "top10_borrower_share": "8",
    "loan_count": "100",
    "overdue_amount": "50",
    "custody_bank": "吉林银行",
}


def report(platform: str, month: str, **values: object) -> dict[str, str]:
    """Return one report row in canonical columns, healthy unless told otherwise."""
    row = {"platform": platform, "month": month, **HEALTHY}
    row.update({k: str(v) for k, v in values.items()})
    return row


def months(first_year: int, first_month: int, count: int) -> list[str]:
    """Return `count` consecutive YYYY-MM months from the first."""
    start = first_year * 12 + first_month - 1
    return [f"{n // 12:04d}-{n % 12 + 1:02d}" for n in range(start, start + count)]


def write_reports(
    path: Path,
    rows: list[dict[str, str]],
    encoding: str = "utf-8",
    header: list[str] | None = None,
) -> Path:
    """Write rows as a report CSV (canonical header unless one is given)."""
    columns = header or list(CANONICAL)
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in list(CANONICAL)[: len(columns)]])
    return path
