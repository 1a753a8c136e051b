"""Bulk hyperscan scans of registry text for the screening words.

`screening_batch` finds the words in millions of rows in two scans:

1. Every name and scope is scanned for the words as plain literals, each
   case and width spelling listed (P2P, p2p, Ｐ２Ｐ, …), plus the licence name
   triggers in names. A literal's start is its end minus its length, so the
   scan needs no start-of-match tracking and runs near memory speed. A word
   with a stray space inside (金 融) is not a literal: a word character
   followed by whitespace is, and marks the row for the scalar, space-tolerant
   patterns of `screening._variant_pattern`.
2. The scopes of the few rows whose every hit may sit in an exclusion clause
   are scanned again, one row per line, for a forward clause cue followed by
   the word with no clause stop between them (不得从事…金融), or the word
   followed by 除外 with no stop or bracket between them (金融、证券除外):
   such a word lies in an exclusion span whatever surrounds it
   (`clause_patterns` says why), so those rows need no clause analysis in
   Python.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import hyperscan
import numpy as np
import pyarrow as pa

from finsentry.registry.clauses import (
    BACK_STOPS,
    CLOSE_BRACKETS,
    EXCEPT_CUE,
    OPEN_BRACKETS,
    SOFT_STOPS,
)
from finsentry.rules import scanner

# Pattern kinds of the first scan.
WORD, TRIGGER, SPACE = 0, 1, 2
# The clause scan's kind for a word proved by the cue after it (除外): its
# match starts where the word starts, where a WORD match ends where it ends.
WORD_BEFORE = 3
# What `\s` matches in a hyperscan pattern without HS_FLAG_UCP, plus U+3000:
# the whitespace `_variant_pattern` lets stand between a word's characters.
WHITESPACE = "\t\n\x0b\x0c\r \u3000"
# A pattern length that says only the match's end is known (no start-of-match).
END_ONLY = -1
# Above this many spellings a word is scanned with its space-tolerant pattern.
MAX_SPELLINGS = 256
# Characters a clause cue must be followed by, up to the word, for the word
# to lie in the cue's span: anything but a stop or a bracket.
_CLAUSE_BREAKS = SOFT_STOPS | OPEN_BRACKETS | CLOSE_BRACKETS
# What may stand between a word and the 除外 after it: anything but what stops
# the walk back from 除外 (`clauses._walk_backward`).
_BACK_BREAKS = BACK_STOPS | OPEN_BRACKETS | CLOSE_BRACKETS
_TOLERANT_FLAGS = hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SOM_LEFTMOST


def char_forms(ch: str) -> list[str]:
    """Return the spellings of one word character: ASCII case and full width."""
    if not (ch.isascii() and ch.isalnum()):
        return [ch]
    forms = {ch, ch.lower(), ch.upper()}
    forms |= {chr(ord(f) + 0xFEE0) for f in list(forms)}
    return sorted(forms)


def spellings(word: str) -> list[str] | None:
    """Return every case and width spelling of `word`, or None when too many."""
    per_char = [char_forms(ch) for ch in word]
    count = 1
    for forms in per_char:
        count *= len(forms)
    if count > MAX_SPELLINGS:
        return None
    return ["".join(chars) for chars in itertools.product(*per_char)]


def _hex(text: str) -> str:
    """Return `text` as a hyperscan regex of escaped UTF-8 bytes (no UTF-8 mode)."""
    return "".join(f"\\x{b:02x}" for b in text.encode("utf-8"))


def _utf8_char(ch: str) -> str:
    """Return one character for a UTF-8 mode pattern, escaped when ASCII."""
    return ch if not ch.isascii() else f"\\x{ord(ch):02x}"


@dataclass(frozen=True)
class PatternTable:
    """A compiled database and, per pattern id, its kind, word index and length.

    `lengths` holds each pattern's byte length, 0 for a pattern compiled with
    leftmost start-of-match (the scan reports its start), or END_ONLY;
    `ranks` gives each word index its place among the words sorted as text.
    """

    db: hyperscan.Database | None
    kinds: np.ndarray
    words: np.ndarray
    lengths: np.ndarray
    ranks: np.ndarray


def _table(
    rows: list[tuple[str, int, int, int]], flags: list[int], texts: Sequence[str]
) -> PatternTable:
    """Compile (expression, kind, word, length) rows for the words `texts`."""
    kinds = np.array([r[1] for r in rows], dtype=np.int8)
    words = np.array([r[2] for r in rows], dtype=np.int64)
    lengths = np.array([r[3] for r in rows], dtype=np.int64)
    ranks = np.empty(len(texts), dtype=np.int64)
    ranks[sorted(range(len(texts)), key=texts.__getitem__)] = np.arange(len(texts))
    if not rows:
        return PatternTable(None, kinds, words, lengths, ranks)
    # The clause table takes a tenth of a second to compile: each table is
    # compiled once per word list and cue set and loaded from disk after.
    db = scanner.compile_patterns([r[0] for r in rows], flags, cache=True)
    return PatternTable(db, kinds, words, lengths, ranks)


def literal_table(
    words: Sequence[str], tolerant: Sequence[str], triggers: Sequence[str] = ()
) -> PatternTable:
    """Return the first-scan table: word spellings, triggers, word-space pairs.

    `tolerant` holds each word's space-tolerant pattern, used instead of its
    spellings when it has more than MAX_SPELLINGS of them.
    """
    rows: list[tuple[str, int, int, int]] = []
    flags: list[int] = []
    inner: set[str] = set()
    for index, word in enumerate(words):
        spelt = spellings(word)
        if spelt is None:
            rows.append((tolerant[index], WORD, index, 0))
            flags.append(_TOLERANT_FLAGS)
            continue
        for text in spelt:
            rows.append((_hex(text), WORD, index, len(text.encode("utf-8"))))
            flags.append(0)
            inner.update(text[:-1])
    for trigger in triggers:
        rows.append((_hex(trigger), TRIGGER, -1, len(trigger.encode("utf-8"))))
        flags.append(0)
    for ch in sorted(inner):
        for space in WHITESPACE:
            pair = ch + space
            rows.append((_hex(pair), SPACE, -1, len(pair.encode("utf-8"))))
            flags.append(0)
    return _table(rows, flags, words)


def clause_patterns(
    words: Sequence[str], cues: Sequence[str], backward: Sequence[str] = ()
) -> PatternTable:
    """Return the second-scan table: a forward cue, then no break, then a word;
    and, where 除外 is a `backward` cue, a word, then no break, then 除外.

    A forward match ending where a word hit ends proves the hit excluded: the
    cue (or a longer cue overlapping it, whose text holds no break either)
    opens a forward span in `clauses._find_spans`, and the span's walk runs
    past the word because nothing between them can stop it. A backward match
    starting where a hit starts proves it too: every 除外 closes a span (no
    other backward cue shares a character with it, so none can take its
    text), and the walk back from it reaches past the word. Either proof
    holds whatever text surrounds the match, so it needs no other clause
    analysis.
    """
    usable = [c for c in cues if c and not set(c) & _CLAUSE_BREAKS]
    others = set("".join(c for c in backward if c != EXCEPT_CUE))
    closing = EXCEPT_CUE in backward and not others & set(EXCEPT_CUE)
    rows: list[tuple[str, int, int, int]] = []
    flags: list[int] = []
    cue = "(?:" + "|".join(_utf8_expr(c) for c in usable) + ")"
    gap = "[^" + "".join(_utf8_char(c) for c in sorted(_CLAUSE_BREAKS)) + "]*"
    back_gap = "[^" + "".join(_utf8_char(c) for c in sorted(_BACK_BREAKS)) + "]*"
    for index, word in enumerate(words):
        if set(word) & _CLAUSE_BREAKS or spellings(word) is None:
            continue
        spelt = "".join(
            "(?:" + "|".join(_utf8_char(f) for f in char_forms(ch)) + ")" for ch in word
        )
        if usable:
            # Only the end is used: no start-of-match, but the class needs UTF-8.
            rows.append((cue + gap + spelt, WORD, index, END_ONLY))
            flags.append(hyperscan.HS_FLAG_UTF8)
        if closing and not set(word) & _BACK_BREAKS:
            rows.append(
                (spelt + back_gap + _utf8_expr(EXCEPT_CUE), WORD_BEFORE, index, 0)
            )
            flags.append(hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SOM_LEFTMOST)
    return _table(rows, flags, words)


def _utf8_expr(text: str) -> str:
    return "".join(_utf8_char(ch) for ch in text)


def frozen(table: PatternTable) -> tuple[PatternTable, bytes | None]:
    """Return `table` without its database, and the database as bytes."""
    blob = hyperscan.dumpb(table.db) if table.db is not None else None
    return replace(table, db=None), blob


def thawed(table: PatternTable, blob: bytes | None) -> PatternTable:
    """Return `table` with the database that `frozen` turned into `blob`."""
    return replace(table, db=load_database(blob))


def load_database(blob: bytes | None) -> hyperscan.Database | None:
    """Return a block-mode database from hyperscan.dumpb bytes, ready to scan."""
    return None if blob is None else scanner.load_database(blob)


@dataclass
class Matches:
    """Matches of one scan that lie within one row, by byte, relative to the row.

    For an END_ONLY pattern, `starts` holds the match's last byte.
    """

    rows: np.ndarray
    idents: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    def where(self, keep: np.ndarray) -> Matches:
        """Return the matches selected by the boolean mask or index array `keep`."""
        return Matches(
            self.rows[keep], self.idents[keep], self.starts[keep], self.ends[keep]
        )


def row_offsets(arr: pa.Array) -> np.ndarray:
    """Return the int64 byte offsets of a string array's rows (length + 1)."""
    width = np.int32 if pa.types.is_string(arr.type) else np.int64
    offsets_buf = arr.buffers()[1]
    count = arr.offset + len(arr) + 1
    offsets = np.frombuffer(offsets_buf, dtype=width, count=count)[arr.offset :]
    return offsets.astype(np.int64)


def scan_array(table: PatternTable, arr: pa.Array, chunk: int) -> Matches:
    """Return the matches of `table` within single rows of the string array `arr`.

    The data buffer is scanned in place, whole runs of rows of about `chunk`
    bytes at a time; a match across two rows' text, or in the leftover
    bytes of a null slot, is dropped.
    """
    offsets = row_offsets(arr)
    data_buf = arr.buffers()[2]
    data = memoryview(data_buf) if data_buf is not None else memoryview(b"")
    found: list[tuple[int, int, int]] = []
    if table.db is not None and len(data):
        _scan_runs(table.db, data, offsets, chunk, found)
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return Matches(empty, empty, empty, empty)

    matches = np.asarray(found, dtype=np.int64)
    idents, reported, ends = matches[:, 0], matches[:, 1], matches[:, 2]
    lengths = table.lengths[idents]
    # An END_ONLY match is placed by its last byte; its start is not known.
    starts = np.where(lengths > 0, ends - lengths, reported)
    starts = np.where(lengths == END_ONLY, ends - 1, starts)
    rows = np.searchsorted(offsets, starts, side="right") - 1
    keep = np.less_equal(ends, offsets[rows + 1])
    if arr.null_count:
        valid = arr.is_valid().to_numpy(zero_copy_only=False)
        keep &= valid[rows]
    rows = rows[keep]
    base = offsets[rows]
    return Matches(rows, idents[keep], starts[keep] - base, ends[keep] - base)


def _scan_runs(
    db: hyperscan.Database,
    data: Any,
    offsets: np.ndarray,
    chunk: int,
    found: list[tuple[int, int, int]],
) -> None:
    """Append (id, start, end) of every match, by absolute byte, to `found`.

    `data` is a memoryview of the array's buffer (hyperscan's stubs say
    bytes, but it scans any buffer in place).
    """
    base = 0
    append = found.append

    def on_match(ident: int, start: int, end: int, flags: int, ctx: object) -> None:
        append((ident, start + base, end + base))

    # A cut falls only between rows, so no match is lost at a cut.
    row, rows = 0, len(offsets) - 1
    while row < rows:
        limit = offsets[row] + chunk
        last = int(np.searchsorted(offsets, limit, side="right")) - 1
        last = max(last, row + 1)
        lo, hi = int(offsets[row]), int(offsets[last])
        if hi > lo:
            base = lo
            db.scan(data[lo:hi], match_event_handler=on_match)
        row = last
