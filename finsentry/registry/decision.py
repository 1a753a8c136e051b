"""Deciding one record's screening from its word hits (plan 三(二), 四(二)2).

A record outside the screening (credit code of another registration
authority) says so; a market entity's outcome follows from the words in its
name, the words of its scope outside exclusion clauses (clauses.py), the
words only inside them, a licence (licensing.py) and real-estate context.
What a scope alone says is a `ScopeReading`, which callers may keep per
distinct scope; what the words alone say is a summary kept per word list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from finsentry.registry.clauses import (
    boilerplate_spans,
    exclusion_spans_near,
    inside,
    load_rule_file,
)
from finsentry.registry.licensing import (
    LICENCE_KINDS,
    LicenceIndex,
    LicenceMatch,
    licence_reason,
    recognise_licensed,
)
from finsentry.registry.outcomes import (
    CLEAN,
    CROSS,
    DOMAINS,
    REAL_ESTATE,
    Hit,
    Screening,
)

if TYPE_CHECKING:
    from finsentry.registry.screening import WordList

_RULES = load_rule_file()
_AUTHORITIES: dict[str, dict[str, Any]] = _RULES["authorities"]
MARKET = str(_RULES["market_authority"])
# Summaries a word list keeps.
_SUMMARIES_KEPT = 1 << 14


def authority_label(code: str) -> str | None:
    """Return the kind of organisation a non-market credit code registers, else None."""
    clean = (code or "").strip().upper()
    # An 18-character code whose first character is not 9 was issued by
    # another registration authority (GB 32100-2015); anything else, an old
    # 15-digit registration number or a missing code, is screened.
    if len(clean) != 18 or clean[0] == MARKET:
        return None
    authority = _AUTHORITIES.get(clean[0])
    if authority is None:
        return "其他登记管理部门登记的组织"
    return authority["classes"].get(clean[1]) or f"{authority['name']}登记的组织"


@dataclass(frozen=True)
class ScopeReading:
    """What a business scope alone says to the screening.

    `counted` are the scope's word hits outside exclusion clauses and
    `counted_words` their distinct words in order; `excluded` the distinct
    words, in order, found only inside clauses; `real_estate` tells, per
    real-estate word of the list, whether it stands outside every clause.
    """

    counted: tuple[Hit, ...]
    counted_words: tuple[str, ...]
    excluded: tuple[str, ...]
    real_estate: tuple[bool, ...]


def read_scope(
    scope: str, scope_hits: list[Hit], words: WordList, cue_free: bool = False
) -> ScopeReading:
    """Return the reading of `scope` from its word hits (character offsets).

    `cue_free` says the scope holds none of `clauses.cue_literals`, so that
    its only clauses are boilerplate, found without splitting it in pieces.
    """
    places = [_places(scope, w) if w in scope else [] for w in words.real_estate_words]
    spans: list[tuple[int, int]] = []
    if cue_free and (scope_hits or any(places)):
        spans = boilerplate_spans(scope)
    elif scope_hits or any(places):
        # Spans of the pieces holding a range decide `inside` for it exactly
        # as the spans of the whole scope do: no span leaves its piece.
        ranges = [(h.start, h.end) for h in scope_hits]
        ranges += [place for found in places for place in found]
        spans = exclusion_spans_near(scope, ranges)

    if spans:
        counted = tuple([h for h in scope_hits if not inside(spans, h.start, h.end)])
        real_estate = tuple(
            [any(not inside(spans, *place) for place in found) for found in places]
        )
    else:
        counted = tuple(scope_hits)
        real_estate = tuple([bool(found) for found in places])
    counted_words = tuple(dict.fromkeys([h.word for h in counted]))
    excluded: tuple[str, ...] = ()
    if len(counted) < len(scope_hits):
        kept = set(counted_words)
        only = [h.word for h in scope_hits if h.word not in kept]
        excluded = tuple(dict.fromkeys(only))
    return ScopeReading(counted, counted_words, excluded, real_estate)


def _places(scope: str, word: str) -> list[tuple[int, int]]:
    """Return the [start, end) character spans of every occurrence of `word`."""
    found = []
    at = scope.find(word)
    while at >= 0:
        found.append((at, at + len(word)))
        at = scope.find(word, at + 1)
    return found


def licence_of(
    code: str, name: str, scope: str, licences: LicenceIndex | None
) -> LicenceMatch | None:
    """Return why a record counts as licensed: the imported list, else its name."""
    entry = licences.lookup(code, name) if licences is not None else None
    if entry is not None:
        label = LICENCE_KINDS[entry.kind]
        return LicenceMatch(entry.kind, label, entry.code or entry.name, "list")
    return recognise_licensed(name, scope)


def licence_key(licence: LicenceMatch | None) -> tuple[str, str, str] | None:
    """Return what of a licence an outcome shows; its evidence text is not shown,
    so firms licensed alike share one outcome."""
    return None if licence is None else (licence.kind, licence.label, licence.basis)


def _summary(
    words: WordList,
    name_words: tuple[str, ...],
    reading: ScopeReading,
    context: str | None,
    licence: LicenceMatch | None,
) -> Screening:
    """Return the Screening these words make, without hits; kept per word list,
    as few words recur, and shared by every record that says the same."""
    key = (
        name_words,
        reading.counted_words,
        reading.excluded,
        context,
        licence_key(licence),
    )
    known = words.summaries.get(key)
    if known is not None:
        return known
    if len(words.summaries) >= _SUMMARIES_KEPT:
        words.summaries.clear()

    counted_words = reading.counted_words
    hit_words = name_words + counted_words
    reasons = [licence_reason(licence)] if licence is not None else []
    reasons += [f"名称含“{w}”" for w in name_words]
    reasons += [f"经营范围含“{w}”（排除条款外）" for w in counted_words]
    specific = {words.domain_of(w) for w in hit_words} - {CROSS}
    if context is not None:
        specific.add(REAL_ESTATE)
        reasons.append(f"金融字样与房地产字样同现（{context}），归入房地产互联网金融")
    domains = tuple(d for d in DOMAINS if d in specific)
    reasons += [f"仅在排除条款内出现“{w}”，不计为命中" for w in reading.excluded]
    summary = Screening(
        flagged=bool(hit_words) and licence is None,
        licensed=licence is not None,
        domains=domains or ((CROSS,) if hit_words else ()),
        keywords=tuple(dict.fromkeys(hit_words)),
        reasons=tuple(reasons),
        hits=(),
        licence_kind=licence.kind if licence is not None else None,
    )
    words.summaries[key] = summary
    return summary


def _real_estate_evidence(
    words: WordList, name: str, reading: ScopeReading
) -> str | None:
    """Return where a real-estate word sits in the name or outside clauses, if any."""
    for at, word in enumerate(words.real_estate_words):
        if word in name:
            return f"名称含“{word}”"
        if reading.real_estate[at]:
            return f"经营范围含“{word}”"
    return None


def decide(
    code: str,
    name: str,
    name_hits: list[Hit],
    reading: ScopeReading,
    words: WordList,
    licence: LicenceMatch | None,
) -> Screening:
    """Return the screening of one record from its name hits, scope and licence."""
    label = authority_label(code)
    if label is not None:
        reason = f"非市场监管登记主体（{label}），不在本次筛查范围"
        return Screening(False, False, (), (), (reason,), (), None)
    return decide_market(name, name_hits, reading, words, licence)


def decide_market(
    name: str,
    name_hits: list[Hit],
    reading: ScopeReading,
    words: WordList,
    licence: LicenceMatch | None,
) -> Screening:
    """Return `decide` for a record the screening covers; CLEAN itself if clean."""
    hits = tuple(name_hits) + reading.counted
    if not hits and not reading.excluded and licence is None:
        return CLEAN
    context = _real_estate_evidence(words, name, reading) if hits else None
    name_words = tuple(dict.fromkeys(h.word for h in name_hits)) if name_hits else ()
    summary = _summary(words, name_words, reading, context, licence)
    # The constructor, not dataclasses.replace: this runs for every hit record.
    return Screening(
        summary.flagged,
        summary.licensed,
        summary.domains,
        summary.keywords,
        summary.reasons,
        hits,
        summary.licence_kind,
    )


def decide_words(
    name: str,
    name_words: tuple[str, ...],
    reading: ScopeReading,
    words: WordList,
    licence: LicenceMatch | None,
) -> Screening:
    """Return `decide_market` without hits, from the name's distinct words in order.

    For callers that keep an outcome's words and reasons, not where the
    words were found: the result is shared by every record that says the same.
    """
    # counted_words, not counted: a reading of words alone (screening_batch's
    # words-only decisions) holds no hits.
    hit = bool(name_words or reading.counted_words)
    if not hit and not reading.excluded and licence is None:
        return CLEAN
    context = _real_estate_evidence(words, name, reading) if hit else None
    return _summary(words, name_words, reading, context, licence)


NO_SCOPE = ScopeReading((), (), (), ())
