"""Exclusion clauses in business scopes (经营范围中的排除、限制条款).

Registration offices append clauses that name finance only to rule it out:
“（不得从事吸收存款、集资收款…等金融业务）”, “不含金融、类金融业务”,
“（金融、证券、期货、保险除外）”, “未经金融监管部门批准，不得从事…”, and the
licence-condition boilerplate “依法须经批准的项目，经相关部门批准后方可开展经营
活动”. Plan 三(二) screens the words a firm *uses*; a word that only sits in
such a clause is not one it uses, so screening drops hits inside the spans
found here.

The cue words and boilerplate patterns are data (screening.yaml, `clauses`).
A clause ends at a comma, semicolon, full stop or the bracket that encloses
it, so that “投资咨询（不含金融）；理财产品销售” keeps 理财; a clause that is
still a list continues over commas up to its closing “等…业务”.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Any

import yaml

OPEN_BRACKETS = frozenset("（(【[〔｛{")
CLOSE_BRACKETS = frozenset("）)】]〕｝}")
# Where a forward clause stops: item separators other than 、 (which joins
# the items of one negated list) and sentence ends, in both widths.
SOFT_STOPS = frozenset("，,；;。！!？?\n\r")
_HARD_STOPS = frozenset("；;。！!？?\n\r")
_COMMAS = frozenset("，,")
BACK_STOPS = frozenset("，,；;。：:！!？?\n\r")
# The backward cue that closes a span wherever it stands; the others do so
# only at the end of a clause.
EXCEPT_CUE = "除外"
_EXCEPT_TAIL = frozenset("，,；;。、）)的\n\r")
_EXCEPT_REACH = 60


@functools.cache
def load_rule_file() -> dict[str, Any]:
    """Return the packaged screening.yaml (word lists, clauses, licence patterns)."""
    ref = resources.files("finsentry.registry").joinpath("data/screening.yaml")
    with ref.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def _alternation(words: list[str]) -> re.Pattern[str]:
    """Return a regex matching any of `words`, longest first."""
    ordered = sorted(words, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in ordered))


@functools.cache
def _compiled() -> tuple[re.Pattern[str], ...]:
    """Return the compiled cue and boilerplate patterns from the rule file."""
    rules = load_rule_file()["clauses"]
    forward = _alternation(rules["forward_cues"])
    backward = _alternation(rules["backward_cues"])
    not_before = "".join(rules["except_not_preceded_by"])
    not_after = "".join(rules["except_not_followed_by"])
    opener = re.escape(rules["except_open"])
    except_open = re.compile(f"(?<![{not_before}]){opener}(?![{not_after}])")
    boilerplate = re.compile("|".join(f"(?:{p})" for p in rules["boilerplate"]))
    closure = re.compile(rules["list_closure"])
    return forward, backward, except_open, boilerplate, closure


def _walk_forward(text: str, start: int, stops: frozenset[str]) -> int:
    """Return where a clause opened at `start` ends, skipping nested brackets."""
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch in OPEN_BRACKETS:
            depth += 1
        elif ch in CLOSE_BRACKETS:
            if depth == 0:
                return i
            depth -= 1
        elif depth == 0 and ch in stops:
            return i
    return len(text)


def _walk_backward(text: str, end: int) -> int:
    """Return the index where a clause ending just before `end` starts."""
    depth = 0
    for i in range(end - 1, -1, -1):
        ch = text[i]
        if ch in CLOSE_BRACKETS:
            depth += 1
        elif ch in OPEN_BRACKETS:
            if depth == 0:
                return i + 1
            depth -= 1
        elif depth == 0 and ch in BACK_STOPS:
            return i + 1
    return 0


def _forward_span(scope: str, cue: re.Match[str], closure: re.Pattern[str]) -> int:
    """Return the end of the negated clause that starts with `cue`."""
    end = _walk_forward(scope, cue.end(), SOFT_STOPS)
    if end >= len(scope) or scope[end] not in _COMMAS:
        return end
    if closure.search(scope, cue.start(), end):
        return end

    # A negated list written with commas (不得从事吸收存款，代客理财等金融业务)
    # runs on to its “等…业务”; a plain comma ends the clause.
    hard_end = _walk_forward(scope, end, _HARD_STOPS)
    tail = closure.search(scope, end, hard_end)
    return tail.end() if tail else end


def _except_spans(scope: str, opener: re.Pattern[str]) -> list[tuple[int, int]]:
    """Return the spans of 除…外 clauses (除金融、证券业务外)."""
    spans = []
    for match in opener.finditer(scope):
        limit = min(len(scope), match.end() + _EXCEPT_REACH)
        stop = _walk_forward(scope[:limit], match.end(), SOFT_STOPS)
        close = scope.rfind("外", match.end(), stop)
        if close < 0:
            continue
        after = close + 1
        if after == len(scope) or scope[after] in _EXCEPT_TAIL:
            spans.append((match.start(), after))
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return `spans` sorted, with overlapping or touching spans joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# Sentence stops at bracket depth zero: no clause pattern crosses one, so the
# pieces between them are analysed apart, and a standard clause seen once
# (the same 不得从事… text recurs across thousands of firms) is a cache hit.
_STOPS = "；;。"
_MARKS = re.compile(
    "[" + re.escape(_STOPS + "".join(OPEN_BRACKETS | CLOSE_BRACKETS)) + "]"
)


def _pieces(scope: str) -> list[tuple[int, str]] | None:
    """Return (offset, text) pieces split at depth-zero stops; None if unbalanced."""
    pieces = []
    start = depth = 0
    for mark in _MARKS.finditer(scope):
        char = mark.group()
        if char in OPEN_BRACKETS:
            depth += 1
        elif char in CLOSE_BRACKETS:
            depth -= 1
            if depth < 0:
                return None
        elif depth == 0:
            pieces.append((start, scope[start : mark.start()]))
            start = mark.end()
    if depth:
        return None
    pieces.append((start, scope[start:]))
    return pieces


@functools.lru_cache(maxsize=1 << 16)
def _piece_spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(_find_spans(text))


def exclusion_spans(scope: str) -> list[tuple[int, int]]:
    """Return the sorted, disjoint [start, end) character spans of exclusion clauses."""
    return list(_scope_spans(scope))


# Licensed institutions' scopes repeat word for word across branches.
@functools.lru_cache(maxsize=1 << 12)
def _scope_spans(scope: str) -> tuple[tuple[int, int], ...]:
    pieces = _pieces(scope)
    if pieces is None:
        return tuple(_find_spans(scope))
    return tuple(
        (offset + start, offset + end)
        for offset, text in pieces
        for start, end in _piece_spans(text)
    )


def exclusion_spans_near(
    scope: str, ranges: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Return the exclusion spans of the pieces of `scope` that hold these ranges.

    Enough to tell whether each range sits in a clause, and cheaper than
    `exclusion_spans` when a long scope has a hit in one or two pieces.
    """
    pieces = _pieces(scope)
    if pieces is None:
        return _find_spans(scope)
    spans = []
    for offset, text in pieces:
        end = offset + len(text)
        for start, stop in ranges:
            if start < end and stop > offset:
                spans += [(offset + s, offset + e) for s, e in _piece_spans(text)]
                break
    return spans


def cue_literals() -> tuple[str, ...]:
    """Return the texts one of which every clause but the boilerplate starts from.

    A scope holding none of them has only boilerplate spans (`boilerplate_spans`).
    """
    rules = load_rule_file()["clauses"]
    cues = [*rules["forward_cues"], *rules["backward_cues"], rules["except_open"]]
    return tuple(dict.fromkeys(cues))


def boilerplate_spans(scope: str) -> list[tuple[int, int]]:
    """Return the exclusion spans of a scope that holds no `cue_literals`.

    Equal to `exclusion_spans` for such a scope, without splitting it into
    pieces: no boilerplate match crosses a sentence stop, so matching the
    whole scope finds what matching each piece finds.
    """
    boilerplate = _compiled()[3]
    return _merge(
        [m.span() for m in boilerplate.finditer(scope) if m.end() > m.start()]
    )


def _find_spans(scope: str) -> list[tuple[int, int]]:
    forward, backward, except_open, boilerplate, closure = _compiled()
    spans = [
        (m.start(), _forward_span(scope, m, closure)) for m in forward.finditer(scope)
    ]
    for cue in backward.finditer(scope):
        # 不得经营 and the like govern what precedes them only at a clause end.
        at_end = (
            cue.end() == len(scope) or scope[cue.end()] in BACK_STOPS | CLOSE_BRACKETS
        )
        if cue.group() == EXCEPT_CUE or at_end:
            spans.append((_walk_backward(scope, cue.start()), cue.end()))
    # An except clause needs its opening character; most scopes have none.
    if load_rule_file()["clauses"]["except_open"] in scope:
        spans.extend(_except_spans(scope, except_open))
    spans.extend(m.span() for m in boilerplate.finditer(scope))
    return _merge([(s, e) for s, e in spans if e > s])


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Return whether [start, end) lies wholly inside one of the sorted `spans`."""
    for span_start, span_end in spans:
        if span_start <= start and end <= span_end:
            return True
    return False
