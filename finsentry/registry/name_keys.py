"""Hashed lookup keys that find every 字号 within one edit of a loose 字号.

Each registered 字号 gets an exact key and one deletion key per character (鑫汇达
gives 汇达, 鑫达, 鑫汇); a loose 字号 looks up the same two kinds. Exact meets
exact for an equal 字号, a deletion meets a deletion for a one-character
substitution, and a deletion meets an exact key for an added or dropped
character (the symmetric-deletion idea, Garbe 2012). This is hand-written
rather than a library because the keys must live in one sorted numpy array of
64-bit hashes: a Python dict of 3 million strings would cost ten times the
memory and could not be saved and loaded as plain arrays.

The hash is FNV-style over the first eight code points, zero-padded, computed
by the same numpy code at build and at query time.
"""

from __future__ import annotations

import numpy as np

_MASK = (1 << 64) - 1
_MULTIPLIER = 0x100000001B3
_KEY_CHARS = 8
# Deletion keys only for 字号 up to this long: longer "brands" are names the
# splitter could not take apart, and their keys would only add noise.
_MAX_DELETE_CHARS = 6
EXACT = 0xCBF29CE484222325
DELETION = 0x84222325CBF29CE4
# Single-character deletion keys of common characters point at hundreds of
# 字号; beyond this a key carries no signal and is skipped.
_MAX_POSTING = 5_000


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Return the concatenation of ``arange(start, start + length)`` for each pair."""
    ends = np.cumsum(lengths)
    shift = np.repeat(starts - (ends - lengths), lengths)
    return np.arange(int(lengths.sum()), dtype=np.int64) + shift


def _hash_codes(codes: np.ndarray, tag: int) -> np.ndarray:
    """Return FNV-style 64-bit hashes of the rows of a zero-padded code-point matrix."""
    value = np.full(len(codes), tag, dtype=np.uint64)
    multiplier = np.uint64(_MULTIPLIER)
    for column in range(codes.shape[1]):
        value = (value ^ codes[:, column]) * multiplier
    return value ^ (value >> np.uint64(29))


def _code_points(texts: list[str]) -> np.ndarray:
    """Return the first eight code points of each text, zero-padded, as uint64."""
    fixed = np.array(texts, dtype=f"<U{_KEY_CHARS}")
    return fixed.view(np.uint32).reshape(len(texts), _KEY_CHARS).astype(np.uint64)


def brand_keys(brands: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return (hashes, brand ids) of the exact and deletion keys of ``brands``."""
    codes = _code_points(brands)
    lengths = (codes != 0).sum(axis=1)
    ids = np.arange(len(brands), dtype=np.int32)
    hashes = [_hash_codes(codes, EXACT)]
    owners = [ids]
    padding = np.zeros((len(brands), 1), dtype=np.uint64)
    deletable = (lengths >= 2) & (lengths <= _MAX_DELETE_CHARS)
    for position in range(_MAX_DELETE_CHARS):
        chosen = deletable & (lengths > position)
        shortened = np.concatenate(
            [codes[:, :position], codes[:, position + 1 :], padding], axis=1
        )[chosen]
        hashes.append(_hash_codes(shortened, DELETION))
        owners.append(ids[chosen])
    return np.concatenate(hashes), np.concatenate(owners)


def query_keys(brands: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return (hashes, index into ``brands``) of every key a loose 字号 looks up."""
    texts: list[str] = []
    owners: list[int] = []
    for owner, brand in enumerate(brands):
        brand = brand[:_KEY_CHARS]
        variants = [brand]
        variants += [brand[:at] + brand[at + 1 :] for at in range(len(brand))]
        texts += [v for v in variants if v]
        owners += [owner] * sum(1 for v in variants if v)
    if not texts:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    codes = _code_points(texts)
    # Each text is looked up as an exact key and as a deletion key.
    hashes = np.concatenate([_hash_codes(codes, EXACT), _hash_codes(codes, DELETION)])
    owner_array = np.array(owners, dtype=np.int64)
    return hashes, np.concatenate([owner_array, owner_array])


class KeyTable:
    """Sorted 64-bit keys and the 字号 id each one points at."""

    def __init__(self, hashes: np.ndarray, brands: np.ndarray) -> None:
        self.hashes = hashes
        self.brands = brands

    @classmethod
    def from_brands(cls, brands: list[str]) -> KeyTable:
        """Return the table of every exact and deletion key of ``brands``."""
        hashes, owners = brand_keys(brands)
        order = np.argsort(hashes, kind="stable")
        return cls(hashes[order], owners[order])

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (index into ``keys``, 字号 id) for every stored key matched."""
        low = np.searchsorted(self.hashes, keys, side="left")
        high = np.searchsorted(self.hashes, keys, side="right")
        counts = high - low
        counts[counts > _MAX_POSTING] = 0
        which = np.repeat(np.arange(len(keys)), counts)
        return which, self.brands[ranges(low, counts)]


def key_array(keys: list[str]) -> np.ndarray:
    """Return the credit codes as a fixed-width bytes array."""
    try:
        return np.array(keys, dtype=np.bytes_)  # ASCII, as every USCC is
    except UnicodeEncodeError:
        return np.array([key.encode("utf-8") for key in keys], dtype=np.bytes_)
