"""Finding the registered firms a loose name refers to.

Pages and tips name firms loosely: a 字号 alone (鑫汇贷), a shortened industry
(礼祥友金服), a region moved or dropped, another organisational form, a typo.
`NameIndex` splits every registered name into region, 字号, industry and form
(`name_parts`), and answers a loose name in three steps:

1. hypotheses: every way to read the loose name as region + 字号 + industry;
2. candidates: distinct registered 字号 within one edit of a hypothesised 字号,
   found by hashed deletion keys (exact 字号, and each 字号 with one character
   deleted) in one sorted numpy array, so a one-character typo costs a lookup;
3. ranking: 字号 similarity dominates, region, industry (through the
   abbreviation table) and form agreement add to it; the firms sharing one 字号
   and industry form a group whose best possible score is known before its
   rows are read, so groups are scored as numpy vectors best bound first and
   the search stops when no group left can reach the top.

The index keeps its rows in flat numpy arrays sorted by 字号, industry and
region (about 100 bytes a firm in memory), so 3 million names fit in ~320 MB
and save to an ``.npz`` that loads in about a second. Firms added or renamed
after the build sit in a small overlay (`name_overlay.Overlay`) until the next
`compact`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from finsentry.registry.name_bulk import lay_out
from finsentry.registry.name_keys import KeyTable, query_keys, ranges
from finsentry.registry.name_overlay import Overlay
from finsentry.registry.name_parts import NameParts, split_normalized
from finsentry.registry.name_scoring import (
    Hypothesis,
    PartVocabulary,
    QueryContext,
    candidate_pairs,
    explain,
    hypotheses,
    keep_best,
    score_floor,
)
from finsentry.registry.normalize import normalize_name

logger = logging.getLogger(__name__)

# Rows scored in the first batch before checking whether the remaining groups
# can still reach the top; each later batch is four times larger.
_FIRST_BATCH_ROWS = 4_096
# Bumped whenever the saved arrays change meaning; older files must be rebuilt.
_FORMAT_VERSION = 1


@dataclass(frozen=True)
class NameMatch:
    """One registered firm a loose name may refer to, with its score (0-100)."""

    key: str  # the firm's unified social credit code
    name: str
    score: float
    why: str


class NameIndex:
    """Registered names split into parts, searchable by loose names.

    Rows are sorted by 字号, then industry, then region. A *group* is the run
    of rows sharing one 字号 and one industry: each 字号 owns a run of groups
    (``brand_groups``), each group a run of rows (``group_rows``), so the
    firms of one 字号 and industry are one slice of every per-row array. A
    removed firm keeps its row, marked dead; an added or renamed firm lives in
    the overlay until `compact` rebuilds the arrays.
    """

    def __init__(
        self,
        *,
        keys: np.ndarray,
        names: pa.LargeStringArray,
        row_region: np.ndarray,
        row_form: np.ndarray,
        alive: np.ndarray,
        brands: pa.LargeStringArray,
        brand_groups: np.ndarray,
        group_rows: np.ndarray,
        group_industry: np.ndarray,
        table: KeyTable,
        vocab: PartVocabulary,
        key_order: np.ndarray | None = None,
    ) -> None:
        self._keys = keys
        self._names = names
        self._row_region = row_region
        self._row_form = row_form
        self._alive = alive
        self._brands = brands
        self._brand_groups = brand_groups
        self._group_rows = group_rows
        self._group_industry = group_industry
        self._table = table
        self._vocab = vocab
        if key_order is None:
            key_order = np.argsort(keys, kind="stable").astype(np.int32)
        self._key_order = key_order
        self._sorted_keys = keys[self._key_order]
        sizes = group_rows[brand_groups[1:]] - group_rows[brand_groups[:-1]]
        # A 字号 used by many firms is the likelier target of a typo: up to one
        # point of tie-break, log-scaled so rare 字号 are not buried.
        self._brand_prior = np.log1p(sizes) / np.log1p(max(1, sizes.max(initial=1)))
        self._overlay = Overlay()

    # -- building ---------------------------------------------------------

    @classmethod
    def build(cls, items: Iterable[tuple[str, str]]) -> NameIndex:
        """Return an index over ``(credit code, registered name)`` pairs."""
        started = time.perf_counter()
        keys: list[str] = []
        names: list[str] = []
        for key, name in items:
            keys.append(key)
            names.append(name)
        vocab = PartVocabulary()
        layout = lay_out(keys, pa.array(names, type=pa.large_string()), vocab)
        del keys, names
        index = cls(
            **layout,
            alive=np.ones(len(layout["keys"]), dtype=bool),
            table=KeyTable.from_brands(layout["brands"].to_pylist()),
            vocab=vocab,
        )
        logger.info(
            "name index built firms=%d brands=%d seconds=%.1f",
            len(index),
            index.brand_count(),
            time.perf_counter() - started,
        )
        return index

    # -- incremental changes ----------------------------------------------

    def _base_row(self, key: str) -> int | None:
        """Return the live base row holding ``key``, or None."""
        wanted = key.encode("utf-8")
        at = int(np.searchsorted(self._sorted_keys, wanted))
        if at < len(self._sorted_keys) and self._sorted_keys[at] == wanted:
            row = int(self._key_order[at])
            if self._alive[row]:
                return row
        return None

    def add(self, key: str, name: str) -> None:
        """Insert a firm, or rename it if ``key`` is already indexed."""
        self.remove(key)
        parts = split_normalized(normalize_name(name))
        self._overlay.add(key, name, parts, self._vocab)

    def remove(self, key: str) -> None:
        """Drop the firm with ``key``; unknown keys are ignored."""
        row = self._base_row(key)
        if row is not None:
            self._alive[row] = False
        self._overlay.remove(key)

    def brand_count(self) -> int:
        """Return how many distinct 字号 the arrays hold."""
        return len(self._brands)

    def __len__(self) -> int:
        return int(self._alive.sum()) + len(self._overlay)

    def items(self) -> Iterable[tuple[str, str]]:
        """Yield every live ``(key, name)``, base rows first."""
        names = self._names.to_pylist()
        for row in np.flatnonzero(self._alive):
            yield self._keys[row].decode("utf-8"), names[row]
        yield from self._overlay.items()

    def compact(self) -> NameIndex:
        """Return a fresh index holding the overlay in its arrays."""
        return NameIndex.build(self.items())

    # -- searching --------------------------------------------------------

    def search(self, query: str, limit: int = 10) -> list[NameMatch]:
        """Return up to ``limit`` firms ``query`` may name, best first."""
        text = normalize_name(query)
        if len(text) < 2 or limit < 1:
            return []
        hyps = hypotheses(text)
        keys, owners = query_keys([h.brand for h in hyps])
        found = self._table.lookup(keys)
        pairs = candidate_pairs(hyps, owners, found, self._brands)
        context = self._vocab.context(hyps)
        scored = self._score_pairs(context, pairs, limit)
        scored += self._overlay.score(hyps, keys, owners, context)
        scored.sort(key=lambda item: (-item[0], item[1]))
        return self._matches(hyps, scored, limit)

    def _score_pairs(
        self, context: QueryContext, pairs: np.ndarray, limit: int
    ) -> list[tuple[float, str, int, int]]:
        """Return the best (score, key, row, reading) for candidate 字号 blocks."""
        if not len(pairs):
            return []
        weights = context.weights
        brand = pairs["brand"]
        group_count = self._brand_groups[brand + 1] - self._brand_groups[brand]
        groups = ranges(self._brand_groups[brand], group_count)
        hyp = np.repeat(pairs["hyp"], group_count)
        prior = np.where(pairs["sim"] < 1.0, self._brand_prior[brand], 0.0)
        industry = context.industry[hyp, self._group_industry[groups]]
        base = (
            np.repeat(pairs["sim"] * weights[pairs["hyp"], 0] + prior, group_count)
            + industry * weights[hyp, 1]
        )
        # A loose name without a region fits a registered name without one a
        # hair better than a regional namesake: it only breaks ties.
        bare = np.where(weights[:, 2] == 0, 0.3, 0.0)
        upper = base + weights[hyp, 2] + weights[hyp, 3] + bare[hyp]
        floor = score_floor(base, hyp, limit)
        if floor > 0:
            kept = np.flatnonzero(upper > floor)
            groups, hyp, base, upper = groups[kept], hyp[kept], base[kept], upper[kept]
        order = np.argsort(-upper, kind="stable")
        sizes = self._group_rows[groups + 1] - self._group_rows[groups]

        best = (np.empty(0), np.empty(0, np.int64), np.empty(0, np.int64))
        at, budget = 0, _FIRST_BATCH_ROWS
        while at < len(order):
            if len(best[0]) >= limit and upper[order[at]] <= best[0][limit - 1]:
                break
            end = (
                at + 1 + int(np.searchsorted(np.cumsum(sizes[order[at + 1 :]]), budget))
            )
            batch = order[at:end]
            at, budget = end, budget * 4
            counts = sizes[batch]
            rows = ranges(self._group_rows[groups[batch]], counts)
            row_hyp = np.repeat(hyp[batch], counts)
            region = self._row_region[rows]
            score = (
                np.repeat(base[batch], counts)
                + context.region[row_hyp, region] * weights[row_hyp, 2]
                + context.form[row_hyp, self._row_form[rows]] * weights[row_hyp, 3]
                + np.where(region == 0, bare[row_hyp], 0.0)
            )
            score[~self._alive[rows]] = -1.0
            best = keep_best(best, (score, rows, row_hyp), limit * 4)
        scores, rows, row_hyp = best
        live = scores >= 0
        return [
            (score, self._keys[row].decode("utf-8"), row, reading)
            for score, row, reading in zip(
                scores[live].tolist(),
                rows[live].tolist(),
                row_hyp[live].tolist(),
                strict=True,
            )
        ]

    def _matches(
        self,
        hyps: list[Hypothesis],
        scored: list[tuple[float, str, int, int]],
        limit: int,
    ) -> list[NameMatch]:
        """Return NameMatch objects for the best distinct firms in ``scored``."""
        chosen: dict[str, tuple[float, int, int]] = {}
        for score, key, row, hyp in scored:
            if key not in chosen:
                chosen[key] = (score, row, hyp)
                if len(chosen) == limit:
                    break
        rows = [row for _, row, _ in chosen.values() if row >= 0]
        described = dict(zip(rows, self._describe(rows), strict=True))
        matches = []
        for key, (score, row, hyp) in chosen.items():
            if row >= 0:
                name, parts, region = described[row]
            else:
                name, parts, region = self._overlay.describe(key, self._vocab)
            why = explain(hyps[hyp], parts, region)
            matches.append(NameMatch(key, name, round(min(score, 100.0), 1), why))
        return matches

    def _describe(
        self, rows: list[int]
    ) -> list[tuple[str, NameParts, tuple[str, ...]]]:
        """Return the name, parts and region tokens of base rows."""
        row_array = np.array(rows, dtype=np.int64)
        groups = np.searchsorted(self._group_rows, row_array, "right") - 1
        brand_ids = np.searchsorted(self._brand_groups, groups, "right") - 1
        brands = self._brands.take(pa.array(brand_ids)).to_pylist()
        names = self._names.take(pa.array(row_array)).to_pylist()
        vocab = self._vocab
        described = []
        for at, row in enumerate(rows):
            parts = NameParts(
                region="",
                brand=brands[at],
                industry=vocab.industries[int(self._group_industry[groups[at]])],
                form=vocab.forms[int(self._row_form[row])],
            )
            region = vocab.regions[int(self._row_region[row])]
            described.append((names[at], parts, region))
        return described

    # -- persistence ------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Write the index to ``path`` as an uncompressed ``.npz`` (no pickles)."""
        offsets = np.frombuffer(self._names.buffers()[1], dtype=np.int64)
        offsets = offsets[
            self._names.offset : self._names.offset + len(self._names) + 1
        ]
        data = np.frombuffer(self._names.buffers()[2], dtype=np.uint8)
        overlay_keys, overlay_names = self._overlay.arrays()
        with open(path, "wb") as handle:
            np.savez(
                handle,
                format_version=np.array(_FORMAT_VERSION),
                keys=self._keys,
                name_offsets=offsets - offsets[0],
                name_data=data[offsets[0] : offsets[-1]],
                row_region=self._row_region,
                row_form=self._row_form,
                alive=self._alive,
                brands=np.array(self._brands.to_pylist(), dtype=np.str_),
                brand_groups=self._brand_groups,
                group_rows=self._group_rows,
                group_industry=self._group_industry,
                key_order=self._key_order,
                key_hash=self._table.hashes,
                key_brand=self._table.brands,
                overlay_keys=overlay_keys,
                overlay_names=overlay_names,
                **self._vocab.arrays(),  # type: ignore[arg-type]  # numpy stub
            )

    @classmethod
    def load(cls, path: str | Path) -> NameIndex:
        """Return the index saved at ``path`` by `save`."""
        with np.load(path, allow_pickle=False) as saved:
            version = int(saved["format_version"]) if "format_version" in saved else 0
            if version != _FORMAT_VERSION:
                raise ValueError(
                    f"{path}: name index format {version}, expected "
                    f"{_FORMAT_VERSION}; rebuild it from the registry"
                )
            offsets = saved["name_offsets"]
            names = pa.LargeStringArray.from_buffers(
                len(offsets) - 1,
                pa.py_buffer(offsets),
                pa.py_buffer(saved["name_data"]),
            )
            index = cls(
                keys=saved["keys"],
                names=names,
                row_region=saved["row_region"],
                row_form=saved["row_form"],
                alive=saved["alive"].copy(),
                brands=pa.array(saved["brands"].tolist(), type=pa.large_string()),
                brand_groups=saved["brand_groups"],
                group_rows=saved["group_rows"],
                group_industry=saved["group_industry"],
                table=KeyTable(saved["key_hash"], saved["key_brand"]),
                vocab=PartVocabulary.from_arrays(saved),
                key_order=saved["key_order"],
            )
            for key, name in zip(
                saved["overlay_keys"].tolist(),
                saved["overlay_names"].tolist(),
                strict=True,
            ):
                index.add(key, name)
        return index
