"""Explanations of scores in the words staff read: one line per counted item."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from finsentry.risk.operating import OperatingScores

# What each operating feature measured; {x} is its value, {months} its look-back.
FEATURE_TEXTS = {
    "yield_spread": (
        "平均年化收益率 {avg_yield:.1f}%，高于当月市场基准 {benchmark:.1f}% "
        "共 {x:.1f} 个百分点"
    ),
    "yield_rising": "收益率溢价较前 {months} 个月最低点上升 {x:.1f} 个百分点",
    "fill_collapse": (
        "平均满标时间 {fill_minutes:.0f} 分钟，较前 {months} 个月中位数缩短 {x:.0f}%"
    ),
    "net_outflow": "近30日资金净流出 {outflow:.0f} 万元，占借贷余额 {x:.1f}%",
    "outflow_streak": "连续 {x:.0f} 个月资金净流出",
    "volume_drop": "当月成交额较前 {months} 个月均值下降 {x:.0f}%",
    "lender_drop": "活跃出借人数较前 {months} 个月最多时减少 {x:.0f}%",
    "lender_concentration_rising": (
        "前十大出借人待收占比 {top10_lender_share:.1f}%，"
        "较前 {months} 个月最低值上升 {x:.1f} 个百分点"
    ),
    "borrower_concentration": "前十大借款人待还占比 {x:.1f}%",
    "borrower_concentration_rising": (
        "前十大借款人待还占比 {top10_borrower_share:.1f}%，"
        "较前 {months} 个月最低值上升 {x:.1f} 个百分点"
    ),
    "term_shortening": (
        "平均借款期限 {avg_term:.1f} 个月，较前 {months} 个月最长时缩短 {x:.0f}%"
    ),
    "short_terms": "平均借款期限仅 {x:.1f} 个月",
    "overdue_ratio": "逾期金额占借贷余额 {x:.1f}%",
    "no_custody": "未报送资金存管银行",
    "fast_growth": "借贷余额 {months} 个月增长 {x:.0f}%",
    "large_scale": (
        "借贷余额 {balance:.0f} 万元、活跃出借人 {lenders:.0f} 人，达到大型平台标准"
    ),
}


@dataclass
class Explained:
    """One counted item of a score: where its points went and what gave them."""

    dimension: str
    key: str
    points: int
    raw: int
    text: str
    findings: list[int] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Return the item as stored in a score's breakdown."""
        return {
            "dimension": self.dimension,
            "key": self.key,
            "points": self.points,
            "raw": self.raw,
            "text": self.text,
            "findings": self.findings,
            "facts": self.facts,
        }


def _clean(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 2)


def feature_facts(scores: OperatingScores, p: int, m: int, key: str) -> dict:
    """Return the measured values behind one feature of platform p in month m."""
    panel = scores.panel
    facts: dict[str, Any] = {"month": panel.months[m], "platform": panel.platforms[p]}
    facts["x"] = _clean(scores.x[key][p, m])
    for name, grid in panel.values.items():
        facts[name] = _clean(grid[p, m])
    for name, grid in scores.context.items():
        facts[name] = _clean(grid[p, m])
    facts["months"] = int(scores.weights.features[key].params.get("months", 6))
    return facts


def feature_text(key: str, facts: dict[str, Any]) -> str:
    """Return the sentence that explains a feature from its facts."""
    values = {k: (math.nan if v is None else v) for k, v in facts.items()}
    return FEATURE_TEXTS[key].format(**values)


def explain_month(scores: OperatingScores, p: int, m: int) -> list[Explained]:
    """Return the counted items of platform p's operating score in month m."""
    items = []
    for j, key in enumerate(scores.keys):
        raw = int(scores.raw[p, m, j])
        if raw == 0:
            continue
        facts = feature_facts(scores, p, m, key)
        items.append(
            Explained(
                scores.weights.features[key].dimension,
                f"op:{key}",
                int(scores.counted[p, m, j]),
                raw,
                feature_text(key, facts),
                facts=facts,
            )
        )
    return sorted(items, key=lambda e: (-e.points, e.key))
