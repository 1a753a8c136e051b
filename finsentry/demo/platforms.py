"""Seeded monthly operating reports of the demo province's P2P platforms, with truth.

The platforms are the planted P2P firms of the registry that run a website.
Each reports every month from its launch (2013 at the earliest) until it
fails, exits or the data end (2019-12). The truth says which fail and when.

Failures are drawn after the paths real platforms took in 2015-2019:
  ponzi      high yields raised further, loans to a few related borrowers
             (自融), ever shorter terms and listings filled in seconds
  run        bad loans surface: money and lenders leave, the platform raises
             yields and shortens terms to stem the run, overdue loans grow
  expansion  months of very fast growth at high yields, then a run
  sudden     walks away with little warning in its reports (跑路)
Each failing platform shows its signs with its own strength (some report
figures that look normal), and healthy platforms have promotions (加息),
seasonal and market-wide outflows (2018-07), high yields of their own and
orderly exits (良性退出) that shrink the way a failure does. The same seed
gives the same reports; a platform's reports depend only on the seed and
its own credit code, not on how many platforms there are.
"""

from __future__ import annotations

import csv
import hashlib
import math
import os
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import cast
from zlib import crc32

from finsentry.demo.firms import DemoFirm
from finsentry.docking.columns import CANONICAL as REPORT_COLUMNS

FIRST_MONTH = 2013 * 12  # 2013-01
LAST_MONTH = 2019 * 12 + 11  # 2019-12
# Industry average yields by year (a smooth curve runs through mid-years).
MARKET_YIELD = {2013: 21.3, 2014: 17.9, 2015: 13.3, 2016: 10.5, 2017: 9.5,
                2018: 9.8, 2019: 9.6}  # fmt: skip
FAILURE_KINDS = (("ponzi", 0.3), ("run", 0.35), ("expansion", 0.15), ("sudden", 0.2))
# Failure waves: the 2015-2016 e租宝 era, the 2018 summer, the 2019 clear-out.
FAILURE_WAVES = (
    ((2015 * 12 + 5, 2016 * 12 + 11), 0.3),
    ((2018 * 12 + 3, 2018 * 12 + 11), 0.5),
    ((2019 * 12, 2019 * 12 + 10), 0.2),
)
TRUTH_COLUMNS = ("platform", "uscc", "name", "outcome", "kind", "first_month",
                 "last_month", "failed_month")  # fmt: skip


@dataclass(frozen=True)
class PlatformTruth:
    """What happened to a demo platform: failed (with kind and month), exited, alive."""

    platform: str
    uscc: str
    name: str
    outcome: str
    kind: str
    first_month: str
    last_month: str
    failed_month: str

    def row(self) -> tuple[str, ...]:
        """Return the truth in TRUTH_COLUMNS order."""
        return tuple(getattr(self, c) for c in TRUTH_COLUMNS)


def month_text(number: int) -> str:
    """Return the YYYY-MM of a month count."""
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def market_yield(month: int) -> float:
    """Return the simulated industry yield of a month, interpolated between years."""
    position = month / 12 - 0.5
    low = max(2013, min(2019, math.floor(position)))
    high = min(2019, low + 1)
    share = min(1.0, max(0.0, position - low))
    return MARKET_YIELD[low] * (1 - share) + MARKET_YIELD[high] * share


def is_platform(firm: DemoFirm) -> bool:
    """Return True for a planted P2P firm with a website, founded by 2018."""
    year = firm.established[:4]
    return firm.truth == "suspect:p2p" and bool(firm.website) and year <= "2018"


def _draw(rng: random.Random, choices: Iterable[tuple[object, float]]) -> object:
    roll, total = rng.random(), 0.0
    items = list(choices)
    for value, weight in items:
        total += weight
        if roll < total:
            return value
    return items[-1][0]


def _plan(firm: DemoFirm, rng: random.Random) -> tuple[int, int, str, str, int]:
    """Return first month, last month, outcome, failure kind and failure month."""
    founded = int(firm.established[:4]) * 12 + rng.randrange(12)
    first = max(FIRST_MONTH, founded + rng.randrange(1, 7))
    roll = rng.random()
    if roll < 0.45:
        low, high = cast(tuple[int, int], _draw(rng, FAILURE_WAVES))
        failed = max(rng.randint(low, high), first + 9)
        if failed <= LAST_MONTH:
            kind = str(_draw(rng, FAILURE_KINDS))
            return first, failed - 1, "failed", kind, failed
    if roll < 0.65:
        exited = max(rng.randint(2017 * 12 + 5, 2019 * 12 + 10), first + 12)
        if exited <= LAST_MONTH:
            return first, exited - 1, "exited", "", 0
    return first, LAST_MONTH, "healthy", "", 0


def _series(
    rng: random.Random, first: int, last: int, outcome: str, kind: str, failed: int
) -> list[dict[str, object]]:
    """Return the monthly reports of one platform from `first` to `last`."""
    consumer = rng.random() < 0.6
    honest = rng.random() < 0.6
    spread = rng.gauss(0.4, 1.2) + (rng.uniform(2, 4) if rng.random() < 0.15 else 0)
    if kind == "ponzi":
        spread += rng.uniform(1.5, 4.0)
    balance = math.exp(rng.gauss(math.log(2000), 0.8))
    target = math.exp(rng.gauss(math.log(30000), 1.0))
    pace = rng.uniform(0.03, 0.09)
    term = rng.uniform(2.5, 6) if consumer else rng.uniform(6, 14)
    lend_each = rng.uniform(1.5, 6.0)
    borrow_each = rng.uniform(0.5, 5.0) if consumer else rng.uniform(50, 400)
    lender_top = rng.uniform(5, 20)
    borrower_top = rng.uniform(1, 8) if consumer else rng.uniform(12, 40)
    fill = math.exp(rng.gauss(math.log(150), 0.7))
    overdue = rng.uniform(0.5, 3.0)
    custody_from = rng.randint(2016 * 12 + 9, 2018 * 12 + 6)
    has_custody = rng.random() < (0.35 if outcome == "failed" else 0.85)
    bank = rng.choice(("吉林银行", "九台农商银行", "江西银行", "厦门银行", "新网银行"))
    window = rng.randint(3, 12)
    strength = rng.uniform(0.0, 0.25) if kind == "sudden" else rng.uniform(0.5, 1.0)
    boom = rng.randint(6, 12) if kind == "expansion" else 0
    shrink = rng.randint(6, 12) if outcome == "exited" else 0
    bumps = 0

    rows, previous = [], balance
    for month in range(first, last + 1):
        # s rises from 0 to 1 over the months before the failure.
        to_go = failed - month if failed else 10**6
        s = strength * max(0.0, 1 - (to_go - 1) / window) if to_go <= window else 0.0
        growth = pace * (1 - balance / target) + rng.gauss(0, 0.025)
        if month % 12 in (0, 1):
            growth -= 0.015
        if month in (2018 * 12 + 6, 2018 * 12 + 7):
            growth -= rng.uniform(0.03, 0.1)
        if boom and 0 < to_go - window <= boom:
            growth += 0.12
        if kind in ("run", "expansion", "sudden"):
            growth -= 0.16 * s
        elif kind == "ponzi":
            growth += 0.06 * s if s < 0.6 else -0.2 * (s - 0.6)
        if shrink and last - month < shrink:
            growth = -rng.uniform(0.08, 0.2)
        balance = max(50.0, balance * (1 + growth))

        if bumps == 0 and rng.random() < 0.04:
            bumps = rng.randint(1, 2)
        bump = rng.uniform(1, 3) if bumps else 0.0
        bumps = max(0, bumps - 1)
        lift = {"ponzi": 5.0, "run": 3.0, "expansion": 3.5}.get(kind, 1.0) * s
        if boom and 0 < to_go - window <= boom:
            lift += 3.0
        rate = market_yield(month) + spread + bump + lift + rng.gauss(0, 0.3)

        short = {"ponzi": 0.65, "run": 0.4, "expansion": 0.4}.get(kind, 0.2) * s
        this_term = max(0.1, term * (1 - short) * math.exp(rng.gauss(0, 0.05)))
        drop = {"run": 0.7, "expansion": 0.6, "sudden": 0.5}.get(kind, 0.2) * s
        if shrink and last - month < shrink:
            drop = 0.6
        volume = balance / term * (1 - drop) * math.exp(rng.gauss(0, 0.1))
        volume += max(0.0, balance - previous)
        inflow = (balance - previous) * rng.uniform(0.6, 1.0)
        inflow += rng.gauss(0, 0.01) * balance
        leave = {"run": 0.5, "expansion": 0.4, "ponzi": 0.2}.get(kind, 0.1) * s
        lenders = balance / lend_each * (1 - leave) * math.exp(rng.gauss(0, 0.05))
        heat = 1 - {"ponzi": 0.9, "expansion": 0.6}.get(kind, 0.0) * s
        if kind == "run":
            heat = 1 + 2 * s
        minutes = fill * heat * math.exp(rng.gauss(0, 0.25))
        self_lent = {"ponzi": 30.0, "sudden": 10.0}.get(kind, 4.0) * s
        bad = overdue + (
            {"run": 7.0, "expansion": 6.0}.get(kind, 2.0) * s if honest else 0
        )
        previous = balance

        lender_share = lender_top + 12 * leave + rng.gauss(0, 1.2)
        borrower_share = borrower_top + self_lent + rng.gauss(0, 1.2)
        overdue_share = max(0.0, bad + rng.gauss(0, 0.2)) / 100
        custodian = bank if has_custody and month >= custody_from else ""
        rows.append(
            {
                "month": month_text(month),
                "volume": round(volume, 2),
                "balance": round(balance, 2),
                "lenders": max(1, round(lenders)),
                "borrowers": max(1, round(balance / borrow_each)),
                "avg_yield": round(min(60.0, max(3.0, rate)), 2),
                "avg_term": round(this_term, 2),
                "avg_lend_amount": round(lend_each * _jitter(rng), 2),
                "avg_borrow_amount": round(borrow_each * _jitter(rng), 2),
                "fill_minutes": round(max(0.2, minutes), 1),
                "net_inflow_30d": round(inflow, 2),
                "top10_lender_share": round(min(95.0, max(0.5, lender_share)), 2),
                "top10_borrower_share": round(min(98.0, max(0.2, borrower_share)), 2),
                "loan_count": max(1, round(volume / max(0.3, borrow_each))),
                "overdue_amount": round(balance * overdue_share, 2),
                "custody_bank": custodian,
            }
        )
    return rows


def _jitter(rng: random.Random) -> float:
    """Return a small multiplicative noise around 1."""
    return math.exp(rng.gauss(0, 0.05))


def demo_platforms(
    firms: Iterable[DemoFirm], seed: int = 2016
) -> Iterator[tuple[PlatformTruth, list[dict[str, object]]]]:
    """Yield each demo platform's truth and monthly reports, in registry order."""
    for firm in firms:
        if not is_platform(firm):
            continue
        rng = random.Random(crc32(f"{seed}:platform:{firm.uscc}".encode()))
        first, last, outcome, kind, failed = _plan(firm, rng)
        # One platform in ten reports under its own platform id, not its code.
        key = "JLP2P-" + hashlib.sha1(firm.uscc.encode()).hexdigest()[:10].upper()
        platform = key if rng.random() < 0.1 else firm.uscc
        rows = _series(rng, first, last, outcome, kind, failed)
        truth = PlatformTruth(
            platform,
            firm.uscc,
            firm.name,
            outcome,
            kind,
            month_text(first),
            month_text(last),
            month_text(failed) if failed else "",
        )
        yield truth, [{"platform": platform, **row} for row in rows]


def write_platform_files(
    reports_path: str | os.PathLike[str],
    truth_path: str | os.PathLike[str],
    firms: Iterable[DemoFirm],
    seed: int = 2016,
) -> list[PlatformTruth]:
    """Write the reports (docking format) and the truth as UTF-8 CSV; return truth."""
    truths = []
    with open(reports_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(REPORT_COLUMNS))
        writer.writeheader()
        for truth, rows in demo_platforms(firms, seed):
            writer.writerows(rows)
            truths.append(truth)
    with open(truth_path, "w", encoding="utf-8", newline="") as handle:
        writer_t = csv.writer(handle)
        writer_t.writerow(TRUTH_COLUMNS)
        writer_t.writerows(t.row() for t in truths)
    return truths
