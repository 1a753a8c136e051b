"""Rule packs: detectors keyed to catalogue codes, written as YAML data.

A pack is one YAML document (`pack`, `version`, `rules`, optional `title`,
`scope` and `exclude` defaults); docs/rules.md documents every field. This
module turns the text into checked, immutable `Pack` values and refuses
anything the engine could not run: unknown fields (a typo must not silently
disable a rule), unknown codes, domains or licence kinds, and patterns that
hyperscan cannot compile. Every error names the source, the rule id and the
field, so that an editor in the admin knows what to fix.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from finsentry.registry.licensing import LICENCE_KINDS
from finsentry.rules import fields
from finsentry.rules.catalogue import catalogue
from finsentry.rules.errors import RulePackError
from finsentry.rules.scanner import pattern_error
from finsentry.rules.topics import ANY

PACK_KEYS = {"pack", "version", "title", "scope", "exclude", "rules"}
RULE_KEYS = {
    "id",
    "code",
    "title",
    "scope",
    "phrases",
    "patterns",
    "proximity",
    "yield_above",
    "exclude",
    "inherit_exclude",
    "unless_licensed",
    "note",
}
PROXIMITY_KEYS = {"a", "b", "within", "order", "same_sentence", "same_clause"}
EXCLUDE_KEYS = {
    "before",
    "after",
    "around",
    "sentence",
    "page",
    "cross",
    "phrases",
    "except",
}
WHERE = ("before", "after", "around", "sentence", "page")
ORDERS = ("any", "a_first")


@dataclass(frozen=True)
class Exclusion:
    """Phrases that cancel a hit when found in a window of text near it.

    `where` is before, after or around the matched span (`within` characters,
    inside the sentence unless `cross`), the whole sentence, or the whole page.
    """

    where: str
    within: int
    cross: bool
    phrases: tuple[str, ...]
    # Words in which a phrase does not count: 不 cancels, 不仅 does not.
    unless: tuple[str, ...] = ()
    # One alternation, longest phrase first: one C-level search per window.
    matcher: re.Pattern[str] = field(init=False, repr=False, compare=False)
    unless_matcher: re.Pattern[str] | None = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "matcher", _alternation(self.phrases))
        unless = _alternation(self.unless) if self.unless else None
        object.__setattr__(self, "unless_matcher", unless)


def _alternation(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """Return a regex matching any of `phrases`, longest first."""
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile("|".join(re.escape(p) for p in ordered))


@dataclass(frozen=True)
class Proximity:
    """Any term of `a` and any term of `b` within `within` characters.

    With `ordered` the `a` term comes first; with `same_sentence` no sentence
    end lies between them, with `same_clause` not even a comma.
    """

    a: tuple[str, ...]
    b: tuple[str, ...]
    within: int
    ordered: bool
    same_sentence: bool
    same_clause: bool = False


@dataclass(frozen=True)
class Rule:
    """One detector: what it matches, what cancels it, and the code it evidences.

    A text rule has phrases, patterns or proximity clauses; a yield rule has
    only `yield_above` (a factor of the page domain's benchmark yield).
    An empty `scope` means every page; `unless_licensed` lists licence kinds
    that, held by the page's operator, keep the rule from firing.
    """

    id: str
    code: str
    title: str
    pack: str
    version: str
    scope: tuple[str, ...]
    phrases: tuple[str, ...]
    patterns: tuple[str, ...]
    proximity: tuple[Proximity, ...]
    yield_above: float | None
    exclude: tuple[Exclusion, ...]
    unless_licensed: tuple[str, ...]

    @property
    def rule_version(self) -> str:
        """Return the pack name and version that produced this rule, as `p2p@1.0`."""
        return f"{self.pack}@{self.version}"


@dataclass(frozen=True)
class Pack:
    """A named, versioned set of rules, from a packaged file or the database."""

    name: str
    version: str
    title: str
    source: str
    rules: tuple[Rule, ...]


def parse_pack(text: str, source: str, check_patterns: bool = True) -> Pack:
    """Return the pack in YAML `text`, or raise RulePackError naming `source`.

    Each pattern is compiled alone to name the rule of one hyperscan refuses;
    the packaged packs skip that (a test does it) to start up fast.
    """
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RulePackError(source, f"不是有效的 YAML：{exc}") from exc
    if not isinstance(raw, dict):
        raise RulePackError(source, "顶层须为映射（pack、version、rules）")
    fields.known_keys(raw, PACK_KEYS, source, None, "")

    name = fields.string(raw.get("pack"), source, None, "pack")
    version = fields.string(raw.get("version"), source, None, "version")
    scope = fields.scope(raw.get("scope", []), source, None, "scope")
    defaults = _exclusions(raw.get("exclude", []), source, None, "exclude")
    items = raw.get("rules")
    if not isinstance(items, list) or not items:
        raise RulePackError(source, "须为非空列表", field="rules")

    rules: list[Rule] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        rule = _rule(
            item, index, name, version, scope, defaults, source, check_patterns
        )
        if rule.id in seen:
            raise RulePackError(source, "规则编号重复", rule.id, "id")
        seen.add(rule.id)
        rules.append(rule)
    title = str(raw.get("title") or name)
    return Pack(name, version, title, source, tuple(rules))


def _rule(
    item: Any,
    index: int,
    pack: str,
    version: str,
    pack_scope: tuple[str, ...],
    defaults: tuple[Exclusion, ...],
    source: str,
    check_patterns: bool = True,
) -> Rule:
    """Return the checked rule at position `index` of a pack's `rules` list."""
    if not isinstance(item, dict):
        raise RulePackError(source, "每条规则须为映射", f"#{index + 1}", "rules")
    rule_id = fields.string(item.get("id"), source, f"#{index + 1}", "id")
    fields.known_keys(item, RULE_KEYS, source, rule_id, "")

    code = fields.string(item.get("code"), source, rule_id, "code")
    if code not in catalogue().violations:
        raise RulePackError(source, f"违规目录中没有代码 {code}", rule_id, "code")
    scope = pack_scope
    if "scope" in item:
        scope = fields.scope(item["scope"], source, rule_id, "scope")
    phrases = fields.phrases(item.get("phrases", []), source, rule_id, "phrases")
    patterns = fields.phrases(item.get("patterns", []), source, rule_id, "patterns")
    for i, pattern in enumerate(patterns if check_patterns else ()):
        problem = pattern_error(pattern)
        if problem:
            field = f"patterns[{i}]"
            message = f"hyperscan 无法编译 {pattern!r}：{problem}"
            raise RulePackError(source, message, rule_id, field)
    proximity = tuple(
        _proximity(p, source, rule_id, f"proximity[{i}]")
        for i, p in enumerate(
            fields.as_list(item.get("proximity", []), source, rule_id, "proximity")
        )
    )
    yield_above = fields.factor(item.get("yield_above"), source, rule_id)
    if yield_above is not None and (phrases or patterns or proximity):
        message = "yield_above 不能与 phrases、patterns、proximity 同用"
        raise RulePackError(source, message, rule_id, "yield_above")
    if yield_above is None and not (phrases or patterns or proximity):
        message = "至少需要 phrases、patterns、proximity 或 yield_above 之一"
        raise RulePackError(source, message, rule_id, "phrases")

    own = _exclusions(item.get("exclude", []), source, rule_id, "exclude")
    inherit = item.get("inherit_exclude", True)
    if not isinstance(inherit, bool):
        raise RulePackError(source, "须为 true 或 false", rule_id, "inherit_exclude")
    kinds = fields.phrases(
        item.get("unless_licensed", []), source, rule_id, "unless_licensed"
    )
    for kind in kinds:
        if kind != ANY and kind not in LICENCE_KINDS:
            known = "、".join([ANY, *LICENCE_KINDS])
            message = f"未知的持牌类型 {kind}（可用：{known}）"
            raise RulePackError(source, message, rule_id, "unless_licensed")

    return Rule(
        id=rule_id,
        code=code,
        title=str(item.get("title") or catalogue().violations[code].name),
        pack=pack,
        version=version,
        scope=scope,
        phrases=phrases,
        patterns=patterns,
        proximity=proximity,
        yield_above=yield_above,
        exclude=(defaults + own) if inherit else own,
        unless_licensed=kinds,
    )


def _proximity(raw: Any, source: str, rule: str, field: str) -> Proximity:
    """Return one checked proximity clause."""
    if not isinstance(raw, dict):
        raise RulePackError(source, "须为映射（a、b、within）", rule, field)
    fields.known_keys(raw, PROXIMITY_KEYS, source, rule, field)
    a = fields.phrases(raw.get("a"), source, rule, f"{field}.a", required=True)
    b = fields.phrases(raw.get("b"), source, rule, f"{field}.b", required=True)
    within = fields.window(raw.get("within"), source, rule, f"{field}.within")
    order = raw.get("order", "any")
    if order not in ORDERS:
        raise RulePackError(
            source, f"须为 {' 或 '.join(ORDERS)}", rule, f"{field}.order"
        )
    flags = []
    for key, default in (("same_sentence", True), ("same_clause", False)):
        value = raw.get(key, default)
        if not isinstance(value, bool):
            raise RulePackError(source, "须为 true 或 false", rule, f"{field}.{key}")
        flags.append(value)
    return Proximity(a, b, within, order == "a_first", flags[0], flags[1])


def _exclusions(
    raw: Any, source: str, rule: str | None, field: str
) -> tuple[Exclusion, ...]:
    """Return the checked exclusion list at `field`."""
    out = []
    for i, item in enumerate(fields.as_list(raw, source, rule, field)):
        where_field = f"{field}[{i}]"
        if not isinstance(item, dict):
            raise RulePackError(source, "须为映射", rule, where_field)
        fields.known_keys(item, EXCLUDE_KEYS, source, rule, where_field)
        wheres = [w for w in WHERE if w in item]
        if len(wheres) != 1:
            message = f"须且只须给出 {'、'.join(WHERE)} 之一"
            raise RulePackError(source, message, rule, where_field)
        where = wheres[0]
        if where in ("sentence", "page"):
            if item[where] is not True:
                raise RulePackError(source, "须为 true", rule, f"{where_field}.{where}")
            within = 0
        else:
            within = fields.window(item[where], source, rule, f"{where_field}.{where}")
        cross = item.get("cross", False)
        if not isinstance(cross, bool):
            raise RulePackError(
                source, "须为 true 或 false", rule, f"{where_field}.cross"
            )
        phrases = fields.phrases(
            item.get("phrases"), source, rule, f"{where_field}.phrases", required=True
        )
        unless = fields.phrases(
            item.get("except"), source, rule, f"{where_field}.except"
        )
        out.append(Exclusion(where, within, cross, phrases, unless))
    return tuple(out)


def packaged_pack_texts() -> dict[str, str]:
    """Return {file name: YAML text} of the packs shipped in data/packs/."""
    folder = resources.files("finsentry.rules").joinpath("data/packs")
    files = sorted(
        (f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name
    )
    return {f.name: f.read_text(encoding="utf-8") for f in files}


@functools.cache
def packaged_packs() -> tuple[Pack, ...]:
    """Return the packaged packs, parsed and checked once per process."""
    return tuple(
        parse_pack(text, f"packs/{name}", check_patterns=False)
        for name, text in packaged_pack_texts().items()
    )


def merge_packs(
    packaged: Iterable[Pack], overrides: Iterable[Pack]
) -> tuple[Pack, ...]:
    """Return the packaged packs with each override replacing the one of its name."""
    merged = {p.name: p for p in packaged}
    for pack in overrides:
        merged[pack.name] = pack
    return tuple(merged.values())
