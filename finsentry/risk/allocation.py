"""Counting items' points under the dimension caps and the 100-point ceiling.

Within a dimension the largest items count first; the one that reaches the
cap counts only what is left, later ones nothing. The same is done over all
dimensions for the ceiling of 100. So the counted points of the items always
add up to the score, and an explanation never shows a point that is not in it.
"""

from __future__ import annotations

import numpy as np

TOTAL_CAP = 100


def _capped(points: np.ndarray, cap: int) -> np.ndarray:
    """Return each row's points counted largest first until the row reaches `cap`."""
    out = points.copy()
    # Only rows over the cap need sorting: usually a few of many.
    over = np.flatnonzero(points.sum(axis=1) > cap)
    if over.size == 0 or points.shape[1] == 0:
        return out
    rows = points[over]
    # Stable sort of the negated points: ties keep the order of the slots.
    order = np.argsort(-rows, axis=1, kind="stable")
    ordered = np.take_along_axis(rows, order, axis=1)
    before = np.cumsum(ordered, axis=1) - ordered
    counted = np.clip(np.minimum(ordered, cap - before), 0, None)
    np.put_along_axis(rows, order, counted, axis=1)
    out[over] = rows
    return out


def allocate(
    raw: np.ndarray,
    slot_dimensions: np.ndarray,
    caps: np.ndarray,
    total_cap: int = TOTAL_CAP,
) -> np.ndarray:
    """Return the counted points of each (row, slot) from raw whole points.

    `raw` is rows × slots; `slot_dimensions[j]` is the index of slot j's
    dimension in `caps`. Rows are firms, or platform months.
    """
    raw = np.asarray(raw, dtype=np.int32)
    counted = np.zeros_like(raw)
    for dim, cap in enumerate(caps):
        columns = np.flatnonzero(slot_dimensions == dim)
        if columns.size:
            counted[:, columns] = _capped(raw[:, columns], int(cap))
    return _capped(counted, total_cap)
