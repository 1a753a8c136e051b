"""The multi-pattern scan: every phrase and pattern of every rule in one pass.

hyperscan scans UTF-8 bytes and reports byte offsets; rules, snippets and
findings speak in characters of the extracted text, so `CharMap` turns the
reported byte offsets back into character offsets. Patterns are compiled with
leftmost start of match (so a hit has a start, not only an end), UTF-8 and
Unicode character classes, and ASCII case folded (P2P, p2p, POS, pos).
"""

from __future__ import annotations

import hashlib
import logging
import os
import platform
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import hyperscan
import numpy as np

log = logging.getLogger(__name__)

CACHE_KEEP = 16

FLAGS = (
    hyperscan.HS_FLAG_UTF8
    | hyperscan.HS_FLAG_UCP
    | hyperscan.HS_FLAG_SOM_LEFTMOST
    | hyperscan.HS_FLAG_CASELESS
)

# Full-width digits, letters and the few signs rules and yields read (Ｐ２Ｐ,
# １２％, ～) become ASCII before the scan. One character maps to one
# character, so offsets into the folded text are offsets into the original.
# Full-width punctuation (，：；！？) stays: rules and windows accept both forms.
_WIDE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff05\uff5e\uff0e\u3000]")


def _narrow(match: re.Match[str]) -> str:
    """Return the ASCII form of one full-width character (U+3000 a space)."""
    ch = match.group()
    return " " if ch == "\u3000" else chr(ord(ch) - 0xFEE0)


def fold(text: str) -> str:
    """Return `text` with full-width digits, letters, ％ and ～ in ASCII form."""
    if _WIDE.search(text) is None:
        return text
    return _WIDE.sub(_narrow, text)


def compile_database(
    expressions: Sequence[str], cache: bool = False
) -> hyperscan.Database | None:
    """Return a block-mode database of `expressions` (ids by position), or None.

    With `cache` the compiled database is kept on disk (`compile_patterns`).
    """
    if not expressions:
        return None
    return compile_patterns(expressions, [FLAGS] * len(expressions), cache)


def compile_patterns(
    expressions: Sequence[str], flags: Sequence[int], cache: bool = False
) -> hyperscan.Database:
    """Return a block-mode database of `expressions` with their `flags`, ids by
    position, ready to scan.

    With `cache` the compiled database is kept on disk under the data
    directory, named by a hash of the expressions, flags and hyperscan
    version, so that a set compiles once and not in every process.
    """
    path = _cache_path(expressions, flags) if cache else None
    if path is not None and path.exists():
        try:
            return load_database(path.read_bytes())
        except (hyperscan.error, OSError) as exc:
            log.warning("cached rule database unusable, compiling: %s", exc)
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(
        expressions=[e.encode("utf-8") for e in expressions],
        ids=list(range(len(expressions))),
        elements=len(expressions),
        flags=list(flags),
    )
    if path is not None:
        _store(path, hyperscan.dumpb(db))
    return db


def load_database(blob: bytes) -> hyperscan.Database:
    """Return a block-mode database from hyperscan.dumpb bytes, ready to scan."""
    db = hyperscan.loadb(blob, hyperscan.HS_MODE_BLOCK)
    db.scratch = hyperscan.Scratch(db)
    return db


def _cache_path(expressions: Sequence[str], flags: Sequence[int]) -> Path:
    """Return where the compiled database of `expressions` is cached."""
    digest = hashlib.sha256()
    version = getattr(hyperscan, "__version__", "?")
    digest.update(f"{version}|{platform.machine()}".encode())
    for expression, flag in zip(expressions, flags, strict=True):
        digest.update(f"\0{flag}\0".encode() + expression.encode("utf-8"))
    root = Path(os.environ.get("FINSENTRY_DATA_DIR", Path.cwd() / "var"))
    return root / "cache" / "rules" / f"{digest.hexdigest()[:32]}.hsdb"


def _store(path: Path, blob: bytes) -> None:
    """Write `blob` to `path` atomically, keeping only the newest few databases."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(blob)
        partial.replace(path)
        # Every edit of a pack makes a new set; old ones are only dead weight.
        cached = sorted(path.parent.glob("*.hsdb"), key=lambda p: p.stat().st_mtime)
        for old in cached[:-CACHE_KEEP]:
            old.unlink(missing_ok=True)
    except OSError as exc:
        # A read-only disk only costs compile time in each process.
        log.warning("rule database not cached: %s", exc)


def pattern_error(expression: str) -> str | None:
    """Return why hyperscan cannot compile `expression` alone, or None if it can."""
    if not expression:
        return "空表达式"
    try:
        compile_database([expression])
    except hyperscan.error as exc:
        return str(exc)
    return None


def scan(
    db: hyperscan.Database | None,
    data: bytes,
    scratch: hyperscan.Scratch | None = None,
) -> list[tuple[int, int, int]]:
    """Return (expression id, byte start, byte end) for every match in `data`."""
    found: list[tuple[int, int, int]] = []
    if db is None or not data:
        return found

    def on_match(ident: int, start: int, end: int, flags: int, ctx: Any) -> None:
        found.append((ident, start, end))

    db.scan(data, match_event_handler=on_match, scratch=scratch)
    return found


class CharMap:
    """Character offsets for byte offsets into the UTF-8 encoding of one text.

    The character offset of a byte offset is the number of character starts
    (bytes that are not UTF-8 continuation bytes) before it: one vectorised
    cumulative sum, built on first use. ASCII text maps one to one.
    """

    def __init__(self, data: bytes, ascii_only: bool) -> None:
        self._data = data
        self._ascii = ascii_only
        self._starts: np.ndarray | None = None

    def _index(self) -> np.ndarray:
        """Return, for each byte offset, the number of characters before it."""
        if self._starts is None:
            raw = np.frombuffer(self._data, dtype=np.uint8)
            counts = np.empty(len(raw) + 1, dtype=np.int64)
            counts[0] = 0
            np.cumsum((raw & 0xC0) != 0x80, out=counts[1:])
            self._starts = counts
        return self._starts

    def chars(self, offsets: Sequence[int]) -> list[int]:
        """Return the character offsets of the byte `offsets`, in order."""
        if self._ascii or not offsets:
            return list(offsets)
        index = self._index()
        return [int(c) for c in index[np.asarray(offsets, dtype=np.int64)]]

    def spans(self, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """Return byte (start, end) spans as character spans."""
        if self._ascii or not spans:
            return list(spans)
        flat = self.chars([o for span in spans for o in span])
        return list(zip(flat[0::2], flat[1::2], strict=True))
