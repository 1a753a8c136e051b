"""The firm score: findings, their sources and operating data as counted points.

Pure arrays in, arrays out: the rescore reads the tables in bulk and hands
the aggregates here, so three million firms score in one pass of numpy.
A firm's items are slots: one per weighted code, per weighted source and
per operating feature; `allocate` counts them under the caps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from finsentry.risk.allocation import allocate
from finsentry.risk.weights import Item, Weights


@dataclass
class Evidence:
    """Findings counted per firm, code and source (one entry per group).

    `ids[i]` lists the finding ids of group i, comma-separated.
    """

    firm: np.ndarray
    code: np.ndarray
    source: np.ndarray
    count: np.ndarray
    ids: list[str] = field(default_factory=list)

    @classmethod
    def empty(cls) -> Evidence:
        """Return evidence with no findings."""
        nothing = np.zeros(0, dtype=np.int64)
        blank = np.zeros(0, dtype=object)
        return cls(nothing, blank, blank.copy(), nothing.copy(), [])


@dataclass
class OperatingPart:
    """Raw operating points of the firms that run a reporting platform.

    `raw[i]` holds the feature points (weights.features order) of firm
    `firm[i]` from cell `cells[i]` (platform, month) of the operating panel:
    the platform's latest reported month.
    """

    firm: np.ndarray
    raw: np.ndarray
    cells: list[tuple[int, int]]

    @classmethod
    def empty(cls, features: int) -> OperatingPart:
        """Return an operating part with no firms."""
        return cls(np.zeros(0, np.int64), np.zeros((0, features), np.int32), [])


@dataclass
class FirmScores:
    """Counted points of every slot for the firms that have any, and their scores."""

    firms: np.ndarray
    slots: list[tuple[str, str]]
    slot_items: list[Item]
    raw: np.ndarray
    counted: np.ndarray
    score: np.ndarray
    evidence_rows: dict[tuple[int, str], list[int]]
    operating_row: dict[int, int]


def slots_of(weights: Weights) -> tuple[list[tuple[str, str]], list[Item]]:
    """Return the scoring slots of a weights version and their items, in order."""
    slots = [("code", c) for c in weights.findings]
    slots += [("source", s) for s in weights.sources]
    slots += [("op", k) for k in weights.features]
    items = [*weights.findings.values(), *weights.sources.values()]
    items += list(weights.features.values())
    return slots, items


def _points(item: Item, counts: np.ndarray) -> np.ndarray:
    """Return an item's points for each count of its findings."""
    more = item.points + item.each_more * (counts - 1)
    return np.where(counts > 0, np.minimum(item.most, more), 0)


def score_firms(
    evidence: Evidence, operating: OperatingPart, weights: Weights
) -> FirmScores:
    """Return the score of every firm with findings or operating points."""
    slots, items = slots_of(weights)
    firms = np.unique(np.concatenate([evidence.firm, operating.firm]))
    row_of_group = np.searchsorted(firms, evidence.firm)
    raw = np.zeros((len(firms), len(slots)), dtype=np.int32)
    slot_index = {slot: j for j, slot in enumerate(slots)}

    evidence_rows: dict[tuple[int, str], list[int]] = {}
    for kind, values in (("code", evidence.code), ("source", evidence.source)):
        names = weights.findings if kind == "code" else weights.sources
        for name in np.unique(values) if len(values) else []:
            if name not in names:
                continue
            groups = np.flatnonzero(values == name)
            counts = np.zeros(len(firms), dtype=np.int64)
            np.add.at(counts, row_of_group[groups], evidence.count[groups])
            raw[:, slot_index[(kind, str(name))]] = _points(names[name], counts)
            for g in groups.tolist():
                key = (int(row_of_group[g]), f"{kind}:{name}")
                evidence_rows.setdefault(key, []).append(g)

    operating_row: dict[int, int] = {}
    if len(operating.firm):
        # A firm running several platforms is scored on its worst one, so
        # that the points and the facts shown come from the same reports.
        rows = np.searchsorted(firms, operating.firm)
        totals = operating.raw.sum(axis=1)
        for i, row in enumerate(rows.tolist()):
            best = operating_row.get(row)
            if best is None or totals[i] > totals[best]:
                operating_row[row] = i
        first = slot_index[("op", next(iter(weights.features)))]
        chosen = np.array(list(operating_row.values()))
        where = np.array(list(operating_row.keys()))
        raw[where, first : first + len(weights.features)] = operating.raw[chosen]

    dimensions = list(weights.dimensions)
    slot_dims = np.array([dimensions.index(item.dimension) for item in items])
    caps = np.array([weights.cap(d) for d in dimensions])
    counted = allocate(raw, slot_dims, caps)
    return FirmScores(
        firms,
        slots,
        items,
        raw,
        counted,
        counted.sum(axis=1),
        evidence_rows,
        operating_row,
    )
