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

from finsentry.registry.name_parts import (
    BRANCH_ENDS,
    region_tokens,
    split_normalized,
    vocabulary,
)

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


def _contains(hashes: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Return whether each value is in the sorted ``hashes`` (faster than isin)."""
    at = np.minimum(np.searchsorted(hashes, values), len(hashes) - 1)
    return hashes[at] == values


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
        found = _span_hash(codes, open_rows, end[open_rows] - size, size)
        hit = _contains(hashes, found)
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
            hit = _contains(hashes, _span_hash(codes, rows, start[rows], size))
            cut[here[hit]] = size
        hit = cut > 0
        todo, cut = todo[hit], cut[hit]
        after = codes[todo, np.minimum(start[todo] + cut, _WIDTH - 1)]
        room = end[todo] - start[todo] - cut > 2
        cut += np.isin(after, _LEVEL) & room
        start[todo] += cut
    return start


def _column(codes: np.ndarray, start: np.ndarray, end: np.ndarray) -> Column:
    """Return ids and texts of the spans ``[start, end)`` of each row."""
    hashes = np.zeros(len(start), dtype=np.uint64)
    sizes = end - start
    for size in np.unique(sizes).tolist():
        rows = np.flatnonzero(sizes == size)
        hashes[rows] = _span_hash(codes, rows, start[rows], size)
    _, first, ids = np.unique(hashes, return_index=True, return_inverse=True)
    texts = [
        "".join(map(chr, codes[row, start[row] : end[row]].tolist()))
        for row in first.tolist()
    ]
    return Column(ids.astype(np.int32), texts)


def _override(column: Column, exact: dict[int, str]) -> Column:
    """Return ``column`` with the rows of ``exact`` set to the given texts."""
    texts = list(column.texts)
    known = {text: at for at, text in enumerate(texts)}
    ids = column.ids.copy()
    for row, text in exact.items():
        if text not in known:
            known[text] = len(texts)
            texts.append(text)
        ids[row] = known[text]
    return Column(ids, texts)


def _joined(first: Column, second: Column) -> Column:
    """Return the column of ``first`` text followed by ``second`` text, per row."""
    pair = first.ids.astype(np.int64) * len(second.texts) + second.ids
    distinct, ids = np.unique(pair, return_inverse=True)
    texts = [
        first.texts[value // len(second.texts)]
        + second.texts[value % len(second.texts)]
        for value in distinct.tolist()
    ]
    return Column(ids.astype(np.int32), texts)


def _drop_bracket(
    codes: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray, Column]:
    """Return codes and ends with a bracketed region cut out, and that region."""
    opening = codes == ord("（")
    has = opening.any(axis=1)
    rows = np.flatnonzero(has)
    left = opening[rows].argmax(axis=1)
    closing = (codes[rows] == ord("）")) & (np.arange(_WIDTH) > left[:, None])
    right = np.where(closing.any(axis=1), closing.argmax(axis=1), _WIDTH)
    fits = (right < end[rows]) & (right - left - 1 >= 2) & (right - left - 1 <= 24)
    rows, left, right = rows[fits], left[fits], right[fits]
    inner = _column(codes[rows], left + 1, right)
    valid = np.array(
        [region_tokens(text) is not None for text in inner.texts] + [False]
    )
    keep = valid[inner.ids]
    rows, left, right = rows[keep], left[keep], right[keep]

    bracket_ids = np.zeros(len(codes), dtype=np.int64)
    texts = ["", *inner.texts]
    bracket_ids[rows] = inner.ids[keep] + 1
    width = right - left + 1
    source = np.arange(_WIDTH)[None, :]
    source = np.where(source < left[:, None], source, source + width[:, None])
    shifted = np.where(
        source < _WIDTH,
        codes[rows[:, None], np.minimum(source, _WIDTH - 1)],
        0,
    )
    codes = codes.copy()
    codes[rows] = shifted
    end = end.copy()
    end[rows] -= width
    distinct, ids = np.unique(bracket_ids, return_inverse=True)
    bracket = Column(ids.astype(np.int32), [texts[v] for v in distinct.tolist()])
    return codes, end, bracket


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
        or name.count("（") > 1
        or (name.endswith(BRANCH_ENDS) and vocab.branch_re.search(name))
    ]

    end, form_cut = _peel_suffix(codes, length, _word_hashes(vocab.form_list))
    codes, end, bracket = _drop_bracket(codes, end)
    end, industry_cut = _peel_suffix(codes, end, _word_hashes(vocab.industries))
    start = _peel_regions(codes, end, _word_hashes(vocab.regions))
    form_start = length - form_cut
    original = fixed.view(np.uint32).reshape(len(names), _WIDTH)

    exact = {row: split_normalized(names[row]) for row in exact_rows}
    zero = np.zeros(len(names), dtype=np.int64)
    # The bracketed region follows any prefix region, as in split_normalized.
    region = _joined(_column(codes, zero, start), bracket)
    columns = {
        "region": region,
        "brand": _column(codes, start, end),
        "industry": _column(codes, end, end + industry_cut),
        "form": _column(original, form_start, length),
    }
    return {
        field: _override(column, {r: getattr(p, field) for r, p in exact.items()})
        for field, column in columns.items()
    }
