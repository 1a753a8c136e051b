"""Firms added or renamed since a `NameIndex` was built, kept beside its arrays.

Imports add firms a few thousand at a time; rebuilding 3 million rows for each
batch would take most of a minute. The overlay holds those firms in Python
dicts keyed by the same hashed 字号 keys as the arrays, is searched alongside
them, and is folded into the arrays by `NameIndex.compact`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from finsentry.registry.name_keys import brand_keys
from finsentry.registry.name_parts import NameParts
from finsentry.registry.name_scoring import (
    MIN_BRAND_SIMILARITY,
    Hypothesis,
    PartVocabulary,
    QueryContext,
    brand_evidence,
    brand_similarity,
)


@dataclass(frozen=True)
class OverlayFirm:
    """One firm of the overlay, its parts already turned into vocabulary ids."""

    name: str
    parts: NameParts
    industry: int
    region: int
    form: int
    hashes: tuple[int, ...]


class Overlay:
    """Added firms by credit code, and their 字号 keys."""

    def __init__(self) -> None:
        self._firms: dict[str, OverlayFirm] = {}
        self._postings: dict[int, set[str]] = {}

    def __len__(self) -> int:
        return len(self._firms)

    def add(self, key: str, name: str, parts: NameParts, vocab: PartVocabulary) -> None:
        """Store a firm (the caller has removed any earlier entry for ``key``)."""
        hashes, _ = brand_keys([parts.brand])
        firm = OverlayFirm(
            name=name,
            parts=parts,
            industry=vocab.industry_id(parts.industry),
            region=vocab.region_id(parts.region),
            form=vocab.form_id(parts.form),
            hashes=tuple(hashes.tolist()),
        )
        self._firms[key] = firm
        for value in firm.hashes:
            self._postings.setdefault(value, set()).add(key)

    def remove(self, key: str) -> None:
        """Drop ``key`` if the overlay holds it."""
        firm = self._firms.pop(key, None)
        if firm is None:
            return
        for value in firm.hashes:
            keys = self._postings.get(value)
            if keys is not None:
                keys.discard(key)

    def items(self) -> Iterator[tuple[str, str]]:
        """Yield ``(key, name)`` for every firm of the overlay."""
        for key, firm in self._firms.items():
            yield key, firm.name

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the keys and names as string arrays for saving."""
        keys = np.array(list(self._firms), dtype=np.str_)
        names = np.array([f.name for f in self._firms.values()], dtype=np.str_)
        return keys, names

    def describe(
        self, key: str, vocab: PartVocabulary
    ) -> tuple[str, NameParts, tuple[str, ...]]:
        """Return the name, parts and region tokens of an overlay firm."""
        firm = self._firms[key]
        return firm.name, firm.parts, vocab.regions[firm.region]

    def score(
        self,
        hyps: list[Hypothesis],
        keys: np.ndarray,
        owners: np.ndarray,
        context: QueryContext,
    ) -> list[tuple[float, str, int, int]]:
        """Return (score, key, -1, reading) for overlay firms the readings reach."""
        if not self._firms:
            return []
        reached: set[tuple[int, str]] = set()
        for value, owner in zip(keys.tolist(), owners.tolist(), strict=True):
            for key in self._postings.get(value, ()):
                reached.add((owner, key))
        scored = []
        for hyp, key in reached:
            firm = self._firms[key]
            similarity = brand_similarity(hyps[hyp].brand, firm.parts.brand)
            if similarity < MIN_BRAND_SIMILARITY:
                continue
            similarity = brand_evidence(hyps[hyp], similarity)
            weights = context.weights[hyp]
            total = (
                similarity * weights[0]
                + context.industry[hyp, firm.industry] * weights[1]
                + context.region[hyp, firm.region] * weights[2]
                + context.form[hyp, firm.form] * weights[3]
            )
            scored.append((float(total), key, -1, hyp))
        return scored
