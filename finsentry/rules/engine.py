"""Detection: the coded conduct a page's visible text shows, with its evidence.

`detect` scans the whole visible text of a page (footers included: credit
codes, ICP numbers and disclosures sit there) once with hyperscan, then runs
Python only for what the scan found: which domains the page is about, the
proximity of paired terms, the phrases that cancel a hit (negation.py), the
licence a rule depends on, and the yields above their benchmark (yields.py).

Each `Hit` names the catalogue code, the rule and pack version that made it,
and gives `snippet == text[start:end]` (the sentence, or ±40 characters
around the match) and the exact matched span as `match_start`/`match_end`.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from finsentry.registry.licensing import LicenceMatch
from finsentry.rules.catalogue import catalogue
from finsentry.rules.negation import (
    CLAUSE_ENDS,
    SENTENCE_ENDS,
    PageWindows,
    excluded,
    sentence_bounds,
    snippet_bounds,
)
from finsentry.rules.packs import Proximity, Rule
from finsentry.rules.ruleset import (
    MARKER,
    NEAR_A,
    NEAR_B,
    RULE,
    RuleSet,
    packaged_ruleset,
)
from finsentry.rules.scanner import CharMap, fold
from finsentry.rules.topics import ANY, in_scope, page_domains, strongest
from finsentry.rules.yields import Yield, extract_yields

# A page repeating one claim fifty times is one conduct: past this many hits
# a rule reports no more on the page (and costs no more checks).
MAX_HITS_PER_RULE = 20

Span = tuple[int, int]


@dataclass(frozen=True)
class Hit:
    """One piece of evidence on a page for one catalogue code.

    `start`/`end` delimit `snippet` in the scanned text; `match_start` and
    `match_end` the words that matched. `rule_version` is `pack@version`.
    """

    code: str
    domain: str
    rule: str
    rule_version: str
    start: int
    end: int
    snippet: str
    match_start: int
    match_end: int
    detail: dict[str, Any] = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """Return the hit as plain JSON-ready data."""
        return {
            "code": self.code,
            "domain": self.domain,
            "snippet": self.snippet,
            "start": self.start,
            "end": self.end,
            "match_start": self.match_start,
            "match_end": self.match_end,
            "rule": self.rule,
            "rule_version": self.rule_version,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class PageAnalysis:
    """Everything detection learned about one page's text."""

    hits: tuple[Hit, ...]
    yields: tuple[Yield, ...]
    domains: frozenset[str]
    yield_domain: str
    marker_counts: dict[str, int]


def detect(
    text: str,
    *,
    ruleset: RuleSet | None = None,
    licences: Sequence[LicenceMatch] = (),
) -> list[Hit]:
    """Return the hits of every rule on `text`, ordered by position."""
    return list(analyse(text, ruleset=ruleset, licences=licences).hits)


def analyse(
    text: str,
    *,
    ruleset: RuleSet | None = None,
    licences: Sequence[LicenceMatch] = (),
) -> PageAnalysis:
    """Return the hits, yields and page domains that detection finds in `text`."""
    rs = ruleset or packaged_ruleset()
    folded = fold(text)
    data = folded.encode("utf-8")
    counts: dict[str, int] = defaultdict(int)
    marker_only = rs.marker_only
    matches: list[tuple[int, int, int]] = []

    def on_match(ident: int, start: int, end: int, flags: int, ctx: Any) -> None:
        # Most matches on a page are domain markers: count them right here.
        domain = marker_only[ident]
        if domain:
            counts[domain] += 1
        else:
            matches.append((ident, start, end))

    if rs.db is not None and data:
        rs.db.scan(data, match_event_handler=on_match, scratch=rs.scratch())

    spans: dict[int, list[Span]] = defaultdict(list)
    near: dict[tuple[int, int, int], list[Span]] = defaultdict(list)
    for ident, start, end in matches:
        for target in rs.targets[ident]:
            if target.kind == MARKER:
                counts[target.domain] += 1
            elif target.kind == RULE:
                spans[target.rule].append((start, end))
            else:
                near[(target.rule, target.clause, target.kind)].append((start, end))

    about = page_domains(counts, rs.topics.min_hits, rs.topics.min_top)
    held = {lic.kind for lic in licences}
    live = [
        i
        for i, rule in enumerate(rs.rules)
        if in_scope(rule.scope, about) and not _licensed(rule, held)
    ]
    chars = CharMap(data, len(data) == len(folded))
    live_set = set(live)
    wanted = [o for i in live for span in spans.get(i, ()) for o in span]
    wanted += [
        o for key, ss in near.items() if key[0] in live_set for sp in ss for o in sp
    ]
    # One vectorised conversion for every offset the live rules need.
    to_char = dict(zip(wanted, chars.chars(wanted), strict=True))

    def char_spans(byte_spans: list[Span]) -> list[Span]:
        return [(to_char[s], to_char[e]) for s, e in byte_spans]

    windows = PageWindows(folded)
    hits: list[Hit] = []
    for index in live:
        rule = rs.rules[index]
        found = _merge(char_spans(spans.get(index, [])))
        for clause_no, clause in enumerate(rule.proximity):
            a = near.get((index, clause_no, NEAR_A))
            b = near.get((index, clause_no, NEAR_B))
            if a and b:
                pairs = _pairs(folded, clause, char_spans(a), char_spans(b))
                found = _merge(found + pairs)
        if found:
            hits.extend(_confirmed(text, folded, rule, found, windows))

    # The benchmark is that of a domain the page is about, not of a stray word.
    known = {d: n for d, n in counts.items() if d in about}
    yield_domain = strongest(known, rs.yields.candidates()) or rs.yields.fallback
    yields = tuple(
        extract_yields(text, rs.yields, folded=folded, data=data, chars=chars)
    )
    for index in rs.yield_rules:
        if index in live and yields:
            rule = rs.rules[index]
            found_yields = _yield_hits(
                text, folded, rs, rule, yields, yield_domain, windows
            )
            hits.extend(found_yields)

    hits.sort(key=lambda h: (h.match_start, h.code, h.rule))
    return PageAnalysis(tuple(hits), yields, about, yield_domain, dict(counts))


def _licensed(rule: Rule, held: set[str]) -> bool:
    """Return True when the page's operator holds a licence that disarms `rule`."""
    if not rule.unless_licensed or not held:
        return False
    return ANY in rule.unless_licensed or not held.isdisjoint(rule.unless_licensed)


def _merge(spans: list[Span]) -> list[Span]:
    """Return `spans` sorted, with overlapping ones joined."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def _pairs(text: str, clause: Proximity, a: list[Span], b: list[Span]) -> list[Span]:
    """Return the spans covering an `a` term and its nearest `b` term in reach."""
    a_spans = _merge(a)
    b_spans = _merge(b)
    b_starts = [s for s, _ in b_spans]
    out: list[Span] = []
    for a_start, a_end in a_spans:
        # B terms are short; one starting this far before A cannot reach it.
        first = bisect.bisect_left(b_starts, a_start - clause.within - 40)
        best: tuple[int, Span] | None = None
        for b_start, b_end in b_spans[first:]:
            if b_start > a_end + clause.within:
                break
            if clause.ordered and b_start < a_end:
                continue
            gap = max(b_start - a_end, a_start - b_end, 0)
            if gap > clause.within:
                continue
            lo, hi = min(a_start, b_start), max(a_end, b_end)
            if clause.same_sentence and _crosses(text, lo, hi, SENTENCE_ENDS):
                continue
            if clause.same_clause and _crosses(text, lo, hi, CLAUSE_ENDS):
                continue
            if best is None or gap < best[0]:
                best = (gap, (lo, hi))
        if best is not None:
            out.append(best[1])
    return out


def _crosses(text: str, lo: int, hi: int, ends: str) -> bool:
    """Return True if one of the characters `ends` lies inside text[lo:hi]."""
    return any(text.find(ch, lo, hi) != -1 for ch in ends)


def _confirmed(
    text: str, folded: str, rule: Rule, spans: list[Span], windows: PageWindows
) -> list[Hit]:
    """Return hits for the spans that no exclusion of `rule` cancels, one a snippet."""
    hits: list[Hit] = []
    for start, end in spans:
        if len(hits) >= MAX_HITS_PER_RULE:
            break
        bounds = sentence_bounds(folded, start, end)
        if excluded(folded, start, end, rule.exclude, bounds, windows) is not None:
            continue
        hit = _hit(text, rule, start, end, {"matched": text[start:end]}, bounds)
        if hits and hits[-1].start == hit.start and hits[-1].end == hit.end:
            continue  # the same sentence is one piece of evidence for a rule
        hits.append(hit)
    return hits


def _yield_hits(
    text: str,
    folded: str,
    rs: RuleSet,
    rule: Rule,
    yields: tuple[Yield, ...],
    domain: str,
    windows: PageWindows,
) -> list[Hit]:
    """Return hits for the promised yields above `rule`'s share of the benchmark."""
    assert rule.yield_above is not None
    benchmark = rs.yields.benchmark(domain)
    threshold = benchmark * rule.yield_above
    hits: list[Hit] = []
    for figure in yields:
        if len(hits) >= MAX_HITS_PER_RULE:
            break
        if figure.kind != "return" or figure.annual_high <= threshold:
            continue
        if excluded(folded, figure.start, figure.end, rule.exclude, None, windows):
            continue
        detail = {
            "matched": figure.text,
            "period": figure.period,
            "low": figure.low,
            "high": figure.high,
            "annual_low": figure.annual_low,
            "annual_high": figure.annual_high,
            "domain": domain,
            "benchmark": benchmark,
            "factor": rule.yield_above,
            "threshold": round(threshold, 4),
        }
        hits.append(_hit(text, rule, figure.start, figure.end, detail))
    return hits


def _hit(
    text: str,
    rule: Rule,
    start: int,
    end: int,
    detail: dict[str, Any],
    sentence: tuple[int, int] | None = None,
) -> Hit:
    """Return the Hit for `rule` matching text[start:end], with its snippet."""
    lo, hi = snippet_bounds(text, start, end, sentence)
    return Hit(
        code=rule.code,
        domain=catalogue().violations[rule.code].domain,
        rule=rule.id,
        rule_version=rule.rule_version,
        start=lo,
        end=hi,
        snippet=text[lo:hi],
        match_start=start,
        match_end=end,
        detail=detail,
    )
