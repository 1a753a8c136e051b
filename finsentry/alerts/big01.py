"""BIG-01, pure: is a platform large or fast-growing, and does it show signs?

Plan 四(二)4: a platform with large funds or many investors, or expanding
fast, that shows signs of illegal fund-raising is reported to the provincial
office at once, whatever its score. `assess` decides over plain values (one
platform's monthly reports, oldest first, and the signs found elsewhere) and
says why, so the alert can explain itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from finsentry.alerts.policy import BigPlatformRule


@dataclass(frozen=True)
class MonthFigures:
    """The figures of one reported month that BIG-01 reads."""

    month: str
    balance: float
    volume: float
    lenders: int


@dataclass
class BigPlatform:
    """Why a platform meets BIG-01: its size or growth facts and its signs."""

    month: str
    size: list[str] = field(default_factory=list)
    signs: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """Return the one-line explanation staff read on the alert."""
        return f"{self.month}：{'；'.join(self.size)}；{'；'.join(self.signs)}"


def size_facts(
    months: Sequence[MonthFigures], rule: BigPlatformRule
) -> tuple[list[str], dict[str, Any]]:
    """Return why the latest month counts as large or fast-growing (empty: it does
    not), and the figures behind it."""
    if not months:
        return [], {}
    last = months[-1]
    reasons: list[str] = []
    facts: dict[str, Any] = {
        "month": last.month,
        "balance": last.balance,
        "lenders": last.lenders,
    }
    if last.balance >= rule.large_balance_wan:
        bar = rule.large_balance_wan
        reasons.append(f"借贷余额 {last.balance:,.0f} 万元，超过 {bar:,.0f} 万元")
    if last.lenders >= rule.large_lenders:
        reasons.append(f"出借人 {last.lenders:,} 人，超过 {rule.large_lenders:,} 人")
    if len(months) > rule.growth_months:
        base = months[-1 - rule.growth_months]
        for name, label, now, then in (
            ("balance", "借贷余额", last.balance, base.balance),
            ("volume", "成交额", last.volume, base.volume),
        ):
            if then > 0 and now / then - 1 >= rule.growth_ratio:
                growth = now / then - 1
                facts[f"{name}_growth"] = round(growth, 3)
                facts["growth_since"] = base.month
                reasons.append(
                    f"{label}较 {base.month} 增长 {growth:.0%}"
                    f"（{rule.growth_months} 个月内）"
                )
    return reasons, facts


def assess(
    months: Sequence[MonthFigures], signs: Sequence[str], rule: BigPlatformRule
) -> BigPlatform | None:
    """Return why the platform meets BIG-01, or None when it is not large or
    fast-growing or shows no sign of illegal fund-raising."""
    size, facts = size_facts(months, rule)
    if not size or not signs:
        return None
    return BigPlatform(
        month=months[-1].month, size=size, signs=list(signs), facts=facts
    )
