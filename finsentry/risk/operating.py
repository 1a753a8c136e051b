"""The operating-data score: features of a platform's monthly reports, as points.

Every feature of month m reads month m and the months before it, never a
later one: look-backs shift the panel towards later months, and the market
benchmark of a month is the median of that month's reports. The features
follow how China's lending platforms failed in 2015-2019: yields raised
above the market to draw money in, money flowing out, lenders leaving,
loans concentrated on a few borrowers (self-financing), ever shorter terms
and listings filled in seconds (秒标, maturity mismatch), fast growth.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from finsentry.risk.allocation import allocate
from finsentry.risk.panel import Panel, month_number
from finsentry.risk.weights import Item, Weights

Context = dict[str, np.ndarray]


@dataclass
class OperatingScores:
    """Points of every feature, counted points and score per platform and month."""

    panel: Panel
    weights: Weights
    keys: list[str]
    x: dict[str, np.ndarray]
    context: Context
    raw: np.ndarray
    counted: np.ndarray
    score: np.ndarray

    def level(self, p: int, m: int) -> str:
        """Return the level of platform p in month m."""
        return self.weights.level(int(self.score[p, m]))


def market_benchmark(panel: Panel, weights: Weights) -> np.ndarray:
    """Return each month's market yield: the reports' median, or the year's figure."""
    bench = weights.benchmark
    yields = np.where(panel.reported, panel.values["avg_yield"], np.nan)
    peers = np.sum(~np.isnan(yields), axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        median = np.nanmedian(yields, axis=0) if yields.size else np.zeros(0)
    years = np.array([int(m[:4]) for m in panel.months], dtype=np.int64)
    fallback = np.array(
        [bench["by_year"].get(int(y), bench["default"]) for y in years], dtype=float
    )
    return np.where(peers >= bench["min_peers"], median, fallback)


def _lag(a: np.ndarray, k: int) -> np.ndarray:
    """Return the panel shifted k months later: out[:, m] = a[:, m - k]."""
    out = np.full_like(a, np.nan)
    if k < a.shape[1]:
        out[:, k:] = a[:, : a.shape[1] - k]
    return out


def _before(a: np.ndarray, k: int, stat: Callable, least: int = 2) -> np.ndarray:
    """Return a statistic of the k months before each month (NaN with too few)."""
    stack = np.stack([_lag(a, i) for i in range(1, k + 1)])
    count = np.sum(~np.isnan(stack), axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = stat(stack, axis=0)
    return np.where(count >= least, value, np.nan)


def _ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """Return top / bottom, NaN where bottom is zero or missing."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(bottom > 0, top / bottom, np.nan)


def _streak(flags: np.ndarray) -> np.ndarray:
    """Return, per month, how many months in a row up to it a flag has held."""
    run = np.zeros(flags.shape, dtype=np.float64)
    for m in range(flags.shape[1]):
        previous = run[:, m - 1] if m else 0.0
        run[:, m] = np.where(flags[:, m], previous + 1, 0.0)
    return run


def feature_values(panel: Panel, weights: Weights) -> tuple[dict, Context]:
    """Return each feature's measured value per platform and month, and context."""
    v = panel.values

    def back(key: str, column: np.ndarray, stat: Callable, least: int = 2):
        feature = weights.features.get(key, _LOOKBACK)
        months = int(feature.params.get("months", 6))
        return _before(column, months, stat, least)

    def drop(key: str, column: str, stat: Callable, least: int = 2) -> np.ndarray:
        """Return the percent fall of a column from its look-back statistic."""
        return 100 * (1 - _ratio(v[column], back(key, v[column], stat, least)))

    def rise(key: str, column: np.ndarray) -> np.ndarray:
        """Return the rise of a column over its lowest value of the look-back."""
        return column - back(key, column, np.nanmin)

    bench = market_benchmark(panel, weights)
    spread = v["avg_yield"] - bench[np.newaxis, :]
    outflow = -v["net_inflow_30d"]
    growth = weights.features.get("fast_growth", _LOOKBACK)
    growth_months = int(growth.params.get("months", 6))
    x = {
        "yield_spread": spread,
        "yield_rising": rise("yield_rising", spread),
        "fill_collapse": drop("fill_collapse", "fill_minutes", np.nanmedian),
        "net_outflow": 100 * _ratio(outflow, v["balance"]),
        "outflow_streak": _streak(np.nan_to_num(v["net_inflow_30d"]) < 0),
        "volume_drop": drop("volume_drop", "volume", np.nanmean),
        "lender_drop": drop("lender_drop", "lenders", np.nanmax, 1),
        "lender_concentration_rising": rise(
            "lender_concentration_rising", v["top10_lender_share"]
        ),
        "borrower_concentration": v["top10_borrower_share"],
        "borrower_concentration_rising": rise(
            "borrower_concentration_rising", v["top10_borrower_share"]
        ),
        "term_shortening": drop("term_shortening", "avg_term", np.nanmax),
        "short_terms": v["avg_term"],
        "overdue_ratio": 100 * _ratio(v["overdue_amount"], v["balance"]),
        "fast_growth": 100
        * (_ratio(v["balance"], _lag(v["balance"], growth_months)) - 1),
    }
    x = {k: value for k, value in x.items() if k in weights.features}
    custody = weights.features.get("no_custody")
    if custody is not None:
        start = month_number(str(custody.params.get("from_month", "2000-01")))
        due = np.array([month_number(m) >= start for m in panel.months], dtype=bool)
        x["no_custody"] = np.where(~panel.custody & due[np.newaxis, :], 1.0, 0.0)
    scale = weights.features.get("large_scale")
    if scale is not None:
        large = (v["balance"] >= scale.params["balance"]) | (
            v["lenders"] >= scale.params["lenders"]
        )
        x["large_scale"] = large.astype(np.float64)
    context = {"benchmark": np.broadcast_to(bench, panel.shape), "outflow": outflow}
    return x, context


# The look-back of a feature the weights leave out (it is computed, not counted).
_LOOKBACK = Item("default", "growth", 0, params={"months": 6})


def graded_points(feature: Item, x: np.ndarray) -> np.ndarray:
    """Return whole points: none up to `from`, all at `full`, linear between."""
    if "from" not in feature.params:
        return np.where(np.nan_to_num(x) > 0, feature.points, 0).astype(np.int32)
    start, full = float(feature.params["from"]), float(feature.params["full"])
    with np.errstate(invalid="ignore"):
        share = np.clip((x - start) / (full - start), 0.0, 1.0)
    share = np.nan_to_num(share, nan=0.0)
    return np.rint(feature.points * share).astype(np.int32)


def score_panel(panel: Panel, weights: Weights) -> OperatingScores:
    """Return the operating score of every platform and month of a panel."""
    keys = list(weights.features)
    x, context = feature_values(panel, weights)
    rows, months = panel.shape
    raw = np.zeros((rows, months, len(keys)), dtype=np.int32)
    for j, key in enumerate(keys):
        points = graded_points(weights.features[key], x[key])
        raw[:, :, j] = np.where(panel.reported, points, 0)

    names = list(weights.dimensions)
    slot_dims = np.array([names.index(weights.features[k].dimension) for k in keys])
    caps = np.array([weights.cap(d) for d in names])
    flat = allocate(raw.reshape(rows * months, len(keys)), slot_dims, caps)
    counted = flat.reshape(rows, months, len(keys))
    score = counted.sum(axis=2)
    return OperatingScores(panel, weights, keys, x, context, raw, counted, score)
