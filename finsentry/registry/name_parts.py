"""Splitting firm names into their registered parts, and comparing the parts.

A registered name is 行政区划 + 字号 + 行业表述 + 组织形式 (企业名称登记管理规定
art. 6), the region sometimes moved into brackets after the 字号. Loose names
on pages and in tips drop the region or the form and shorten the industry
(金服 for 金融服务). The vocabulary (industry phrases, their short forms,
organisational forms, region names) lives in ``data/abbreviations.yaml``.

Splitting is by vocabulary, not by a segmenter (jieba and the like): the parts
are closed lists, a segmenter would still not know what a 字号 is, and suffix
and prefix lookups let `name_bulk` split 3 million names in seconds with the
same rules as `split_name` here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

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
BRANCH_ENDS = ("公司", "行", "部", "所", "处", "社")
_BRACKET_RE = re.compile(r"（([^（）]{2,24})）")

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
    industry_lengths: dict[str, tuple[int, ...]]  # by last character
    forms: dict[str, tuple[str, ...]]  # by last character, longest first
    form_list: tuple[str, ...]
    branch_re: re.Pattern[str]  # company form + branch tail at the end
    regions: dict[str, str]  # written form -> short canonical form
    bracket_regions: dict[str, str]  # also every short form: brackets hold regions
    jilin_units: frozenset[str]  # short forms of Jilin's prefectures and counties
    region_lengths: dict[str, tuple[int, ...]]  # by first character
    industry_heads: frozenset[str]  # first two characters of every industry word


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
    forms: dict[str, tuple[str, ...]] = {}
    for form in sorted(raw["forms"], key=len, reverse=True):
        forms[form[-1]] = (*forms.get(form[-1], ()), form)
    parents = "|".join(sorted(_COMPANY_FORMS, key=len, reverse=True))
    tails = "|".join(raw["branch_tails"])
    return Vocabulary(
        abbreviations=abbreviations,
        industries=industries,
        industry_lengths=_lengths_by_char(industries, -1),
        forms=forms,
        form_list=tuple(raw["forms"]),
        branch_re=re.compile(f"(?:{parents}).{{0,16}}?(?:{tails})$"),
        regions=regions,
        bracket_regions=bracket_regions,
        jilin_units=frozenset(jilin_units),
        region_lengths=_lengths_by_char(bracket_regions, 0),
        industry_heads=frozenset(w[:2] for w in industries if len(w) >= 2),
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


def split_normalized(name: str) -> NameParts:
    """Return the parts of an already normalised name (see ``split_name``)."""
    vocab = vocabulary()
    rest, form, region, industry = name, "", "", ""
    branch = vocab.branch_re.search(rest) if rest.endswith(BRANCH_ENDS) else None
    if branch and branch.start() >= 2:
        rest, form = rest[: branch.start()], rest[branch.start() :]
    elif rest:
        for candidate in vocab.forms.get(rest[-1], ()):
            if rest.endswith(candidate) and len(rest) > len(candidate) + 1:
                rest, form = rest[: -len(candidate)], candidate
                break

    bracket = _BRACKET_RE.search(rest) if "（" in rest else None
    if bracket and region_tokens(bracket.group(1)) is not None:
        region = bracket.group(1)
        rest = rest[: bracket.start()] + rest[bracket.end() :]

    for size in vocab.industry_lengths.get(rest[-1:], ()):
        if len(rest) - size >= 2 and rest[-size:] in vocab.industries:
            rest, industry = rest[:-size], rest[-size:]
            break

    # Region prefixes may repeat (吉林省长春市南关区); stop before the 字号
    # would shrink under two characters, so 长春藤 keeps its 长春.
    end = 0
    while end < len(rest):
        for size in vocab.region_lengths.get(rest[end], ()):
            if len(rest) - end - size >= 2 and rest[end : end + size] in vocab.regions:
                end += size
                # Former or loose designations (九台市 for 九台区) keep the suffix.
                if rest[end : end + 1] in _LEVEL_CHARS and len(rest) - end > 2:
                    end += 1
                break
        else:
            break
    region = rest[:end] + region
    brand = rest[end:]
    if not industry and len(brand) >= LONG_BRAND and form.endswith("公司"):
        brand, industry = _split_unlisted_industry(brand, vocab)
    return NameParts(region=region, brand=brand, industry=industry, form=form)


# A company's 字号 runs two to four characters; a longer remainder with no
# listed industry holds one the word list lacks (汇财网贷服务: 汇财 + 网贷服务).
# Shop names (小王烧烤店) keep theirs whole: cut, they would flood the index
# with two-character 字号 and slow every search.
LONG_BRAND = 5


def _split_unlisted_industry(brand: str, vocab: Vocabulary) -> tuple[str, str]:
    """Return (字号, industry) cut where a known industry word begins, if any."""
    for cut in range(2, min(5, len(brand) - 1)):
        if brand[cut : cut + 2] in vocab.industry_heads:
            return brand[:cut], brand[cut:]
    return brand, ""


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
    known = vocabulary().industries
    best = 0.0
    for phrase in expand_industry(query):
        if phrase == registered:
            if phrase == query:
                return 1.0
            # Through the abbreviation table (物流 for 供应链管理): a firm
            # registered with the very words of the loose name fits better.
            best = max(best, 0.9)
        elif len(phrase) >= 2 and registered.startswith(phrase):
            # 教育 for 教育咨询: people keep the first word of the industry.
            best = max(best, 0.8)
        elif phrase in known and phrase in registered:
            # 金融信息服务 inside 房地产金融信息服务: the same business, narrower.
            # Unknown fragments (融信息服务, 品) are a split gone wrong instead.
            best = max(best, 0.7)
        elif len(registered) >= 2 and phrase.startswith(registered):
            # 物流服务 for 物流: the loose name says more than the register.
            best = max(best, 0.6)
        elif len(phrase) == len(registered) >= 3 and (
            Levenshtein.distance(phrase, registered) == 1
        ):
            # A slip inside the industry words (金融服物); any other overlap,
            # such as 铭餐饮管理 with a 字号 character left on, or 金融服务外包
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
