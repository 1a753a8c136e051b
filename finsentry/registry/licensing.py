"""Licensed financial institutions among registry records (持牌金融机构).

Plan 三(二) aims its word screening at non-financial firms (非金融机构、不从事
金融活动的企业); a licensed bank branch or insurer's sales office carries the
same words lawfully, so screening marks it licensed instead of suspicious.

Two ways to know a firm is licensed:

* recognised out of the box (`recognise_licensed`): banks, rural credit
  cooperatives, insurers, securities, futures and public fund companies, from
  the name forms that law reserves for them and, where a name form is also
  open to others, from the licensed business scope;
* looked up in an imported licence list (`LicenceIndex`), by unified social
  credit code and then by normalised name. Only this makes licensed the firms
  the provincial financial office licenses itself (小额贷款, 融资担保, 典当,
  融资租赁, 商业保理, the regional equity exchange), private fund managers,
  insurance intermediaries and payment institutions: for them a name proves
  nothing, since anyone may register “XX股权投资基金管理有限公司”.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa

from finsentry.registry.clauses import exclusion_spans, inside, load_rule_file
from finsentry.registry.normalize import normalize_name

LICENCE_KINDS: dict[str, str] = dict(load_rule_file()["licence_kinds"])

# Every recognisable name contains one of these; screen_batch looks at a row
# without keyword hits only when its name has one.
NAME_TRIGGERS: tuple[str, ...] = tuple(load_rule_file()["licence_name_triggers"])


@dataclass(frozen=True)
class LicenceMatch:
    """A firm taken to be licensed, with the text that shows it.

    `kind` is a key of LICENCE_KINDS; `label` says what kind of institution in
    words for the reasons; `evidence` is the matched name part, followed by the
    licensed-scope phrase when the scope confirmed it; `basis` is "name",
    "name_scope" or "list".
    """

    kind: str
    label: str
    evidence: str
    basis: str


@dataclass(frozen=True)
class _Pattern:
    """One recognisable name form of a licensed kind and its scope evidence."""

    kind: str
    label: str
    name: re.Pattern[str]
    scope: re.Pattern[str]
    scope_required: bool


@functools.cache
def _patterns() -> tuple[_Pattern, ...]:
    """Return the compiled licence patterns from the rule file."""
    rows = load_rule_file()["licence_patterns"]
    return tuple(
        _Pattern(
            kind=row["kind"],
            label=row["label"],
            name=re.compile(row["name"]),
            scope=re.compile(row["scope"]),
            scope_required=bool(row["scope_required"]),
        )
        for row in rows
    )


def _scope_evidence(pattern: re.Pattern[str], scope: str) -> str | None:
    """Return the first licensed-scope phrase outside exclusion clauses, if any."""
    spans: list[tuple[int, int]] | None = None
    for match in pattern.finditer(scope):
        # “未经保监会批准不得从事保险业务” must not prove an insurer.
        spans = exclusion_spans(scope) if spans is None else spans
        if not inside(spans, match.start(), match.end()):
            return match.group()
    return None


def recognise_licensed(name: str, scope: str) -> LicenceMatch | None:
    """Return the licensed kind that the normalised `name` and `scope` show, or None."""
    if not any(trigger in name for trigger in NAME_TRIGGERS):
        return None
    for pattern in _patterns():
        named = pattern.name.search(name)
        if named is None:
            continue
        scoped = _scope_evidence(pattern.scope, scope)
        if scoped is None and pattern.scope_required:
            continue
        if scoped is None:
            return LicenceMatch(pattern.kind, pattern.label, named.group(), "name")
        evidence = f"{named.group()}；{scoped}"
        return LicenceMatch(pattern.kind, pattern.label, evidence, "name_scope")
    return None


@dataclass(frozen=True)
class LicenceEntry:
    """One row of an imported licence list: code (may be empty), name, kind."""

    code: str
    name: str
    kind: str


class LicenceIndex:
    """An imported licence list, looked up by credit code first, then by name.

    Codes are kept stripped and upper-cased, names normalised with
    `normalize_name`; every kind is a key of LICENCE_KINDS. When two entries
    share a code or a name, the first one imported wins.
    """

    def __init__(self, entries: Iterable[LicenceEntry]) -> None:
        self._by_code: dict[str, LicenceEntry] = {}
        self._by_name: dict[str, LicenceEntry] = {}
        for entry in entries:
            if entry.code:
                self._by_code.setdefault(entry.code, entry)
            if entry.name:
                self._by_name.setdefault(entry.name, entry)

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[str, str, str]]) -> LicenceIndex:
        """Return an index of (uscc, name, kind) rows; ValueError on an unknown kind."""
        rows = []
        for code, name, kind in entries:
            if kind not in LICENCE_KINDS:
                raise ValueError(
                    f"unknown licence kind {kind!r} for {name!r}; "
                    f"use one of {', '.join(LICENCE_KINDS)}"
                )
            clean_code = (code or "").strip().upper()
            rows.append(LicenceEntry(clean_code, normalize_name(name or ""), kind))
        return cls(rows)

    def __len__(self) -> int:
        """Return the number of distinct codes and names held."""
        return len(self._by_code) + len(self._by_name)

    def lookup(self, code: str, name: str) -> LicenceEntry | None:
        """Return the entry for `code`, else for the normalised `name`, else None."""
        by_code = self._by_code.get((code or "").strip().upper())
        if by_code is not None:
            return by_code
        return self._by_name.get(normalize_name(name or ""))

    def code_set(self) -> pa.Array:
        """Return the indexed codes as a string array, for vectorised membership."""
        return pa.array(list(self._by_code), type=pa.string())

    def name_set(self) -> pa.Array:
        """Return the indexed normalised names as a string array."""
        return pa.array(list(self._by_name), type=pa.string())


def licence_reason(match: LicenceMatch) -> str:
    """Return the Chinese sentence that says why a firm counts as licensed."""
    how = {
        "name": "按名称识别",
        "name_scope": "按名称与经营范围识别",
        "list": "按导入的许可名单",
    }[match.basis]
    return f"持牌金融机构（{match.label}，{how}）"
