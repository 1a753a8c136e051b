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

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from finsentry.registry.name_keys import key_array
from finsentry.registry.name_parts import (
    LONG_BRAND,
    region_tokens,
    split_normalized,
    vocabulary,
)
from finsentry.registry.name_scoring import PartVocabulary
from finsentry.registry.normalize import normalize_names

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


def _word_hashes(
    words: Iterable[str], last: bool
) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Return, per word length (longest first), sorted word hashes and edge chars.

    The edge character (last for suffixes, first for prefixes) is checked with
    one gather before hashing, so each length hashes only the rows that can match.
    """
    groups: dict[int, list[str]] = {}
    for word in words:
        groups.setdefault(len(word), []).append(word)
    table = {}
    for size in sorted(groups, reverse=True):
        hashes = np.array(sorted(text_hash(w) for w in groups[size]), dtype=np.uint64)
        edges = np.array(sorted({ord(w[-1] if last else w[0]) for w in groups[size]}))
        table[size] = (hashes, edges.astype(np.uint32))
    return table


def _peel_suffix(
    codes: np.ndarray, end: np.ndarray, words: dict[int, tuple[np.ndarray, np.ndarray]]
) -> tuple[np.ndarray, np.ndarray]:
    """Return (new end, cut length): the longest word ending at ``end``, leaving two."""
    cut = np.zeros(len(end), dtype=np.int64)
    last = codes[np.arange(len(end)), np.maximum(end - 1, 0)]
    for size, (hashes, edges) in words.items():
        open_rows = np.flatnonzero((cut == 0) & (end >= size + 2))
        open_rows = open_rows[_contains(edges, last[open_rows])]
        found = _span_hash(codes, open_rows, end[open_rows] - size, size)
        cut[open_rows[_contains(hashes, found)]] = size
    return end - cut, cut


def _peel_regions(
    codes: np.ndarray, end: np.ndarray, words: dict[int, tuple[np.ndarray, np.ndarray]]
) -> np.ndarray:
    """Return where the 字号 starts after the region prefixes of each row."""
    start = np.zeros(len(end), dtype=np.int64)
    todo = np.arange(len(end))
    while len(todo):
        cut = np.zeros(len(todo), dtype=np.int64)
        first = codes[todo, np.minimum(start[todo], _WIDTH - 1)]
        for size, (hashes, edges) in words.items():
            room = end[todo] - start[todo] - size >= 2
            here = np.flatnonzero((cut == 0) & room & _contains(edges, first))
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
    codes: np.ndarray, end: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, Column]:
    """Cut a bracketed region out of ``rows`` of ``codes`` in place.

    Returns the new span ends and the bracketed region of every row ("" if none).
    """
    subset = codes[rows]
    left = (subset == ord("（")).argmax(axis=1)
    closing = (subset == ord("）")) & (np.arange(_WIDTH) > left[:, None])
    right = np.where(closing.any(axis=1), closing.argmax(axis=1), _WIDTH)
    fits = (right < end[rows]) & (right - left - 1 >= 2) & (right - left - 1 <= 24)
    rows, left, right, subset = rows[fits], left[fits], right[fits], subset[fits]
    inner = _column(subset, left + 1, right)
    valid = np.array([region_tokens(text) is not None for text in inner.texts])
    keep = valid[inner.ids] if len(inner.texts) else np.zeros(0, dtype=bool)
    rows, left, right, subset = rows[keep], left[keep], right[keep], subset[keep]

    bracket_ids = np.zeros(len(codes), dtype=np.int64)
    bracket_ids[rows] = inner.ids[keep] + 1
    width = right - left + 1
    source = np.arange(_WIDTH)[None, :]
    source = np.where(source < left[:, None], source, source + width[:, None])
    picked = np.take_along_axis(subset, np.minimum(source, _WIDTH - 1), axis=1)
    codes[rows] = np.where(source < _WIDTH, picked, 0)
    end = end.copy()
    end[rows] -= width
    distinct, ids = np.unique(bracket_ids, return_inverse=True)
    texts = ["", *inner.texts]
    bracket = Column(ids.astype(np.int32), [texts[v] for v in distinct.tolist()])
    return end, bracket


def split_all(names: pa.Array) -> dict[str, Column]:
    """Return region, brand, industry and form columns of normalised ``names``."""
    vocab = vocabulary()
    texts = names.to_pylist()
    codes = np.array(texts, dtype=f"<U{_WIDTH}").view(np.uint32)
    codes = codes.reshape(len(texts), _WIDTH)
    length = np.minimum(pc.utf8_length(names).to_numpy(), _WIDTH).astype(np.int64)
    exact_mask = pc.or_(
        pc.greater(pc.utf8_length(names), _WIDTH),
        pc.or_(
            pc.greater(pc.count_substring(names, "（"), 1),
            pc.match_substring_regex(names, vocab.branch_re.pattern),
        ),
    )
    exact_rows = pc.indices_nonzero(exact_mask).to_numpy()
    bracket_rows = pc.indices_nonzero(pc.match_substring(names, "（")).to_numpy()

    end, form_cut = _peel_suffix(codes, length, _word_hashes(vocab.form_list, True))
    form = _column(codes, length - form_cut, length)
    end, bracket = _drop_bracket(codes, end, bracket_rows)
    end, industry_cut = _peel_suffix(codes, end, _word_hashes(vocab.industries, True))
    start = _peel_regions(codes, end, _word_hashes(vocab.regions, False))

    # A long remainder with no listed industry may hold an unlisted one: the
    # exact splitter knows how to cut it.
    company = pc.ends_with(names, "公司").to_numpy(zero_copy_only=False)
    long_rest = (industry_cut == 0) & (end - start >= LONG_BRAND)
    unlisted = np.flatnonzero(long_rest & company)
    exact_rows = np.union1d(exact_rows.astype(np.int64), unlisted.astype(np.int64))
    exact = {row: split_normalized(texts[row]) for row in exact_rows.tolist()}
    del texts
    zero = np.zeros(len(length), dtype=np.int64)
    # The bracketed region follows any prefix region, as in split_normalized.
    columns = {
        "region": _joined(_column(codes, zero, start), bracket),
        "brand": _column(codes, start, end),
        "industry": _column(codes, end, end + industry_cut),
        "form": form,
    }
    return {
        field: _override(column, {r: getattr(p, field) for r, p in exact.items()})
        for field, column in columns.items()
    }


def vocab_ids(column: Column, to_id: Callable[[str], int], dtype: type) -> np.ndarray:
    """Return per-row vocabulary ids for a column of part texts."""
    mapping: np.ndarray = np.array([to_id(t) for t in column.texts], dtype=dtype)
    return mapping[column.ids]


def lay_out(
    keys: list[str], names: pa.LargeStringArray, vocab: PartVocabulary
) -> dict[str, Any]:
    """Return the row and group arrays of a `NameIndex` over ``keys`` and ``names``.

    Rows are sorted by 字号, industry and region; ``brand_groups`` gives each
    字号 its run of groups (rows of one 字号 and industry), ``group_rows`` each
    group its run of rows. ``vocab`` learns the industries, regions and forms.
    """
    size = len(keys)
    columns = split_all(normalize_names(names))
    row_brand = columns["brand"].ids
    row_industry = vocab_ids(columns["industry"], vocab.industry_id, np.int16)
    row_region = vocab_ids(columns["region"], vocab.region_id, np.int32)
    row_form = vocab_ids(columns["form"], vocab.form_id, np.int16)
    brands = columns["brand"].texts
    del columns

    order = np.lexsort((row_region, row_industry, row_brand))
    row_brand, row_industry = row_brand[order], row_industry[order]
    starts = np.flatnonzero((np.diff(row_brand) != 0) | (np.diff(row_industry) != 0))
    group_rows = np.zeros(len(starts) + 2 if size else 1, dtype=np.int64)
    group_rows[1:-1] = starts + 1
    group_rows[-1] = size
    first_brand = row_brand[group_rows[:-1]]
    brand_groups = np.searchsorted(first_brand, np.arange(len(brands) + 1))
    return {
        "keys": key_array(keys)[order],
        "names": pc.take(names, order),
        "row_region": row_region[order],
        "row_form": row_form[order],
        "brands": pa.array(brands, type=pa.large_string()),
        "brand_groups": brand_groups.astype(np.int64),
        "group_rows": group_rows,
        "group_industry": row_industry[group_rows[:-1]],
    }
