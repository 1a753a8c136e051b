"""A compiled rule set: the packs in force and one hyperscan database for them.

Every phrase, pattern and proximity term of every rule, and every marker word
of the page domains, is one expression of a single database, so a page is
scanned once whatever the number of rules. Identical expressions are
compiled once and report to every rule that uses them.

`packaged_ruleset()` needs no database and serves the console and tests;
`services.current_ruleset()` merges the packs staff edited in the admin.
Each thread scanning with a RuleSet gets its own hyperscan scratch space.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import hyperscan

from finsentry.rules.errors import RulePackError
from finsentry.rules.packs import Pack, Rule, packaged_packs
from finsentry.rules.scanner import compile_database
from finsentry.rules.topics import Topics, topics
from finsentry.rules.yields import YieldConfig, yield_config

log = logging.getLogger(__name__)

# What a scanned expression reports to: a rule's phrase or pattern, one side
# of a rule's proximity clause, or a page-domain marker.
RULE, NEAR_A, NEAR_B, MARKER = 0, 1, 2, 3


@dataclass(frozen=True)
class Target:
    """One user of a scanned expression."""

    kind: int
    rule: int = -1
    clause: int = -1
    domain: str = ""


@dataclass
class RuleSet:
    """The rules in force, compiled; built by `compile_packs`."""

    packs: tuple[Pack, ...]
    rules: tuple[Rule, ...]
    topics: Topics
    yields: YieldConfig
    db: hyperscan.Database | None
    targets: tuple[tuple[Target, ...], ...]
    yield_rules: tuple[int, ...] = field(default=())
    # For each expression, its domain when it is only a page-domain marker
    # (the common case, counted without looking at targets), else "".
    marker_only: tuple[str, ...] = field(default=())
    _local: threading.local = field(
        default_factory=threading.local, repr=False, compare=False
    )

    def scratch(self) -> hyperscan.Scratch | None:
        """Return this thread's hyperscan scratch space for the database."""
        if self.db is None:
            return None
        if not hasattr(self._local, "scratch"):
            self._local.scratch = hyperscan.Scratch(self.db)
        scratch: hyperscan.Scratch = self._local.scratch
        return scratch

    @property
    def versions(self) -> dict[str, str]:
        """Return {pack name: version} of the packs in force."""
        return {p.name: p.version for p in self.packs}


def compile_packs(
    packs: Iterable[Pack],
    page_topics: Topics | None = None,
    config: YieldConfig | None = None,
) -> RuleSet:
    """Return the compiled rule set of `packs`; RulePackError on clashing rule ids."""
    began = time.perf_counter()
    packs = tuple(packs)
    page_topics = page_topics or topics()
    rules: list[Rule] = []
    owner: dict[str, str] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.id in owner:
                message = f"规则编号已在规则包 {owner[rule.id]} 中使用"
                raise RulePackError(pack.source, message, rule.id, "id")
            owner[rule.id] = pack.name
            rules.append(rule)

    expressions: dict[str, list[Target]] = {}

    def add(expression: str, target: Target) -> None:
        expressions.setdefault(expression, []).append(target)

    for index, rule in enumerate(rules):
        for phrase in rule.phrases:
            add(re.escape(phrase), Target(RULE, index))
        for pattern in rule.patterns:
            add(pattern, Target(RULE, index))
        for clause, near in enumerate(rule.proximity):
            for term in near.a:
                add(re.escape(term), Target(NEAR_A, index, clause))
            for term in near.b:
                add(re.escape(term), Target(NEAR_B, index, clause))
    for domain, words in page_topics.markers.items():
        for word in words:
            add(re.escape(word), Target(MARKER, domain=domain))

    try:
        db = compile_database(list(expressions), cache=True)
    except hyperscan.error as exc:
        # Each pattern compiled alone when its pack was parsed; together they
        # can still exceed the engine's limits.
        sources = ", ".join(p.source for p in packs)
        raise RulePackError(sources, f"hyperscan 无法编译整套规则：{exc}") from exc
    yield_rules = tuple(i for i, r in enumerate(rules) if r.yield_above is not None)
    log.info(
        "rule set compiled: %d packs, %d rules, %d expressions, %.0f ms",
        len(packs),
        len(rules),
        len(expressions),
        (time.perf_counter() - began) * 1000,
    )
    marker_only = tuple(
        ts[0].domain if len(ts) == 1 and ts[0].kind == MARKER else ""
        for ts in expressions.values()
    )
    return RuleSet(
        packs=packs,
        rules=tuple(rules),
        topics=page_topics,
        yields=config or yield_config(),
        db=db,
        targets=tuple(tuple(t) for t in expressions.values()),
        yield_rules=yield_rules,
        marker_only=marker_only,
    )


@functools.cache
def packaged_ruleset() -> RuleSet:
    """Return the rule set of the packaged packs alone, compiled once per process."""
    return compile_packs(packaged_packs())
