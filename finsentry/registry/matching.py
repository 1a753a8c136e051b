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
   abbreviation table) and form agreement add to it; whole blocks of firms
   sharing a 字号 are scored as numpy vectors, best blocks first, and blocks
   that can no longer reach the top are skipped.

The index keeps its rows in flat numpy arrays sorted by 字号 (a few dozen bytes
a firm), so 3 million names fit in memory and save to an ``.npz`` that loads
in seconds. Firms added or renamed after the build sit in a small overlay
(`name_overlay.Overlay`) until the next `compact`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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
)
from finsentry.registry.normalize import normalize_name, normalize_names

logger = logging.getLogger(__name__)

# Rows scored per batch before checking whether the remaining 字号 blocks can
# still reach the top; large enough that most queries need one batch.
_BATCH_ROWS = 50_000


@dataclass(frozen=True)
class NameMatch:
    """One registered firm a loose name may refer to, with its score (0-100)."""

    key: str  # the firm's unified social credit code
    name: str
    score: float
    why: str


class NameIndex:
    """Registered names split into parts, searchable by loose names.

    Rows are sorted by 字号 id, so the firms of one 字号 are one slice of every
    per-row array. A removed firm keeps its row, marked dead; an added or
    renamed firm lives in the overlay until `compact` rebuilds the arrays.
    """

    def __init__(
        self,
        *,
        keys: np.ndarray,
        names: pa.LargeStringArray,
        row_industry: np.ndarray,
        row_region: np.ndarray,
        row_form: np.ndarray,
        alive: np.ndarray,
        brands: list[str],
        brand_start: np.ndarray,
        table: KeyTable,
        vocab: PartVocabulary,
    ) -> None:
        self._keys = keys
        self._names = names
        self._row_industry = row_industry
        self._row_region = row_region
        self._row_form = row_form
        self._alive = alive
        self._brands = brands
        self._brand_start = brand_start
        self._table = table
        self._vocab = vocab
        self._key_order = np.argsort(keys, kind="stable").astype(np.int32)
        self._sorted_keys = keys[self._key_order]
        sizes = np.diff(brand_start)
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
        normalized = normalize_names(pa.array(names, type=pa.large_string()))
        vocab = PartVocabulary()
        brand_ids: dict[str, int] = {}
        size = len(names)
        row_brand = np.empty(size, dtype=np.int32)
        row_industry = np.empty(size, dtype=np.int16)
        row_region = np.empty(size, dtype=np.int32)
        row_form = np.empty(size, dtype=np.int16)
        for row, text in enumerate(normalized.to_pylist()):
            region, brand, industry, form = split_normalized(text)
            row_brand[row] = brand_ids.setdefault(brand, len(brand_ids))
            row_industry[row] = vocab.industry_id(industry)
            row_region[row] = vocab.region_id(region)
            row_form[row] = vocab.form_id(form)

        order = np.argsort(row_brand, kind="stable")
        sorted_brand = row_brand[order]
        brand_start = np.searchsorted(
            sorted_brand, np.arange(len(brand_ids) + 1)
        ).astype(np.int64)
        brands = list(brand_ids)
        key_array = np.array(keys, dtype=np.str_).astype(np.bytes_)
        index = cls(
            keys=key_array[order],
            names=pc.take(pa.array(names, type=pa.large_string()), order),
            row_industry=row_industry[order],
            row_region=row_region[order],
            row_form=row_form[order],
            alive=np.ones(size, dtype=bool),
            brands=brands,
            brand_start=brand_start,
            table=KeyTable.from_brands(brands),
            vocab=vocab,
        )
        logger.info(
            "name index built firms=%d brands=%d seconds=%.1f",
            size,
            len(brands),
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
        pairs = candidate_pairs(hyps, owners, self._table.lookup(keys), self._brands)
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
        industry_sim = context.industry
        region_sim = context.region
        form_sim = context.form
        weights = context.weights
        hyp_col = pairs["hyp"]
        brand_col = pairs["brand"]
        similarity = pairs["sim"]
        prior = np.where(similarity < 1.0, self._brand_prior[brand_col], 0.0)
        upper = (similarity * weights[hyp_col, 0] + weights[hyp_col, 4]) + prior
        order = np.argsort(-upper, kind="stable")
        starts = self._brand_start[brand_col]
        sizes = self._brand_start[brand_col + 1] - starts

        best_score = np.empty(0, dtype=np.float64)
        best_row = np.empty(0, dtype=np.int64)
        best_hyp = np.empty(0, dtype=np.int64)
        at = 0
        while at < len(order):
            kth = best_score.min() if len(best_score) >= limit else -1.0
            if upper[order[at]] < kth:
                break
            end = (
                at
                + 1
                + int(np.searchsorted(np.cumsum(sizes[order[at + 1 :]]), _BATCH_ROWS))
            )
            batch = order[at:end]
            at = end
            lengths = sizes[batch]
            rows = ranges(starts[batch], lengths)
            hyp = np.repeat(hyp_col[batch], lengths)
            score = (
                np.repeat(similarity[batch], lengths) * weights[hyp, 0]
                + industry_sim[hyp, self._row_industry[rows]] * weights[hyp, 1]
                + region_sim[hyp, self._row_region[rows]] * weights[hyp, 2]
                + form_sim[hyp, self._row_form[rows]] * weights[hyp, 3]
                + np.repeat(prior[batch], lengths)
            )
            score[~self._alive[rows]] = -1.0
            best_score = np.concatenate([best_score, score])
            best_row = np.concatenate([best_row, rows])
            best_hyp = np.concatenate([best_hyp, hyp])
            if len(best_score) > limit * 4:
                # Keep spare rows: one firm may be scored under several hypotheses.
                keep = np.argpartition(-best_score, limit * 4)[: limit * 4]
                best_score, best_row, best_hyp = (
                    best_score[keep],
                    best_row[keep],
                    best_hyp[keep],
                )
        live = best_score >= 0
        return [
            (float(s), self._keys[r].decode("utf-8"), int(r), int(h))
            for s, r, h in zip(
                best_score[live], best_row[live], best_hyp[live], strict=True
            )
        ]

    def _matches(
        self,
        hyps: list[Hypothesis],
        scored: list[tuple[float, str, int, int]],
        limit: int,
    ) -> list[NameMatch]:
        """Return NameMatch objects for the best distinct firms in ``scored``."""
        seen: set[str] = set()
        matches: list[NameMatch] = []
        for score, key, row, hyp in scored:
            if key in seen:
                continue
            seen.add(key)
            if row >= 0:
                name = self._names[row].as_py()
                brand_id = int(np.searchsorted(self._brand_start, row, "right")) - 1
                parts = NameParts(
                    region="",
                    brand=self._brands[brand_id],
                    industry=self._vocab.industries[self._row_industry[row]],
                    form=self._vocab.forms[self._row_form[row]],
                )
                region = self._vocab.regions[self._row_region[row]]
            else:
                name, parts, region = self._overlay.describe(key, self._vocab)
            why = explain(hyps[hyp], parts, region)
            matches.append(NameMatch(key, name, round(min(score, 100.0), 1), why))
            if len(matches) == limit:
                break
        return matches

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
                keys=self._keys,
                name_offsets=offsets - offsets[0],
                name_data=data[offsets[0] : offsets[-1]],
                row_industry=self._row_industry,
                row_region=self._row_region,
                row_form=self._row_form,
                alive=self._alive,
                brands=np.array(self._brands, dtype=np.str_),
                brand_start=self._brand_start,
                key_hash=self._table.hashes,
                key_brand=self._table.brands,
                overlay_keys=overlay_keys,
                overlay_names=overlay_names,
                **self._vocab.arrays(),
            )

    @classmethod
    def load(cls, path: str | Path) -> NameIndex:
        """Return the index saved at ``path`` by `save`."""
        with np.load(path, allow_pickle=False) as saved:
            offsets = saved["name_offsets"]
            names = pa.LargeStringArray.from_buffers(
                len(offsets) - 1,
                pa.py_buffer(offsets),
                pa.py_buffer(saved["name_data"]),
            )
            index = cls(
                keys=saved["keys"],
                names=names,
                row_industry=saved["row_industry"],
                row_region=saved["row_region"],
                row_form=saved["row_form"],
                alive=saved["alive"].copy(),
                brands=saved["brands"].tolist(),
                brand_start=saved["brand_start"],
                table=KeyTable(saved["key_hash"], saved["key_brand"]),
                vocab=PartVocabulary.from_arrays(saved),
            )
            for key, name in zip(
                saved["overlay_keys"].tolist(),
                saved["overlay_names"].tolist(),
                strict=True,
            ):
                index.add(key, name)
        return index
