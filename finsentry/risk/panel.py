"""Platform reports as a dense panel: one array per column, platforms × months.

Months without a report are NaN, so a look-back is a shift along the month
axis and every feature is computed for all platforms and months at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from finsentry.docking.columns import NUMERIC


@dataclass
class Panel:
    """Reports of many platforms over consecutive calendar months.

    `values[column][p, m]` is platform p's report for `months[m]`, NaN when
    it did not report that month (or left an optional value empty);
    `reported[p, m]` says whether it reported.
    """

    platforms: list[str]
    months: list[str]
    values: dict[str, np.ndarray]
    reported: np.ndarray
    custody: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        """Return (platforms, months)."""
        return self.reported.shape


def month_number(month: str) -> int:
    """Return a YYYY-MM month as a count of months since year 0."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_text(number: int) -> str:
    """Return the YYYY-MM of a month count."""
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def build_panel(table: pa.Table) -> Panel:
    """Return the panel of a table with `platform`, `month` and report columns."""
    if table.num_rows == 0:
        empty = np.zeros((0, 0))
        values = {c: empty.copy() for c in NUMERIC}
        return Panel([], [], values, empty.astype(bool), empty.astype(bool))
    platforms, codes = np.unique(
        np.asarray(table["platform"].to_pylist(), dtype=object), return_inverse=True
    )
    month = table["month"]
    years = pc.cast(pc.utf8_slice_codeunits(month, 0, 4), pa.int64()).to_numpy()
    parts = pc.cast(pc.utf8_slice_codeunits(month, 5, 7), pa.int64()).to_numpy()
    numbers = years * 12 + parts - 1
    first, last = int(numbers.min()), int(numbers.max())
    cols = numbers - first
    shape = (len(platforms), last - first + 1)

    values = {}
    for column in NUMERIC:
        grid = np.full(shape, np.nan)
        if column in table.column_names:
            data = table[column].to_numpy(zero_copy_only=False)
            grid[codes, cols] = np.asarray(data, dtype=np.float64)
        values[column] = grid
    reported = np.zeros(shape, dtype=bool)
    reported[codes, cols] = True
    custody = np.zeros(shape, dtype=bool)
    if "custody_bank" in table.column_names:
        bank = pc.fill_null(table["custody_bank"], "")
        has_bank = pc.greater(pc.utf8_length(bank), 0).to_numpy(zero_copy_only=False)
        custody[codes, cols] = has_bank
    months = [month_text(n) for n in range(first, last + 1)]
    return Panel([str(p) for p in platforms], months, values, reported, custody)
