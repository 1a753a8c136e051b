"""The alert policy as data: critical codes, state time limits, BIG-01 thresholds.

Read from the packaged `data/alerts.yaml` once per process; pure values, so
the triggers and the escalation can be tested with a policy built by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from importlib import resources
from typing import Any

import yaml

# Alert levels, lowest first; a firm score's "low" never raises an alert.
LEVELS = ("watch", "high", "critical")
LEVEL_LABELS = {"watch": "关注", "high": "高", "critical": "严重"}


def level_rank(level: str) -> int:
    """Return the order of a level (-1 for "low" or anything unknown)."""
    return LEVELS.index(level) if level in LEVELS else -1


def higher(a: str, b: str) -> str:
    """Return the more severe of two levels."""
    return a if level_rank(a) >= level_rank(b) else b


@dataclass(frozen=True)
class BigPlatformRule:
    """The BIG-01 thresholds: what counts as large, fast-growing, and a sign."""

    large_balance_wan: float
    large_lenders: int
    growth_months: int
    growth_ratio: float
    sign_codes: tuple[str, ...]
    score_rise_points: int
    score_rise_months: int


@dataclass(frozen=True)
class AlertPolicy:
    """One version of the alert policy."""

    version: str
    critical_codes: frozenset[str]
    score_alert_min_level: str
    time_limits_hours: dict[str, dict[str, int]]
    big01: BigPlatformRule

    def time_limit(self, state: str, level: str) -> timedelta | None:
        """Return how long an alert of `level` may stay in `state` (None: no limit)."""
        hours = self.time_limits_hours.get(state, {}).get(level)
        return timedelta(hours=hours) if hours is not None else None


def parse_policy(raw: dict[str, Any]) -> AlertPolicy:
    """Return the policy of a parsed alerts.yaml mapping."""
    big = raw["big01"]
    return AlertPolicy(
        version=str(raw["version"]),
        critical_codes=frozenset(raw["critical_codes"]),
        score_alert_min_level=str(raw.get("score_alert_min_level", "watch")),
        time_limits_hours={
            state: {lvl: int(h) for lvl, h in limits.items()}
            for state, limits in raw["time_limits_hours"].items()
        },
        big01=BigPlatformRule(
            large_balance_wan=float(big["large_balance_wan"]),
            large_lenders=int(big["large_lenders"]),
            growth_months=int(big["growth_months"]),
            growth_ratio=float(big["growth_ratio"]),
            sign_codes=tuple(big["sign_codes"]),
            score_rise_points=int(big["score_rise_points"]),
            score_rise_months=int(big["score_rise_months"]),
        ),
    )


@cache
def policy() -> AlertPolicy:
    """Return the packaged alert policy, parsed once per process."""
    text = resources.files("finsentry.alerts").joinpath("data/alerts.yaml")
    return parse_policy(yaml.safe_load(text.read_text(encoding="utf-8")))
