"""Weights and thresholds of the risk score as data: parsing and checking a version.

The packaged `data/weights.yaml` is the default; staff save edited copies in
the admin as new versions. Unknown fields, codes, dimensions and features are
refused, so that a typo cannot silently drop a weight.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from finsentry.risk.errors import WeightsError
from finsentry.rules.catalogue import catalogue

LEVELS = ("low", "watch", "high", "critical")
LEVEL_LABELS = {"low": "低", "watch": "关注", "high": "高", "critical": "严重"}
# Operating features the scoring computes, with the fields each one takes.
FEATURE_FIELDS: dict[str, frozenset[str]] = {
    "yield_spread": frozenset(("from", "full")),
    "yield_rising": frozenset(("from", "full", "months")),
    "fill_collapse": frozenset(("from", "full", "months")),
    "net_outflow": frozenset(("from", "full")),
    "outflow_streak": frozenset(("from", "full")),
    "volume_drop": frozenset(("from", "full", "months")),
    "lender_drop": frozenset(("from", "full", "months")),
    "lender_concentration_rising": frozenset(("from", "full", "months")),
    "borrower_concentration": frozenset(("from", "full")),
    "borrower_concentration_rising": frozenset(("from", "full", "months")),
    "term_shortening": frozenset(("from", "full", "months")),
    "short_terms": frozenset(("from", "full")),
    "overdue_ratio": frozenset(("from", "full")),
    "no_custody": frozenset(("from_month",)),
    "fast_growth": frozenset(("from", "full", "months")),
    "large_scale": frozenset(("balance", "lenders")),
}
_TOP = {"version", "levels", "dimensions", "findings", "sources", "operating"}
_SOURCES = {"tips", "opinion", "funds", "products", "docking", "verify", "web"}


@dataclass(frozen=True)
class Item:
    """Points one kind of evidence gives: the first, each further one, the most."""

    key: str
    dimension: str
    points: int
    each_more: int = 0
    most: int = 0
    params: dict[str, Any] = field(default_factory=dict)

    def for_count(self, count: int) -> int:
        """Return the points of `count` pieces of this evidence."""
        if count <= 0:
            return 0
        return min(self.most, self.points + self.each_more * (count - 1))


@dataclass(frozen=True)
class Weights:
    """One version of the weights: levels, dimension caps and the items' points."""

    version: str
    levels: dict[str, int]
    dimensions: dict[str, tuple[str, int]]
    findings: dict[str, Item]
    sources: dict[str, Item]
    features: dict[str, Item]
    benchmark: dict[str, Any]
    text: str = ""

    def level(self, score: float) -> str:
        """Return the level of a score: low, watch, high or critical."""
        found = "low"
        for name in LEVELS[1:]:
            if score >= self.levels[name]:
                found = name
        return found

    def cap(self, dimension: str) -> int:
        """Return the most points a dimension counts."""
        return self.dimensions[dimension][1]


def _number(source: str, value: Any, where: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WeightsError(source, f"应为数字，实为 {value!r}", where)
    if not low <= value <= high:
        raise WeightsError(source, f"应在 {low:g} 至 {high:g} 之间：{value}", where)
    return float(value)


def _points(source: str, value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise WeightsError(source, f"应为 0 至 100 的整数，实为 {value!r}", where)
    return int(_number(source, value, where, 0, 100))


def _mapping(source: str, value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise WeightsError(source, "应为键值表", where)
    return value


def _item(
    source: str, key: str, raw: Any, where: str, dims: dict, extra: frozenset[str]
) -> Item:
    """Return one item of `findings`, `sources` or `operating.features`."""
    raw = _mapping(source, raw, where)
    unknown = set(raw) - {"dimension", "points", "each_more", "max"} - extra
    if unknown:
        raise WeightsError(source, f"未知字段 {', '.join(sorted(unknown))}", where)
    dimension = raw.get("dimension")
    if dimension not in dims:
        raise WeightsError(source, f"未知维度 {dimension!r}", f"{where}.dimension")
    points = _points(source, raw.get("points"), f"{where}.points")
    each_more = _points(source, raw.get("each_more", 0), f"{where}.each_more")
    most = _points(source, raw.get("max", points), f"{where}.max")
    params = {k: raw[k] for k in extra if k in raw}
    for name in ("from", "full", "balance", "lenders"):
        if name in extra and name not in raw:
            raise WeightsError(source, "缺少此字段", f"{where}.{name}")
        if name in params:
            _number(source, params[name], f"{where}.{name}", -1e12, 1e12)
    if "from" in params and params["from"] == params["full"]:
        raise WeightsError(source, "from 与 full 不能相等", where)
    if "months" in extra:
        params["months"] = int(_number(source, raw.get("months"), where, 1, 24))
    if "from_month" in params and not str(params["from_month"])[:4].isdigit():
        raise WeightsError(source, "应为 YYYY-MM", f"{where}.from_month")
    return Item(key, dimension, points, each_more, max(most, points), params)


def parse_weights(text: str, source: str = "weights") -> Weights:
    """Return the weights a YAML document defines, or raise WeightsError naming why."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise WeightsError(source, f"YAML 格式错误：{exc}") from exc
    raw = _mapping(source, raw, "")
    unknown = set(raw) - _TOP
    if unknown:
        raise WeightsError(source, f"未知字段 {', '.join(sorted(unknown))}")
    version = raw.get("version")
    if not isinstance(version, str) or not version.strip():
        raise WeightsError(source, "版本应为字符串（请加引号）", "version")

    levels = _mapping(source, raw.get("levels"), "levels")
    if set(levels) != set(LEVELS[1:]):
        raise WeightsError(source, "应恰有 watch、high、critical", "levels")
    bounds = [_points(source, levels[n], f"levels.{n}") for n in LEVELS[1:]]
    if not 0 < bounds[0] < bounds[1] < bounds[2]:
        raise WeightsError(source, "应满足 0 < watch < high < critical", "levels")

    dims: dict[str, tuple[str, int]] = {}
    for key, value in _mapping(source, raw.get("dimensions"), "dimensions").items():
        value = _mapping(source, value, f"dimensions.{key}")
        cap = _points(source, value.get("cap"), f"dimensions.{key}.cap")
        dims[key] = (str(value.get("label") or key), cap)

    codes = catalogue().violations
    findings = {}
    for code, value in _mapping(source, raw.get("findings"), "findings").items():
        if code not in codes:
            raise WeightsError(source, f"目录中无此代码 {code}", f"findings.{code}")
        findings[code] = _item(source, code, value, f"findings.{code}", dims, _NONE)
    sources = {}
    for name, value in _mapping(source, raw.get("sources", {}), "sources").items():
        if name not in _SOURCES:
            raise WeightsError(source, f"未知来源 {name}", f"sources.{name}")
        sources[name] = _item(source, name, value, f"sources.{name}", dims, _NONE)

    operating = _mapping(source, raw.get("operating"), "operating")
    features = {}
    for key, value in _mapping(source, operating.get("features"), "features").items():
        if key not in FEATURE_FIELDS:
            raise WeightsError(source, f"未知特征 {key}", f"operating.features.{key}")
        where = f"operating.features.{key}"
        features[key] = _item(source, key, value, where, dims, FEATURE_FIELDS[key])
    benchmark = _mapping(source, operating.get("benchmark"), "operating.benchmark")
    by_year = {int(y): float(v) for y, v in benchmark.get("by_year", {}).items()}
    bench = {
        "min_peers": int(benchmark.get("min_peers", 10)),
        "by_year": by_year,
        "default": float(benchmark.get("default", 10.0)),
    }
    levels_map = dict(zip(LEVELS[1:], bounds, strict=True))
    return Weights(
        version.strip(), levels_map, dims, findings, sources, features, bench, text
    )


_NONE: frozenset[str] = frozenset()


def packaged_text() -> str:
    """Return the packaged weights YAML."""
    path = resources.files("finsentry.risk").joinpath("data/weights.yaml")
    return path.read_text(encoding="utf-8")


@cache
def packaged_weights() -> Weights:
    """Return the packaged weights, parsed once per process."""
    return parse_weights(packaged_text(), "data/weights.yaml")
