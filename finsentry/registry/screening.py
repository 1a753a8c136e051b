"""Keyword screening of registry records (plan 三(二) 严格准入管理, 四(二)2 信息排查).

A market entity is a hit when a word of either plan list appears in its
(normalised) name, or in its business scope outside an exclusion clause
(clauses.py). Every occurrence is reported, nested words too (金融 inside
互联网金融), and the words give the catalogue domains (violations.yaml). A
licensed institution (licensing.py) is marked licensed, never flagged. Records
of other registration authorities (credit code not starting with 9) are outside
this screening.

This module holds the word list and the scanner; decision.py turns hits into
an outcome. `screen_record` is the scalar reference; `screening_batch.screen_batch`
gives the same result for millions of rows by scanning Arrow buffers in bulk.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import hyperscan
from hyperscan import dumpb

from finsentry.registry.clauses import cue_literals, load_rule_file
from finsentry.registry.decision import (
    NO_SCOPE,
    ScopeReading,
    authority_label,
    decide,
    licence_of,
    read_scope,
)
from finsentry.registry.licensing import NAME_TRIGGERS, LicenceIndex
from finsentry.registry.normalize import normalize_name
from finsentry.registry.outcomes import (
    CLEAN,
    CROSS,
    DOMAINS,
    NOT_SCREENED,
    REAL_ESTATE,
    Hit,
    Screening,
)
from finsentry.registry.wordscan import (
    clause_patterns,
    frozen,
    literal_table,
    load_database,
    thawed,
)
from finsentry.rules.scanner import compile_patterns

__all__ = [
    "CLEAN",
    "CROSS",
    "DOMAINS",
    "NOT_SCREENED",
    "REAL_ESTATE",
    "Hit",
    "KeywordScanner",
    "ScopeReading",
    "Screening",
    "WordEntry",
    "WordList",
    "read_scope",
    "screen_record",
]

logger = logging.getLogger(__name__)

_RULES = load_rule_file()
# hyperscan scans one contiguous block per call; 64 MiB keeps the block-mode
# length limit (4 GiB) far away and the per-call match list small.
_SCAN_CHUNK = 64 << 20
# Scope readings a scanner keeps (about 1 KB each).
_READINGS_KEPT = 1 << 14


@dataclass(frozen=True)
class WordEntry:
    """A screening word (normalised), the plan list ids it comes from, its domain."""

    word: str
    lists: tuple[str, ...]
    domain: str


@dataclass(frozen=True)
class WordList:
    """The words screened for, with lists and domains, plus real-estate context words.

    Words are normalised like names and unique; every domain is a catalogue
    domain. `version` is recorded with each finding the words produce.
    """

    entries: tuple[WordEntry, ...]
    real_estate_words: tuple[str, ...]
    version: str

    @classmethod
    def default(cls) -> WordList:
        """Return the packaged word list (data/screening.yaml)."""
        return cls.from_entries(
            _RULES["words"], str(_RULES["version"]), _RULES["real_estate_words"]
        )

    @classmethod
    def from_entries(
        cls,
        entries: Iterable[WordEntry | Mapping[str, Any] | tuple[Any, Any, Any]],
        version: str,
        real_estate_words: Iterable[str] | None = None,
    ) -> WordList:
        """Return a word list from staff-edited rows; raises ValueError on a bad row."""
        merged: dict[str, WordEntry] = {}
        for row in entries:
            entry = _as_entry(row)
            known = merged.get(entry.word)
            if known is not None and known.domain != entry.domain:
                domains = f"{known.domain}, {entry.domain}"
                raise ValueError(f"word {entry.word!r} has two domains: {domains}")
            lists = known.lists + entry.lists if known else entry.lists
            unique_lists = tuple(dict.fromkeys(lists))
            merged[entry.word] = WordEntry(entry.word, unique_lists, entry.domain)
        context = _RULES["real_estate_words"] if real_estate_words is None else []
        context = list(real_estate_words or context)
        words = tuple(dict.fromkeys(normalize_name(w) for w in context if w.strip()))
        return cls(tuple(merged.values()), words, version)

    @functools.cached_property
    def summaries(self) -> dict[tuple[Any, ...], Any]:
        """Return the cache of screening summaries by their words (decision.py)."""
        return {}

    @functools.cached_property
    def _domain_by_word(self) -> dict[str, str]:
        """Return {word: domain}, built on first use."""
        return {e.word: e.domain for e in self.entries}

    def domain_of(self, word: str) -> str:
        """Return the domain of `word`, which must be in the list."""
        return self._domain_by_word[word]


def _as_entry(row: WordEntry | Mapping[str, Any] | tuple[Any, Any, Any]) -> WordEntry:
    """Return `row` as a checked, normalised WordEntry."""
    if isinstance(row, WordEntry):
        word, lists, domain = row.word, row.lists, row.domain
    elif isinstance(row, Mapping):
        word, lists, domain = row["word"], row["lists"], row["domain"]
    else:
        word, lists, domain = row
    lists = (lists,) if isinstance(lists, str) else tuple(lists)
    clean = normalize_name(str(word))
    if not clean:
        raise ValueError(f"empty screening word {word!r}")
    if domain not in DOMAINS:
        raise ValueError(f"word {clean!r}: unknown domain {domain!r}")
    if not lists:
        raise ValueError(f"word {clean!r}: no source list")
    return WordEntry(clean, tuple(str(x) for x in lists), str(domain))


def _variant_pattern(word: str) -> str:
    """Return a hyperscan pattern for `word`, full-width and case variants included."""
    # The scope is reported by raw character offsets, so instead of
    # normalising it the few foldable characters get their variants here.
    # Scopes are not normalised, so a stray space inside a word (金 融) is
    # allowed between its characters, ASCII or full-width (U+3000).
    parts = []
    for ch in word:
        if ch.isascii() and ch.isalnum():
            forms = {ch, ch.lower(), ch.upper()}
            forms |= {chr(ord(f) + 0xFEE0) for f in list(forms)}
            parts.append("(?:" + "|".join(sorted(forms)) + ")")
        elif ch.isascii():
            parts.append(re.escape(ch))
        else:
            parts.append(ch)
    return r"(?:\s|\x{3000}){0,2}".join(parts)


def _compile(patterns: list[str]) -> hyperscan.Database | None:
    """Return a block-mode database reporting leftmost starts, or None when empty."""
    if not patterns:
        return None
    flags = hyperscan.HS_FLAG_SOM_LEFTMOST | hyperscan.HS_FLAG_UTF8
    # Compiled once per word list and kept on disk: a process loads it.
    return compile_patterns(patterns, [flags] * len(patterns), cache=True)


class KeywordScanner:
    """Hyperscan databases for one WordList, compiled once and reused.

    Name pattern ids 0..n-1 are the words and n.. the licence name triggers
    (rows to hand to licence recognition); scope pattern ids are the words.
    `names`, `scopes` and `clauses` are the bulk tables of wordscan.py.
    Not thread-safe: hyperscan scratch space belongs to the database.
    """

    def __init__(self, words: WordList) -> None:
        self.words = words
        self.word_texts = tuple(e.word for e in words.entries)
        word_patterns = [_variant_pattern(w) for w in self.word_texts]
        triggers = [re.escape(t) for t in NAME_TRIGGERS]
        self.name_db = _compile(word_patterns + triggers)
        self.scope_db = _compile(word_patterns)
        self.names = literal_table(self.word_texts, word_patterns, NAME_TRIGGERS)
        self.scopes = literal_table(self.word_texts, word_patterns)
        forward = _RULES["clauses"]["forward_cues"]
        backward = _RULES["clauses"]["backward_cues"]
        self.clauses = clause_patterns(self.word_texts, forward, backward)
        # RE2 syntax (pyarrow): finds the scopes that hold a clause cue.
        self.cue_pattern = "|".join(re.escape(c) for c in cue_literals())
        self._readings: OrderedDict[str, ScopeReading] = OrderedDict()

    def __getstate__(self) -> dict[str, Any]:
        # Databases travel as hyperscan's serialised bytes: a worker process
        # loads them in microseconds instead of compiling for a third of a second.
        state = {**self.__dict__, "_readings": OrderedDict()}
        for name in ("name_db", "scope_db"):
            state[name] = dumpb(state[name]) if state[name] is not None else None
        for name in ("names", "scopes", "clauses"):
            state[name] = frozen(state[name])
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name in ("name_db", "scope_db"):
            state[name] = load_database(state[name])
        for name in ("names", "scopes", "clauses"):
            state[name] = thawed(*state[name])
        self.__dict__.update(state)

    def scan(self, text: str, field: str) -> list[Hit]:
        """Return every word occurrence in `text` ("name" or "scope"), by character."""
        db = self.name_db if field == "name" else self.scope_db
        data = text.encode("utf-8")
        found: list[tuple[int, int, int]] = []
        _scan_block(db, data, 0, found)
        return self.to_hits(data, field, [(i, f, t) for i, f, t in found])

    def to_hits(
        self, data: bytes, field: str, matches: Iterable[tuple[int, int, int]]
    ) -> list[Hit]:
        """Return word hits for byte matches in the UTF-8 `data`, triggers dropped."""
        hits = []
        for ident, start, end in matches:
            if ident >= len(self.word_texts):
                continue
            char_start = len(data[:start].decode("utf-8"))
            char_end = char_start + len(data[start:end].decode("utf-8"))
            hits.append(Hit(self.word_texts[ident], field, char_start, char_end))
        return sorted(hits, key=lambda h: (h.start, h.end, h.word))

    def known_reading(self, scope: str) -> ScopeReading | None:
        """Return the kept reading of `scope`, or None when it was not read lately."""
        known = self._readings.get(scope)
        if known is not None:
            self._readings.move_to_end(scope)
        return known

    def reading(
        self, scope: str, hits: list[Hit] | None = None, cue_free: bool = False
    ) -> ScopeReading:
        """Return `read_scope` of `scope`, kept for scopes seen again.

        `hits` are the scope's word hits when the caller has them already;
        `cue_free` is passed on to read_scope.
        """
        known = self.known_reading(scope)
        if known is not None:
            return known
        if len(self._readings) >= _READINGS_KEPT:
            # Registries repeat a few thousand scope templates among unique
            # ones: the least recently used reading goes.
            self._readings.popitem(last=False)
        if hits is None:
            hits = self.scan(scope, "scope")
        reading = read_scope(scope, hits, self.words, cue_free)
        self._readings[scope] = reading
        return reading


def _scan_block(
    db: hyperscan.Database | None,
    data: Any,
    base: int,
    out: list[tuple[int, int, int]],
) -> None:
    """Append (id, start, end) byte matches in `data`, shifted by `base`, to `out`."""
    if db is None or len(data) == 0:
        return

    def on_match(ident: int, start: int, end: int, flags: int, ctx: Any) -> None:
        out.append((ident, start + base, end + base))

    db.scan(data, match_event_handler=on_match)


def screen_record(
    code: str,
    name: str,
    scope: str,
    scanner: KeywordScanner,
    licences: LicenceIndex | None = None,
) -> Screening:
    """Return the screening of one record; `name` must already be normalised."""
    name, scope, words = name or "", scope or "", scanner.words
    if authority_label(code) is not None:
        return decide(code, "", [], NO_SCOPE, words, None)
    name_hits = scanner.scan(name, "name")
    reading = read_scope(scope, scanner.scan(scope, "scope"), words)
    licence = licence_of(code, name, scope, licences)
    return decide(code, name, name_hits, reading, words, licence)
