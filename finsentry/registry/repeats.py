"""Repeated credit codes in a file: the first record of a code is kept.

A registration extract of millions of rows may list a firm twice; the second
record is refused naming the line of the first. Codes are compared as 64-bit
digests computed with numpy over the Arrow buffers, and turned into strings
only when a file really has repeats.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from finsentry.registry import uscc
from finsentry.registry.sources import Reject


class DuplicateGuard:
    """Refuses a credit code seen earlier in the file, naming the line it came on.

    The common path compares 64-bit digests of the codes with numpy: a bit
    filter of the digests kept so far clears most of a batch at once, and
    the few it cannot clear are looked up in sorted runs that merge as they
    grow (each digest is copied about log2(batches) times). A digest seen
    before, or twice in one batch, sends that batch to the exact path,
    which compares the codes themselves (so a digest collision costs time,
    never a wrong reject).
    """

    # 2**27 bits (16 MiB): at 3 million codes about 2 % of new codes need a
    # lookup in the runs.
    _FILTER_BITS = 27

    def __init__(self) -> None:
        self._runs: list[np.ndarray] = []
        self._filter = np.zeros(1 << (self._FILTER_BITS - 3), dtype=np.uint8)
        self._kept: list[tuple[pa.ChunkedArray, pa.ChunkedArray]] = []
        self._lines: dict[str, int] | None = None

    def drop_repeats(self, table: pa.Table) -> tuple[pa.Table, list[Reject]]:
        """Return the table without codes already seen, and a reject for each repeat."""
        kept, _, rejects = self.keep_first(table)
        return kept, rejects

    def keep_first(
        self, table: pa.Table, digests: np.ndarray | None = None
    ) -> tuple[pa.Table, list[int] | None, list[Reject]]:
        """Return the kept table, the kept row indices (None: all), and the rejects.

        `table` needs the `uscc` and `line` columns; `digests` are its
        `code_digests`, sorted, when the caller has them already.
        """
        if digests is None:
            digests = np.sort(code_digests(table["uscc"]))
        if not (digests[1:] == digests[:-1]).any() and not self._seen_any(digests):
            self._add(digests)
            self._keep(table)
            return table, None, []

        seen = self._first_lines()
        keep: list[int] = []
        rejects: list[Reject] = []
        codes, lines = table["uscc"].to_pylist(), table["line"].to_pylist()
        for index, (code, line) in enumerate(zip(codes, lines, strict=True)):
            first = seen.get(code)
            if first is None:
                seen[code] = line
                keep.append(index)
                continue
            reason = f"统一社会信用代码与第 {first} 行重复"
            rejects.append(Reject(line, code, "uscc", reason))
        kept = table.take(pa.array(keep, type=pa.int64()))
        self._add(np.unique(code_digests(kept["uscc"])))
        self._kept.append((kept["uscc"], kept["line"]))
        return kept, keep, rejects

    def _slots(self, digests: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the filter byte and bit mask of each digest (its top bits)."""
        slots = (digests >> np.uint64(64 - self._FILTER_BITS)).astype(np.intp)
        return slots >> 3, np.left_shift(1, slots & 7).astype(np.uint8)

    def _seen_any(self, digests: np.ndarray) -> bool:
        """Return whether any of the sorted `digests` was kept before."""
        places, bits = self._slots(digests)
        maybe = digests[(self._filter[places] & bits) != 0]
        for run in self._runs if len(maybe) else ():
            at = np.searchsorted(run, maybe).clip(max=len(run) - 1)
            if (run[at] == maybe).any():
                return True
        return False

    def _add(self, digests: np.ndarray) -> None:
        """Keep the sorted `digests`, merging runs of like size."""
        if not len(digests):
            return
        places, bits = self._slots(digests)
        # Sorted digests give sorted places: OR the bits of each place once.
        firsts = np.flatnonzero(np.diff(places, prepend=-1))
        self._filter[places[firsts]] |= np.bitwise_or.reduceat(bits, firsts)
        self._runs.append(digests)
        while len(self._runs) > 1 and len(self._runs[-2]) <= 2 * len(self._runs[-1]):
            last = self._runs.pop()
            # A stable sort of two sorted runs is a merge (timsort finds them);
            # in place, as np.sort would copy the joined runs once more.
            joined = np.concatenate((self._runs[-1], last))
            joined.sort(kind="stable")
            self._runs[-1] = joined

    def _keep(self, table: pa.Table) -> None:
        self._kept.append((table["uscc"], table["line"]))
        if self._lines is not None:
            codes, lines = table["uscc"].to_pylist(), table["line"].to_pylist()
            self._lines.update(zip(codes, lines, strict=True))

    def _first_lines(self) -> dict[str, int]:
        """Return {code: first line} of every kept code, built on the first doubt."""
        if self._lines is None:
            # Files with repeats are rare: only then are all codes made strings.
            self._lines = {}
            for codes, lines in self._kept:
                pairs = zip(codes.to_pylist(), lines.to_pylist(), strict=True)
                for seen_code, line in pairs:
                    self._lines.setdefault(seen_code, line)
        return self._lines


_MIX = (
    np.uint64(0x9E3779B97F4A7C15),
    np.uint64(0xBF58476D1CE4E5B9),
    np.uint64(0x94D049BB133111EB),
)


def code_digests(codes: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Return a 64-bit digest per code (equal codes, equal digests), as uint64."""
    if isinstance(codes, pa.ChunkedArray):
        codes = codes.combine_chunks()
    # Plain numpy on the buffers: a pyarrow scalar would import pandas (~1 s)
    # into a process that has no other use for it.
    width = np.int64 if pa.types.is_large_string(codes.type) else np.int32
    offsets = np.frombuffer(codes.buffers()[1], dtype=width)
    offsets = offsets[codes.offset : codes.offset + len(codes) + 1]
    lengths = np.diff(offsets)
    if codes.null_count or not len(codes) or (lengths != uscc.CODE_LENGTH).any():
        # Not all of code length: digest the strings one by one instead.
        values = [hash(c) & 0xFFFFFFFFFFFFFFFF for c in codes.to_pylist()]
        return np.array(values, dtype=np.uint64)
    start = int(offsets[0])
    data = np.frombuffer(codes.buffers()[2], dtype=np.uint8)
    chars = data[start : start + uscc.CODE_LENGTH * len(codes)]
    padded = np.zeros((len(codes), 24), dtype=np.uint8)
    padded[:, : uscc.CODE_LENGTH] = chars.reshape(len(codes), uscc.CODE_LENGTH)
    words = padded.view(np.uint64)
    digest = np.zeros(len(codes), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column, factor in enumerate(_MIX):
            # Multiply-xorshift rounds (splitmix64's finaliser) mix each word in.
            value = (words[:, column] ^ digest) * factor
            digest = value ^ (value >> np.uint64(31))
    return digest
