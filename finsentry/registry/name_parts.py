"""Splitting firm names into their registered parts, and comparing the parts.

A registered name is 行政区划 + 字号 + 行业表述 + 组织形式 (企业名称登记管理规定
art. 6), the region sometimes moved into brackets after the 字号. Loose names
on pages and in tips drop the region or the form and shorten the industry
(金服 for 金融服务). The vocabulary (industry phrases, their short forms,
organisational forms, region names) lives in ``data/abbreviations.yaml``.

Splitting is by vocabulary, not by a segmenter: the parts are closed lists, and
a dictionary of suffixes and prefixes splits 3 million names in seconds where
a statistical segmenter would take minutes and still not know what a 字号 is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
import yaml
from rapidfuzz.distance import Levenshtein

from finsentry.registry.normalize import normalize_name

# Suffixes that turn a region's short form (长春) into its full name (长春市);
# ethnic autonomous units are shortened to the place name (延边朝鲜族自治州 → 延边).
_ETHNIC_RE = re.compile(r"^(.{2,}?)(?:[^族]{1,4}族)+自治[区州县]$")
_PLAIN_SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "自治区",
    "地区",
    "省",
    "市",
    "盟",
    "县",
    "区",
)
IMPLIED = "~"  # marks a region token implied by a smaller unit, never written
_LEVEL_CHARS = frozenset("省市县区")

# Forms of one family differ only in liability wording, so a loose name giving
# 有限责任公司 for a registered 有限公司 still half-agrees (公司法 art. 7).
_COMPANY_FORMS = frozenset(
    {"股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "公司"}
)


class NameParts(NamedTuple):
    """The four parts of a normalised name; any part may be empty.

    ``region`` is the region text as written, brackets removed ("长春市南关区",
    "吉林"); ``brand`` is never empty for a non-empty name: when nothing else is
    left the region or the industry words serve as the 字号.
    """

    region: str
    brand: str
    industry: str
    form: str


@dataclass(frozen=True)
class Vocabulary:
    """The closed word lists splitting and comparison rely on."""

    abbreviations: dict[str, tuple[str, ...]]
    industries: frozenset[str]
    form_list: tuple[str, ...]
    branch_tails: tuple[str, ...]
    regions: dict[str, str]  # written form -> short canonical form
    bracket_regions: dict[str, str]  # also every short form: brackets hold regions
    jilin_units: frozenset[str]  # short forms of Jilin's prefectures and counties
    region_lengths: dict[str, tuple[int, ...]]  # by first character


def _short_region(name: str) -> str:
    """Return the short form of a region's full name (长春市 → 长春)."""
    if name.endswith(("开发区", "食品区")):
        return name
    ethnic = _ETHNIC_RE.match(name)
    if ethnic:
        return ethnic.group(1)
    for suffix in _PLAIN_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@cache
def vocabulary() -> Vocabulary:
    """Return the vocabulary loaded from ``data/abbreviations.yaml``."""
    text = (
        resources.files("finsentry.registry")
        .joinpath("data/abbreviations.yaml")
        .read_text(encoding="utf-8")
    )
    raw: dict[str, Any] = yaml.safe_load(text)
    abbreviations = {
        short: tuple(dict.fromkeys([short, *full]))
        for short, full in raw["abbreviations"].items()
    }
    industries = frozenset(raw["industries"]) | frozenset(abbreviations)
    regions: dict[str, str] = {}
    bracket_regions: dict[str, str] = {}
    jilin_units = {
        _short_region(name)
        for group in ("jilin_prefectures", "jilin_counties", "jilin_zones")
        for name in raw["regions"][group]
    }
    for group, names in raw["regions"].items():
        for name in names:
            short = _short_region(name)
            regions[name] = short
            bracket_regions[name] = bracket_regions[short] = short
            # Short forms outside Jilin collide with ordinary 字号 (金华, 泰安),
            # so only provinces and Jilin's own units are recognised bare.
            if group != "other_prefectures":
                regions.setdefault(short, short)
    return Vocabulary(
        abbreviations=abbreviations,
        industries=industries,
        form_list=tuple(raw["forms"]),
        branch_tails=tuple(raw["branch_tails"]),
        regions=regions,
        bracket_regions=bracket_regions,
        jilin_units=frozenset(jilin_units),
        region_lengths=_lengths_by_char(bracket_regions, 0),
    )


def _lengths_by_char(words: Iterable[str], position: int) -> dict[str, tuple[int, ...]]:
    """Return, per first or last character, the word lengths to try, longest first."""
    lengths: dict[str, set[int]] = {}
    for word in words:
        lengths.setdefault(word[position], set()).add(len(word))
    return {ch: tuple(sorted(sizes, reverse=True)) for ch, sizes in lengths.items()}


def region_tokens(text: str) -> tuple[str, ...] | None:
    """Return the short region names making up ``text``, or None if it is no region."""
    vocab = vocabulary()
    tokens: list[str] = []
    rest = text
    while rest:
        for size in vocab.region_lengths.get(rest[0], ()):
            short = vocab.bracket_regions.get(rest[:size])
            if short is not None:
                tokens.append(short)
                rest = rest[size + (rest[size : size + 1] in _LEVEL_CHARS) :]
                break
        else:
            return None
    return tuple(tokens)


def region_key(text: str) -> tuple[str, ...]:
    """Return the sorted region tokens of a registered region, province implied.

    A firm registered in 长春市 is also in 吉林, so a loose name saying only 吉林
    should agree with it, though less than with a firm that writes 吉林: the
    implied province is kept as "~吉林".
    """
    tokens = set(region_tokens(text) or ())
    if tokens & vocabulary().jilin_units and "吉林" not in tokens:
        tokens.add(IMPLIED + "吉林")
    return tuple(sorted(tokens))


@cache
def split_patterns() -> tuple[str, str, str, str]:
    """Return the four regular expressions that peel a name, in the order used.

    1. form: the organisational form, or a branch tail after a company form;
    2. bracket: a region in brackets after the 字号 (鑫汇（吉林）…);
    3. industry: the longest industry phrase leaving a 字号 of two characters;
    4. region: region prefixes (吉林省长春市南关区), again leaving two.

    The same patterns run in Python's ``re`` for one name and in RE2 through
    pyarrow for millions, so a loose name and the register are split alike;
    alternatives are longest first and the lazy ``..+?`` keeps two characters.
    """
    vocab = vocabulary()
    level = "[省市县区]?"
    parents = _alternatives(_COMPANY_FORMS)
    tails = _alternatives(vocab.branch_tails)
    forms = _alternatives(vocab.form_list)
    bracketed = _alternatives(vocab.bracket_regions)
    return (
        f"^(?P<rest>..+?)(?P<form>(?:{parents}).{{0,16}}?(?:{tails})|{forms})$",
        f"^(?P<pre>.*?)（(?P<region>(?:(?:{bracketed}){level})+)）(?P<post>.*)$",
        f"^(?P<rest>..+?)(?P<industry>{_alternatives(vocab.industries)})$",
        f"^(?P<region>(?:(?:{_alternatives(vocab.regions)}){level})+)(?P<rest>..+)$",
    )


def _alternatives(words: Iterable[str]) -> str:
    """Return a regex alternation of ``words``, longest first."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(word) for word in ordered)


@cache
def _compiled() -> tuple[re.Pattern[str], ...]:
    """Return `split_patterns` compiled for Python's ``re``."""
    return tuple(re.compile(pattern) for pattern in split_patterns())


def split_normalized(name: str) -> NameParts:
    """Return the parts of an already normalised name (see ``split_name``)."""
    form_re, bracket_re, industry_re, region_re = _compiled()
    rest, form, region, industry = name, "", "", ""
    found = form_re.match(rest)
    if found:
        rest, form = found["rest"], found["form"]
    found = bracket_re.match(rest) if "（" in rest else None
    if found:
        rest, region = found["pre"] + found["post"], found["region"]
    found = industry_re.match(rest)
    if found:
        rest, industry = found["rest"], found["industry"]
    found = region_re.match(rest)
    if found:
        rest, region = found["rest"], found["region"] + region
    return NameParts(region=region, brand=rest, industry=industry, form=form)


def split_many(names: pa.Array) -> dict[str, pa.Array]:
    """Return region, brand, industry and form arrays of normalised ``names``."""
    form_re, bracket_re, industry_re, region_re = split_patterns()

    def peel(
        texts: pa.Array, pattern: str, keep: str, cut: str
    ) -> tuple[pa.Array, pa.Array]:
        """Return (what is left, what was cut) where ``pattern`` matches, else as is."""
        found = pc.extract_regex(texts, pattern=pattern)
        matched = found.is_valid()
        left = pc.if_else(matched, found.field(keep), texts)
        return left, pc.if_else(matched, found.field(cut), "")

    rest, form = peel(names, form_re, "rest", "form")
    found = pc.extract_regex(rest, pattern=bracket_re)
    joined = pc.binary_join_element_wise(found.field("pre"), found.field("post"), "")
    bracket = pc.if_else(found.is_valid(), found.field("region"), "")
    rest = pc.if_else(found.is_valid(), joined, rest)
    rest, industry = peel(rest, industry_re, "rest", "industry")
    brand, prefix = peel(rest, region_re, "rest", "region")
    region = pc.binary_join_element_wise(prefix, bracket, "")
    return {"region": region, "brand": brand, "industry": industry, "form": form}


def split_name(name: str) -> NameParts:
    """Return the region, 字号, industry and form of a registered or loose name."""
    return split_normalized(normalize_name(name))


def expand_industry(text: str) -> tuple[str, ...]:
    """Return the full industry phrases ``text`` may stand for, ``text`` first."""
    if not text:
        return ()
    return vocabulary().abbreviations.get(text, (text,))


def industry_similarity(query: str, registered: str) -> float:
    """Return how well a loose industry text agrees with a registered phrase, 0-1."""
    if not query or not registered:
        return 0.0
    best = 0.0
    for phrase in expand_industry(query):
        if phrase == registered:
            return 1.0
        if phrase in registered:
            # 金融信息服务 inside 房地产金融信息服务: the same business, narrower.
            best = max(best, 0.8)
        elif phrase.startswith(registered):
            # 物流服务 for 物流: the loose name says more than the register.
            best = max(best, 0.6)
        elif len(registered) >= 3 and Levenshtein.distance(phrase, registered) == 1:
            # A slip inside the industry words (金融服物); any other overlap,
            # such as 元物业服务 with a 字号 character left on, or 金融服务外包
            # against 金融信息服务, is another industry.
            best = max(best, 0.7)
    return best


def region_similarity(query: tuple[str, ...], registered: tuple[str, ...]) -> float:
    """Return how well a loose region agrees with a registered `region_key`, 0-1."""
    if not query:
        return 0.0
    if not registered:
        # A name without a region neither confirms nor contradicts one.
        return 0.25
    wanted = set(query)
    written = {t for t in registered if not t.startswith(IMPLIED)}
    if wanted == written:
        return 1.0
    if wanted <= written:
        return 0.9
    if wanted <= written | {t[len(IMPLIED) :] for t in registered}:
        return 0.8
    if wanted & written:
        return 0.5
    return 0.0


def form_similarity(query: str, registered: str) -> float:
    """Return how well a loose organisational form agrees with a registered one."""
    if not query:
        return 0.0
    if query == registered:
        return 1.0
    if query in _COMPANY_FORMS and registered in _COMPANY_FORMS:
        return 0.5
    return 0.0
