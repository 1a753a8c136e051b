"""Simulated Chinese firm names built from their registered parts.

A registered enterprise name is 行政区划 + 字号 + 行业表述 + 组织形式
(《企业名称登记管理规定》 art. 6); the region may also stand in brackets after
the brand ("鑫汇（吉林）…"). :class:`FirmName` keeps the parts so that the name
matcher can be tested against the truth. Uniqueness within a registry is the
caller's job: draw again when a name is taken.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from finsentry.demo.draws import Weighted, between, pick

REGION_STYLES = ("prefix", "bracket", "none")
# Distinct brands in the demo province; enough for millions of unique names.
_BRAND_POOL_SIZE = 40_000


@dataclass(frozen=True)
class FirmName:
    """A registered name and the parts it was built from.

    ``region`` is the region text exactly as written in the name ("吉林",
    "长春市", "长春市南关区", or "" when the name carries none), so
    ``full`` always contains every non-empty part (bar spacing variants).
    """

    region: str
    region_style: str
    brand: str
    industry: str
    form: str
    full: str


@cache
def load_vocabulary(name: str) -> dict[str, Any]:
    """Return the parsed YAML file ``finsentry/demo/data/<name>.yaml``."""
    path = resources.files("finsentry.demo").joinpath(f"data/{name}.yaml")
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


@cache
def vocabulary() -> dict[str, Any]:
    """Return the name vocabulary, with character strings stripped of spaces."""
    vocab = dict(load_vocabulary("names"))
    for key in ("brand_chars", "surnames", "given_chars"):
        vocab[key] = "".join(vocab[key].split())
    return vocab


@cache
def _ranked(items: tuple[str, ...], exponent: float) -> Weighted[str]:
    """Return a Zipf-like weight table over ``items`` ranked by use."""
    return Weighted(
        [(item, 1.0 / (rank + 2) ** exponent) for rank, item in enumerate(items)]
    )


@cache
def _finance_pattern() -> re.Pattern[str]:
    """Return one regular expression matching every screened finance word."""
    words = sorted(vocabulary()["finance_words"], key=len, reverse=True)
    first = "".join({ch for word in words for ch in (word[0], word[0].lower())})
    # The look-ahead on first characters lets `re` skip most positions fast,
    # halving the time on long scopes.
    alternatives = "|".join(map(re.escape, words))
    return re.compile(f"(?=[{re.escape(first)}])(?:{alternatives})", re.IGNORECASE)


def contains_finance_word(text: str) -> bool:
    """Return whether ``text`` contains a word the registry screening looks for."""
    return _finance_pattern().search(text) is not None


def _composed_brand(rng: random.Random, chars: Weighted[str]) -> str:
    """Return a brand of two to four popular characters, free of finance words."""
    roll = rng.random()
    length = 2 if roll < 0.78 else 3 if roll < 0.96 else 4
    while True:
        picked = [chars.draw(rng) for _ in range(length)]
        brand = "".join(picked)
        # Doubled characters (鑫鑫) are rare in real 字号; finance words in an
        # ordinary brand would spoil the planted truth.
        if len(set(picked)) == length and not contains_finance_word(brand):
            return brand


@cache
def _brand_pool() -> Weighted[str]:
    """Return the brands of the demo province, weighted by how many firms use them.

    Brand use is Zipf-like: a few brands (the common list first, then the
    earliest composed ones) are shared by many firms in many cities and
    industries, and a long tail is used once or twice. The pool is fixed (its
    own seed), so every registry seed draws from the same brand vocabulary.
    """
    vocab = vocabulary()
    pool_rng = random.Random(20160601)
    chars = _ranked(tuple(vocab["brand_chars"]), 0.7)
    brands = dict.fromkeys(vocab["common_brands"])
    brands.update(dict.fromkeys(vocab["plain_brands"]))
    while len(brands) < _BRAND_POOL_SIZE:
        brands[_composed_brand(pool_rng, chars)] = None
    weights = [(brand, 1.0 / (rank + 3) ** 0.85) for rank, brand in enumerate(brands)]
    return Weighted(weights)


def generate_brand(rng: random.Random) -> str:
    """Return a 字号 of two to four characters, skewed towards popular brands."""
    return _brand_pool().draw(rng)


def compose_name(
    region: str, region_style: str, brand: str, industry: str, form: str
) -> FirmName:
    """Return the :class:`FirmName` joining the parts in ``region_style``."""
    if not region:
        region_style = "none"
    if region_style == "prefix":
        full = f"{region}{brand}{industry}{form}"
    elif region_style == "bracket":
        full = f"{brand}（{region}）{industry}{form}"
    elif region_style == "none":
        region = ""
        full = f"{brand}{industry}{form}"
    else:
        raise ValueError(f"unknown region style {region_style!r}")
    return FirmName(region, region_style, brand, industry, form, full)


def generate_name(
    rng: random.Random, *, region: str, industry: str, form: str
) -> FirmName:
    """Return a company name with a fresh brand; region goes first or in brackets."""
    brand = generate_brand(rng)
    style = "bracket" if rng.random() < 0.2 else "prefix"
    return compose_name(region, style, brand, industry, form)


def person_name(rng: random.Random) -> str:
    """Return a Chinese personal name of two or three characters."""
    vocab = vocabulary()
    surname: str = pick(rng, vocab["surnames"])
    given: str = vocab["given_chars"]
    if rng.random() < 0.35:
        return surname + pick(rng, given)
    return surname + pick(rng, given) + pick(rng, given)


def individual_name(rng: random.Random, *, region: str) -> FirmName:
    """Return a 个体工商户 name such as "长春市南关区小王烧烤店"."""
    vocab = vocabulary()
    trade, form = pick(rng, vocab["individual_trades"])
    roll = rng.random()
    surname = pick(rng, vocab["surnames"])
    if roll < 0.25:
        brand = pick(rng, "小老") + surname
    elif roll < 0.40:
        brand = surname + pick(rng, ("记", "氏", "家"))
    elif roll < 0.55:
        brand = person_name(rng)
    else:
        brand = generate_brand(rng)
    name = compose_name(region, "prefix", brand, trade, form)
    # 老金 + 服装 reads 金服: such a shop would trip the screening.
    return (
        individual_name(rng, region=region)
        if contains_finance_word(name.full)
        else name
    )


def cooperative_name(rng: random.Random, *, region: str) -> FirmName:
    """Return a 农民专业合作社 name such as "榆树市丰源水稻种植专业合作社"."""
    vocab = vocabulary()
    trade = pick(rng, vocab["cooperative_trades"])
    form = "农民专业合作社" if rng.random() < 0.3 else "专业合作社"
    if rng.random() < 0.4:
        # Many cooperatives are named after their village (…村).
        brand = pick(rng, vocab["brand_chars"]) + pick(rng, "家屯村堡岗")
    else:
        brand = generate_brand(rng)
    name = compose_name(region, "prefix", brand, trade, form)
    if contains_finance_word(name.full):
        return cooperative_name(rng, region=region)
    return name


def spacing_variant(rng: random.Random, name: FirmName) -> FirmName:
    """Return ``name`` spelt as careless filings do (stray spaces, ASCII brackets)."""
    full = name.full
    if name.region_style == "prefix" and name.region:
        full = full.replace(name.region, name.region + pick(rng, (" ", "　")), 1)
    elif name.region_style == "bracket":
        full = full.replace("（", "(").replace("）", ")")
    else:
        full = full.replace(name.brand, name.brand + " ", 1)
    return FirmName(
        name.region, name.region_style, name.brand, name.industry, name.form, full
    )


# Suffixes that name the kind of a licensed parent, longest first.
_LICENSED_WORDS = (
    "农村商业银行",
    "村镇银行",
    "财产保险",
    "人寿保险",
    "基金管理",
    "银行",
    "证券",
    "期货",
)
_COMPANY_FORMS = ("股份有限公司", "有限责任公司", "有限公司")
_NON_MARKET_FORMS = (
    "基金会",
    "行业协会",
    "协会",
    "商会",
    "培训学校",
    "养老院",
    "社会工作服务中心",
    "中学",
    "人民医院",
    "研究所",
    "服务中心",
    "管理站",
)


def licensed_name(
    rng: random.Random,
    kind: str,
    *,
    city: str,
    county: str,
    place: str,
    at_place: bool = False,
) -> FirmName:
    """Return a licensed branch name such as "中国建设银行股份有限公司长春朝阳支行".

    ``city`` is the city's short name, ``county`` a county's full name and
    ``place`` a district or road; the branch part follows the parent's form.
    ``at_place`` keeps to branch patterns naming the place, which are many.
    """
    spec = load_vocabulary("institutions")["licensed"][kind]
    parent = pick(rng, spec["parents"]).format(county=county)
    patterns = spec["branches"]
    if at_place:
        patterns = [p for p in patterns if "{place}" in p]
    pattern = pick(rng, patterns)
    branch = pattern.format(city=city, place=place, n=between(rng, 2, 9))

    form = next((f for f in _COMPANY_FORMS if parent.endswith(f)), "")
    stem = parent.removesuffix(form) if form else parent
    region = county if stem.startswith(county) else ""
    word = next((w for w in _LICENSED_WORDS if w in stem), "")
    brand = stem.removeprefix(region).split(word)[0] if word else ""
    industry = stem.removeprefix(region).removeprefix(brand)
    style = "prefix" if region else "none"
    return FirmName(region, style, brand, industry, form + branch, parent + branch)


def non_market_name(
    rng: random.Random, kind: str, *, city: str, county: str
) -> FirmName:
    """Return the name of a foundation, society, school or public institution."""
    spec = load_vocabulary("institutions")["non_market"][kind]
    pattern: str = pick(rng, spec["names"])
    fillers = {
        "brand": generate_brand(rng),
        "topic": pick(rng, spec.get("topics", [""])),
        "trade": pick(rng, spec.get("trades", [""])),
        "nth": f"第{between(rng, 1, 60)}",
    }
    regions = {"prov": "吉林省", "city": city, "county": county}
    region_key = next((k for k in regions if pattern.startswith("{" + k + "}")), "")
    filler_key = next((k for k in fillers if "{" + k + "}" in pattern), "")

    full = pattern.format(**fillers, **regions)
    region = regions.get(region_key, "")
    brand = fillers.get(filler_key, "")
    form = next(f for f in _NON_MARKET_FORMS if full.endswith(f))
    industry = full[len(region) + len(brand) : len(full) - len(form)]
    style = "prefix" if region else "none"
    return FirmName(region, style, brand, industry, form, full)
