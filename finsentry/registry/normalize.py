"""Normalisation of registered names before keyword screening and matching.

Plan 三(二) screens the registered name; registries and imported files write
the same name with full-width letters, stray spaces (U+3000 included), mixed
letter case and either kind of bracket. Both functions here turn a name into
the one form the screening words and the licence list are compared in:

1. Unicode NFKC (full-width Latin and digits become ASCII, U+3000 a space);
2. every whitespace character dropped, plus zero-width space and BOM, which
   copy-pasted registry exports carry;
3. ASCII letters upper-cased;
4. round brackets written full-width, （ and ）, as registries write them.

`normalize_name` is the scalar reference; `normalize_names` does the same over
a pyarrow string array with pyarrow.compute kernels, for millions of rows.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Every code point for which str.isspace() holds, after NFKC has already folded
# U+00A0, U+2000-U+200A, U+202F, U+205F and U+3000 into U+0020; listed rather
# than written as \s because RE2's \s is ASCII-only while Python's is Unicode.
_DROPPED = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\u1680\u2028\u2029"
    "\u200b\ufeff"  # zero-width space and BOM: invisible, never part of a name
)
_DROPPED_TABLE = {ord(ch): None for ch in _DROPPED}
_DROPPED_RE2 = "[" + "".join(f"\\x{{{ord(ch):04X}}}" for ch in _DROPPED) + "]+"

# Upper-case ASCII only: after NFKC the Latin letters in Chinese names are
# ASCII, and full Unicode upper-casing differs between Python and Arrow
# (str.upper turns ß into SS, Arrow keeps one code point).
_ASCII_UPPER = {ord(ch): ord(ch) - 32 for ch in "abcdefghijklmnopqrstuvwxyz"}
_BRACKETS = {ord("("): "（", ord(")"): "）"}


def normalize_name(s: str) -> str:
    """Return the registered name `s` in the normalised screening form."""
    folded = unicodedata.normalize("NFKC", s)
    return folded.translate(_DROPPED_TABLE).translate(_ASCII_UPPER).translate(_BRACKETS)


# Names made only of unified ideographs and full-width brackets are already
# in normal form: NFKC leaves U+4E00-U+9FFF alone and （） round-trip.
_ALREADY_NORMAL = r"^[\x{4E00}-\x{9FFF}（）]*$"


def normalize_names(arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Return `arr` with every name normalised as `normalize_name` does; nulls stay."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    odd = ~already_normal(arr)
    if not odd.any():
        return arr
    mask = pa.array(odd)
    rows = pa.array(np.flatnonzero(odd))
    return pc.replace_with_mask(arr, mask, _normalize_all(arr.take(rows)))


def already_normal(arr: pa.Array) -> np.ndarray:
    """Return a mask of the names matching `_ALREADY_NORMAL` (nulls too).

    Read from the UTF-8 bytes with numpy, several times faster than the
    regex: a name passes when no byte of it is ASCII or leads a character
    outside U+4E00-U+9FFF (E4 B8 80 to E9 BF BF) and （） (EF BC 88/89).
    """
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(arr.buffers()[1], dtype=width)
    offsets = offsets[arr.offset : arr.offset + len(arr) + 1].astype(np.int64)
    start, stop = int(offsets[0]), int(offsets[-1])
    data_buf = arr.buffers()[2]
    data = np.frombuffer(data_buf, dtype=np.uint8)[start:stop] if stop > start else None
    plain = np.ones(len(arr), dtype=bool)
    if data is not None:
        # Two bytes of padding: a lead byte's followers are always in the row.
        padded = np.concatenate((data, np.zeros(2, dtype=np.uint8)))
        second, third = padded[1:-1], padded[2:]
        lead = data >= 0xE0
        ideograph = (data >= 0xE5) & (data <= 0xE9) | (data == 0xE4) & (second >= 0xB8)
        bracket = (
            (data == 0xEF) & (second == 0xBC) & ((third == 0x88) | (third == 0x89))
        )
        bad = (data < 0x80) | (data >= 0xC0) & ~lead | lead & ~ideograph & ~bracket
        seen = np.concatenate(([0], np.cumsum(bad, dtype=np.int64)))
        plain = seen[offsets[1:] - start] == seen[offsets[:-1] - start]
    if arr.null_count:
        plain |= ~arr.is_valid().to_numpy(zero_copy_only=False)
    return plain


def _normalize_all(arr: pa.Array) -> pa.Array:
    folded = pc.utf8_normalize(arr, form="NFKC")
    compact = pc.replace_substring_regex(folded, pattern=_DROPPED_RE2, replacement="")
    upper = pc.ascii_upper(compact)
    opened = pc.replace_substring(upper, pattern="(", replacement="（")
    return pc.replace_substring(opened, pattern=")", replacement="）")
