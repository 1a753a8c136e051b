"""Counting items' points under the dimension caps and the 100-point ceiling.

Within a dimension the largest items count first; the one that reaches the
cap counts only what is left, later ones nothing. The same is done over all
dimensions for the ceiling of 100. So the counted points of the items always
add up to the score, and an explanation never shows a point that is not in it.
"""

from __future__ import annotations

import numpy as np

TOTAL_CAP = 100


def _capped(points: np.ndarray, cap: np.ndarray | int) -> np.ndarray:
    """Return each row's points counted largest first until the row reaches `cap`."""
    if points.shape[1] == 0:
        return points
    # Stable sort of the negated points: ties keep the order of the slots.
    order = np.argsort(-points, axis=1, kind="stable")
    ordered = np.take_along_axis(points, order, axis=1)
    before = np.cumsum(ordered, axis=1) - ordered
    room = np.asarray(cap).reshape(-1, 1) - before
    counted = np.clip(np.minimum(ordered, room), 0, None)
    out = np.empty_like(points)
    np.put_along_axis(out, order, counted, axis=1)
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
