"""Keyword screening of registry records (plan 三(二) 严格准入管理, 四(二)2 信息排查).

A market entity is a hit when a word of either plan list appears in its
(normalised) name, or in its business scope outside an exclusion clause
(clauses.py). Every occurrence is reported, nested words too (金融 inside
互联网金融), and the words give the catalogue domains (violations.yaml). A
licensed institution (licensing.py) is marked licensed, never flagged. Records
of other registration authorities (credit code not starting with 9) are outside
this screening.

`screen_record` is the scalar reference; `screening_batch.screen_batch` gives
the same result for millions of rows by scanning Arrow buffers with hyperscan.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import hyperscan

from finsentry.registry.clauses import (
    exclusion_spans,
    exclusion_spans_near,
    inside,
    load_rule_file,
)
from finsentry.registry.licensing import (
    LICENCE_KINDS,
    NAME_TRIGGERS,
    LicenceIndex,
    LicenceMatch,
    licence_reason,
    recognise_licensed,
)
from finsentry.registry.normalize import normalize_name

logger = logging.getLogger(__name__)

_RULES = load_rule_file()
DOMAINS: dict[str, str] = dict(_RULES["domains"])
CROSS = "cross"
REAL_ESTATE = "real_estate"
_AUTHORITIES: dict[str, dict[str, Any]] = _RULES["authorities"]
_MARKET = str(_RULES["market_authority"])
# hyperscan scans one contiguous block per call; 64 MiB keeps the block-mode
# length limit (4 GiB) far away and the per-call match list small.
_SCAN_CHUNK = 64 << 20


@dataclass(frozen=True)
class Hit:
    """One occurrence of a word in the normalised name or raw scope, by character."""

    word: str
    field: str
    start: int
    end: int


@dataclass(frozen=True)
class Screening:
    """The outcome of screening one record.

    `flagged` holds only for a market entity with a hit that is not licensed;
    `keywords` are the distinct words of `hits` in order; `reasons` are short
    Chinese sentences for staff; `licence_kind` is a LICENCE_KINDS key.
    """

    flagged: bool
    licensed: bool
    domains: tuple[str, ...]
    keywords: tuple[str, ...]
    reasons: tuple[str, ...]
    hits: tuple[Hit, ...]
    licence_kind: str | None


CLEAN = Screening(False, False, (), (), (), (), None)
NOT_SCREENED = Screening(
    False, False, (), (), ("非市场监管登记主体，不在本次筛查范围",), (), None
)


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
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    flags = hyperscan.HS_FLAG_SOM_LEFTMOST | hyperscan.HS_FLAG_UTF8
    db.compile(
        expressions=[p.encode("utf-8") for p in patterns],
        ids=list(range(len(patterns))),
        elements=len(patterns),
        flags=[flags] * len(patterns),
    )
    return db


class KeywordScanner:
    """Hyperscan databases for one WordList, compiled once and reused.

    Name pattern ids 0..n-1 are the words and n.. the licence name triggers
    (rows to hand to licence recognition); scope pattern ids are the words.
    Not thread-safe: hyperscan scratch space belongs to the database.
    """

    def __init__(self, words: WordList) -> None:
        self.words = words
        self.word_texts = tuple(e.word for e in words.entries)
        word_patterns = [_variant_pattern(w) for w in self.word_texts]
        triggers = [re.escape(t) for t in NAME_TRIGGERS]
        self.name_db = _compile(word_patterns + triggers)
        self.scope_db = _compile(word_patterns)

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


def _authority_label(code: str) -> str | None:
    """Return the kind of organisation a non-market credit code registers, else None."""
    clean = (code or "").strip().upper()
    # An 18-character code whose first character is not 9 was issued by
    # another registration authority (GB 32100-2015); anything else, an old
    # 15-digit registration number or a missing code, is screened.
    if len(clean) != 18 or clean[0] == _MARKET:
        return None
    authority = _AUTHORITIES.get(clean[0])
    if authority is None:
        return "其他登记管理部门登记的组织"
    return authority["classes"].get(clean[1]) or f"{authority['name']}登记的组织"


def _real_estate_evidence(
    words: WordList, name: str, scope: str, spans: list[tuple[int, int]]
) -> str | None:
    """Return where a real-estate word sits in the name or outside clauses, if any."""
    for word in words.real_estate_words:
        if word in name:
            return f"名称含“{word}”"
        at = scope.find(word)
        while at >= 0:
            if not inside(spans, at, at + len(word)):
                return f"经营范围含“{word}”"
            at = scope.find(word, at + 1)
    return None


def _decide(
    code: str,
    name: str,
    scope: str,
    name_hits: list[Hit],
    scope_hits: list[Hit],
    words: WordList,
    licences: LicenceIndex | None,
) -> Screening:
    """Return the screening of one record from its word hits (character offsets)."""
    label = _authority_label(code)
    if label is not None:
        reason = f"非市场监管登记主体（{label}），不在本次筛查范围"
        return Screening(False, False, (), (), (reason,), (), None)

    near = [(h.start, h.end) for h in scope_hits]
    hit_spans = exclusion_spans_near(scope, near) if scope_hits else []
    counted = [h for h in scope_hits if not inside(hit_spans, h.start, h.end)]
    counted_words = {h.word for h in counted}
    excluded = [h.word for h in scope_hits if h.word not in counted_words]
    hits = tuple(name_hits + counted)
    entry = licences.lookup(code, name) if licences is not None else None
    if entry is not None:
        label_text = LICENCE_KINDS[entry.kind]
        licence: LicenceMatch | None = LicenceMatch(
            entry.kind, label_text, entry.code or entry.name, "list"
        )
    else:
        licence = recognise_licensed(name, scope)
    if not hits and not excluded and licence is None:
        return CLEAN

    reasons = [licence_reason(licence)] if licence is not None else []
    reasons += [f"名称含“{w}”" for w in dict.fromkeys(h.word for h in name_hits)]
    reasons += [
        f"经营范围含“{w}”（排除条款外）" for w in dict.fromkeys(h.word for h in counted)
    ]
    found = {words.domain_of(h.word) for h in hits}
    specific = found - {CROSS}
    if hits:
        # Clause spans cost more than the word search; only a real-estate word
        # in the scope can need them here.
        needs_spans = any(w in scope for w in words.real_estate_words)
        spans = exclusion_spans(scope) if needs_spans else []
        context = _real_estate_evidence(words, name, scope, spans)
        if context is not None:
            specific.add(REAL_ESTATE)
            reasons.append(
                f"金融字样与房地产字样同现（{context}），归入房地产互联网金融"
            )
    domains = tuple(d for d in DOMAINS if d in specific) or ((CROSS,) if hits else ())
    reasons += [f"仅在排除条款内出现“{w}”，不计为命中" for w in dict.fromkeys(excluded)]
    return Screening(
        flagged=bool(hits) and licence is None,
        licensed=licence is not None,
        domains=domains,
        keywords=tuple(dict.fromkeys(h.word for h in hits)),
        reasons=tuple(reasons),
        hits=hits,
        licence_kind=licence.kind if licence is not None else None,
    )


def screen_record(
    code: str,
    name: str,
    scope: str,
    scanner: KeywordScanner,
    licences: LicenceIndex | None = None,
) -> Screening:
    """Return the screening of one record; `name` must already be normalised."""
    if _authority_label(code) is not None:
        return _decide(code, name, scope, [], [], scanner.words, licences)
    name_hits = scanner.scan(name or "", "name")
    scope_hits = scanner.scan(scope or "", "scope")
    words = scanner.words
    return _decide(
        code, name or "", scope or "", name_hits, scope_hits, words, licences
    )
