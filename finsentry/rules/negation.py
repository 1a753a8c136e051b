"""Context around a hit: sentence bounds, cancelling phrases, evidence snippets.

A promise quoted in order to rule it out is not a promise: “本平台不承诺保本
保息”, “监管部门叫停首付贷”, “禁止向出借人承诺保本保息”. Rules list such
phrases with the window where they cancel a hit (`Exclusion`); the checks
here run only for the few hits the scan found, never over the whole page.

A sentence ends at 。！？!? or a line break. The semicolon does not end one:
the prohibited items of a regulation are listed in one sentence joined by ；,
and the 不得 at its head must reach every item. Windows before, after or
around a hit stay inside its clause (up to a comma, colon or semicolon)
unless they `cross`; `sentence` and `page` windows count a phrase anywhere,
inside the hit too (不确定 between the terms of 分红…确定).
"""

from __future__ import annotations

import bisect
import re

from finsentry.rules.packs import Exclusion

SENTENCE_ENDS = "。！？!?\n"
# Negation reaches to the end of its clause: 不设资金池，我们保本保息 promises.
CLAUSE_ENDS = "，,；;：:"
# How far to look for a sentence end: navigation text and tables often run
# long without one, and a snippet need not be longer than this.
REACH = 300
SNIPPET_SENTENCE = 160
SNIPPET_SIDE = 40
_BLANKS = " \t\r\n\u3000"


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the start and end offsets of the sentence holding text[start:end]."""
    low = max(0, start - REACH)
    high = min(len(text), end + REACH)
    left = low
    right = high
    for ch in SENTENCE_ENDS:
        i = text.rfind(ch, low, start)
        if i >= left:
            left = i + 1
        j = text.find(ch, end, high)
        if j != -1 and j < right:
            right = j + 1 if ch != "\n" else j
    return left, right


def clause_bounds(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """Return the clause (between commas, colons, semicolons) holding a hit."""
    left, right = lo, hi
    for ch in CLAUSE_ENDS:
        i = text.rfind(ch, lo, start)
        if i >= left:
            left = i + 1
        j = text.find(ch, end, hi)
        if j != -1 and j < right:
            right = j
    return left, right


class PageWindows:
    """Memo of one page's exclusion searches that do not depend on the hit.

    Many hits share a sentence, and every hit checks the same page-wide and
    cross-sentence phrases: each such search runs once a page, not once a hit.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._first: dict[tuple[int, int, int], str | None] = {}
        self._all: dict[int, list[tuple[int, int, str]]] = {}

    def first(self, rule: Exclusion, low: int, high: int) -> str | None:
        """Return the first phrase of `rule` in text[low:high] that counts."""
        key = (id(rule), low, high)
        if key not in self._first:
            self._first[key] = _first(self.text, rule, low, high)
        return self._first[key]

    def before(self, rule: Exclusion, low: int, start: int, end: int) -> str | None:
        """Return a phrase of `rule` in text[low:end] that begins before `start`."""
        found = self._all.get(id(rule))
        if found is None:
            found = [
                (m.start(), m.end(), m.group())
                for m in rule.matcher.finditer(self.text)
                if rule.unless_matcher is None or not _inside_word(self.text, m, rule)
            ]
            self._all[id(rule)] = found
        i = bisect.bisect_left(found, (low, -1, ""))
        while i < len(found) and found[i][0] < start:
            if found[i][1] <= end:
                return found[i][2]
            i += 1
        return None


def _first(text: str, rule: Exclusion, low: int, high: int) -> str | None:
    """Return the first phrase of `rule` in text[low:high] not inside an except word."""
    for found in rule.matcher.finditer(text, low, high):
        if rule.unless_matcher is None or not _inside_word(text, found, rule):
            return found.group()
    return None


def excluded(
    text: str,
    start: int,
    end: int,
    exclusions: tuple[Exclusion, ...],
    sentence: tuple[int, int] | None = None,
    windows: PageWindows | None = None,
) -> str | None:
    """Return the first cancelling phrase around text[start:end], or None."""
    if not exclusions:
        return None
    memo = windows or PageWindows(text)
    lo, hi = sentence or sentence_bounds(text, start, end)
    clause: tuple[int, int] | None = None
    for rule in exclusions:
        if rule.where == "page":
            found = memo.first(rule, 0, len(text))
        elif rule.where == "sentence":
            found = memo.first(rule, lo, hi)
        elif rule.where == "before" and rule.cross:
            found = memo.before(rule, max(0, start - rule.within), start, end)
        else:
            if rule.cross:
                floor, ceiling = 0, len(text)
            else:
                clause = clause or clause_bounds(text, start, end, lo, hi)
                floor, ceiling = clause
            found = _in_window(text, rule, start, end, floor, ceiling)
        if found is not None:
            return found
    return None


def _in_window(
    text: str, rule: Exclusion, start: int, end: int, floor: int, ceiling: int
) -> str | None:
    """Return a phrase of a before, after or around window of the hit, or None."""
    low = start if rule.where == "after" else max(floor, start - rule.within)
    if rule.where == "before" and text.find("、", floor, start) != -1:
        # A negation heads a whole list: 不参与股票配资、房产首付贷款等业务.
        low = floor
    high = end if rule.where == "before" else min(ceiling, end + rule.within)
    for found in rule.matcher.finditer(text, low, high):
        if rule.where == "before" and found.start() >= start:
            # The phrase must begin before the hit and may run into it
            # (不承诺保本保息 for a hit on 保本保息); a phrase inside the hit
            # (不 in 稳赚不赔) is part of the claim, not its negation.
            break
        if rule.where == "after" and found.end() <= end:
            continue
        if rule.unless_matcher is not None and _inside_word(text, found, rule):
            continue
        return found.group()
    return None


def _inside_word(text: str, found: re.Match[str], rule: Exclusion) -> bool:
    """Return True if the phrase found is part of one of the rule's `except` words."""
    assert rule.unless_matcher is not None
    reach = max(len(w) for w in rule.unless)
    low = max(0, found.start() - reach)
    high = min(len(text), found.end() + reach)
    for word in rule.unless_matcher.finditer(text, low, high):
        if word.start() <= found.start() and found.end() <= word.end():
            return True
    return False


def snippet_bounds(
    text: str, start: int, end: int, sentence: tuple[int, int] | None = None
) -> tuple[int, int]:
    """Return the evidence snippet around a hit: its sentence, or ±40 characters."""
    lo, hi = sentence or sentence_bounds(text, start, end)
    if hi - lo > SNIPPET_SENTENCE:
        lo = max(lo, start - SNIPPET_SIDE)
        hi = min(hi, end + SNIPPET_SIDE)
    while lo < start and text[lo] in _BLANKS:
        lo += 1
    while hi > end and text[hi - 1] in _BLANKS:
        hi -= 1
    return lo, hi
