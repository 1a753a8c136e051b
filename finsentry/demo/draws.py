"""Seeded random draws, cheaper than the `random.Random` methods they replace.

`random.Random.choice`, `randint` and `choices` cost one to two microseconds
each in pure Python; a registry row needs about a hundred draws, and the
generator must produce millions of rows in minutes. These helpers use one
`rng.random()` call each, which keeps the stream seeded and deterministic.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Mapping, Sequence
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """Return one of ``items`` with equal chances."""
    return items[int(rng.random() * len(items))]


def between(rng: random.Random, low: int, high: int) -> int:
    """Return an integer from ``low`` to ``high`` inclusive."""
    return low + int(rng.random() * (high - low + 1))


def some(rng: random.Random, items: Sequence[T], count: int) -> list[T]:
    """Return up to ``count`` distinct items, in listed order (repeats dropped)."""
    size = len(items)
    chosen = {int(rng.random() * size) for _ in range(count)}
    return [items[i] for i in sorted(chosen)]


def digits(rng: random.Random, count: int) -> str:
    """Return ``count`` random decimal digits."""
    return f"{int(rng.random() * 10**count):0{count}d}"


class Weighted(Generic[T]):
    """A weight table to draw keys from in O(log n)."""

    def __init__(self, weights: Mapping[T, float] | Sequence[tuple[T, float]]) -> None:
        pairs = list(weights.items()) if isinstance(weights, Mapping) else list(weights)
        self.keys = [key for key, _ in pairs]
        self.cum = list(accumulate(weight for _, weight in pairs))
        self.total = self.cum[-1]

    def draw(self, rng: random.Random) -> T:
        """Return one key drawn with its weight."""
        return self.keys[bisect(self.cum, rng.random() * self.total)]
