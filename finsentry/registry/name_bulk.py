"""Splitting millions of registered names at once, as `split_normalized` would.

A Python loop over `split_normalized` takes most of a minute for 3 million
names, and Arrow's string kernels allocate a new array per candidate length.
Here names become a matrix of code points and each part is a span
``[start, end)`` of its row: a suffix or prefix of length k is tested for all
rows at once by hashing k gathered columns and looking the hashes up in the
hashed word list. Rows the fast path does not cover (brackets, branch tails,
names longer than the matrix) go through `split_normalized` itself, and a test
checks that both agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from finsentry.registry.name_parts import BRANCH_ENDS, split_normalized, vocabulary

_WIDTH = 32  # names longer than this take the exact path
_MULTIPLIER = np.uint64(0x100000001B3)
_SEED = 0x9E3779B97F4A7C15
_MASK = (1 << 64) - 1
_LEVEL = np.array([ord(c) for c in "省市县区"], dtype=np.uint32)


@dataclass(frozen=True)
class Column:
    """One part of every name: an id per row and the text of each id."""

    ids: np.ndarray
    texts: list[str]


def text_hash(text: str) -> int:
    """Return the span hash of ``text``, as `_span_hash` computes it in numpy."""
    value = _SEED
    for char in text:
        value = (value * 0x100000001B3 + ord(char)) & _MASK
    return value


def _span_hash(
    codes: np.ndarray, rows: np.ndarray, start: np.ndarray, size: int
) -> np.ndarray:
    """Return hashes of ``codes[row, start:start + size]`` for each row."""
    value = np.full(len(rows), _SEED, dtype=np.uint64)
    for offset in range(size):
        value = value * _MULTIPLIER + codes[rows, start + offset]
    return value


def _word_hashes(words: Iterable[str]) -> dict[int, np.ndarray]:
    """Return the hashes of ``words`` grouped by length, longest first."""
    groups: dict[int, list[int]] = {}
    for word in words:
        groups.setdefault(len(word), []).append(text_hash(word))
    return {
        size: np.array(sorted(groups[size]), dtype=np.uint64)
        for size in sorted(groups, reverse=True)
    }


def _peel_suffix(
    codes: np.ndarray, end: np.ndarray, words: dict[int, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Return (new end, cut length): the longest word ending at ``end``, leaving two."""
    rows = np.arange(len(end))
    cut = np.zeros(len(end), dtype=np.int64)
    for size, hashes in words.items():
        open_rows = rows[(cut == 0) & (end >= size + 2)]
        hit = np.isin(_span_hash(codes, open_rows, end[open_rows] - size, size), hashes)
        cut[open_rows[hit]] = size
    return end - cut, cut


def _peel_regions(
    codes: np.ndarray, end: np.ndarray, words: dict[int, np.ndarray]
) -> np.ndarray:
    """Return where the 字号 starts after the region prefixes of each row."""
    start = np.zeros(len(end), dtype=np.int64)
    todo = np.arange(len(end))
    while len(todo):
        cut = np.zeros(len(todo), dtype=np.int64)
        for size, hashes in words.items():
            here = np.flatnonzero((cut == 0) & (end[todo] - start[todo] - size >= 2))
            rows = todo[here]
            hit = np.isin(_span_hash(codes, rows, start[rows], size), hashes)
            cut[here[hit]] = size
        hit = cut > 0
        todo, cut = todo[hit], cut[hit]
        after = codes[todo, np.minimum(start[todo] + cut, _WIDTH - 1)]
        room = end[todo] - start[todo] - cut > 2
        cut += np.isin(after, _LEVEL) & room
        start[todo] += cut
    return start


def _column(
    codes: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    exact: dict[int, str],
) -> Column:
    """Return ids and texts of the spans ``[start, end)``, exact rows overriding."""
    hashes = np.zeros(len(start), dtype=np.uint64)
    sizes = end - start
    for size in np.unique(sizes).tolist():
        rows = np.flatnonzero(sizes == size)
        hashes[rows] = _span_hash(codes, rows, start[rows], size)
    texts_by_hash: dict[int, str] = {}
    for row, text in exact.items():
        hashes[row] = text_hash(text)
        texts_by_hash[text_hash(text)] = text
    distinct, first, ids = np.unique(hashes, return_index=True, return_inverse=True)
    texts = []
    for value, row in zip(distinct.tolist(), first.tolist(), strict=True):
        text = texts_by_hash.get(value)
        if text is None:
            text = "".join(map(chr, codes[row, start[row] : end[row]].tolist()))
        texts.append(text)
    return Column(ids.astype(np.int32), texts)


def split_all(names: list[str]) -> dict[str, Column]:
    """Return region, brand, industry and form columns of normalised ``names``."""
    vocab = vocabulary()
    fixed = np.array(names, dtype=f"<U{_WIDTH}")
    codes = fixed.view(np.uint32).reshape(len(names), _WIDTH)
    length = (codes != 0).sum(axis=1).astype(np.int64)
    exact_rows = [
        row
        for row, name in enumerate(names)
        if len(name) > _WIDTH
        or "（" in name
        or (name.endswith(BRANCH_ENDS) and vocab.branch_re.search(name))
    ]

    end, form_cut = _peel_suffix(codes, length, _word_hashes(vocab.form_list))
    end, industry_cut = _peel_suffix(codes, end, _word_hashes(vocab.industries))
    start = _peel_regions(codes, end, _word_hashes(vocab.regions))

    exact = {row: split_normalized(names[row]) for row in exact_rows}
    zero = np.zeros(len(names), dtype=np.int64)
    return {
        "region": _column(codes, zero, start, {r: p.region for r, p in exact.items()}),
        "brand": _column(codes, start, end, {r: p.brand for r, p in exact.items()}),
        "industry": _column(
            codes, end, end + industry_cut, {r: p.industry for r, p in exact.items()}
        ),
        "form": _column(
            codes, length - form_cut, length, {r: p.form for r, p in exact.items()}
        ),
    }
