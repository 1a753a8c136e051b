"""The three triggers, read from the tables other apps write in bulk.

A level change is read once past a watermark (`SweepMark`); a critical
finding and a BIG-01 combination are keyed, so `raising.raise_alert` turns
each into an alert once, even when a finding is linked to its firm late.
Each trigger says why, in the words staff read, and cites its evidence.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from finsentry.alerts import big01
from finsentry.alerts.models import AlertTrigger, Kind, SweepMark
from finsentry.alerts.policy import LEVEL_LABELS, AlertPolicy, level_rank
from finsentry.docking.models import Platform, PlatformReport
from finsentry.registry.models import Firm
from finsentry.risk.models import (
    FirmScore,
    LevelChange,
    PlatformMonthScore,
    Rescore,
)
from finsentry.rules.catalogue import catalogue
from finsentry.rules.models import Finding

CHUNK = 1000
LEVEL_NAMES = {"low": "低", **LEVEL_LABELS}


@dataclass
class Trigger:
    """One piece of evidence that should be an alert on a firm and domain."""

    firm_id: int
    domain: str
    level: str
    kind: str
    key: str
    text: str
    findings: list[int] = field(default_factory=list)
    scores: list[int] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    provincial: bool = False
    also_domains: tuple[str, ...] = ()

    def item(self) -> dict[str, Any]:
        """Return the evidence entry the alert keeps for this trigger."""
        return {
            "kind": self.kind,
            "key": self.key,
            "at": timezone.now().isoformat(),
            "level": self.level,
            "text": self.text,
            "findings": self.findings,
            "scores": self.scores,
            "facts": self.facts,
        }


def mark(name: str) -> SweepMark:
    """Return the watermark of a sweep, made at zero on first use."""
    found, _ = SweepMark.objects.get_or_create(name=name)
    return found


def _score_domain(firm: Firm, breakdown: list[dict[str, Any]] | None) -> str:
    """Return the domain the firm's points mostly come from, else its first
    screened domain, else "cross"."""
    violations = catalogue().violations
    points: dict[str, int] = defaultdict(int)
    for item in breakdown or []:
        kind, _, key = str(item.get("key", "")).partition(":")
        if kind == "code" and key in violations:
            points[violations[key].domain] += int(item.get("points", 0))
        elif kind == "op":
            # Operating data comes from docking, which is P2P lending's.
            points["p2p"] += int(item.get("points", 0))
    if points:
        return max(sorted(points), key=lambda d: points[d])
    return firm.domain_list[0] if firm.domain_list else "cross"


def level_triggers(rules: AlertPolicy) -> Iterator[tuple[Trigger | None, int]]:
    """Yield each level change past the watermark by id, with its trigger when it
    moved up to an alerting level (the caller moves the watermark)."""
    start = mark("level_change").last_id
    floor = level_rank(rules.score_alert_min_level)
    while True:
        changes = list(
            LevelChange.objects.filter(pk__gt=start)
            .select_related("firm")
            .order_by("pk")[:CHUNK]
        )
        if not changes:
            return
        firms = [c.firm_id for c in changes]
        scores = dict(
            FirmScore.objects.filter(firm_id__in=firms).values_list(
                "firm_id", "breakdown"
            )
        )
        for change in changes:
            rank = level_rank(change.new_level)
            if rank < floor or rank <= level_rank(change.old_level):
                yield None, change.pk
                continue
            breakdown = scores.get(change.firm_id) or []
            cited = [i for item in breakdown for i in item.get("findings", [])]
            old, new = LEVEL_NAMES[change.old_level], LEVEL_NAMES[change.new_level]
            text = (
                f"风险等级由“{old}”升至“{new}”"
                f"（{change.old_score} → {change.new_score} 分，"
                f"权重 {change.weights_version}）"
            )
            top = [item.get("text", "") for item in breakdown[:3]]
            yield (
                Trigger(
                    firm_id=change.firm_id,
                    domain=_score_domain(change.firm, breakdown),
                    level=change.new_level,
                    kind=Kind.LEVEL,
                    key=f"level:{change.pk}",
                    text=text,
                    findings=sorted(set(cited))[:20],
                    scores=[change.pk],
                    facts={
                        "old_level": change.old_level,
                        "new_level": change.new_level,
                        "old_score": change.old_score,
                        "new_score": change.new_score,
                        "top_items": [t for t in top if t],
                    },
                ),
                change.pk,
            )
        start = changes[-1].pk


def finding_triggers(
    rules: AlertPolicy, firm_ids: Iterable[int] | None = None
) -> Iterator[Trigger]:
    """Yield a trigger for each live critical finding of a firm not alerted yet."""
    findings = Finding.objects.filter(
        code__in=sorted(rules.critical_codes),
        firm__isnull=False,
        dismissed_at__isnull=True,
    )
    if firm_ids is not None:
        findings = findings.filter(firm_id__in=list(firm_ids))
    ids = list(findings.order_by("pk").values_list("pk", flat=True))
    names = catalogue().violations
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        keys = [f"finding:{i}" for i in chunk]
        done = set(
            AlertTrigger.objects.filter(key__in=keys).values_list("key", flat=True)
        )
        fresh = [i for i, k in zip(chunk, keys, strict=True) if k not in done]
        for finding in Finding.objects.filter(pk__in=fresh).order_by("pk"):
            violation = names.get(finding.code)
            name = violation.name if violation else finding.code
            assert finding.firm_id is not None
            yield Trigger(
                firm_id=finding.firm_id,
                domain=finding.domain,
                level="critical",
                kind=Kind.FINDING,
                key=f"finding:{finding.pk}",
                text=f"严重违规发现 {finding.code} {name}：{finding.summary}",
                findings=[finding.pk],
                facts={"code": finding.code, "source": finding.source},
                provincial=True,
            )


def _platform_months(
    firm_ids: list[int] | None,
) -> dict[int, list[tuple[int, list[big01.MonthFigures]]]]:
    """Return firm id → [(platform id, its months oldest first)] of linked platforms."""
    platforms = Platform.objects.filter(firm__isnull=False)
    if firm_ids is not None:
        platforms = platforms.filter(firm_id__in=firm_ids)
    owner = dict(platforms.values_list("pk", "firm_id"))
    months: dict[int, list[big01.MonthFigures]] = defaultdict(list)
    reports = PlatformReport.objects.filter(platform_id__in=list(owner)).order_by(
        "platform_id", "month"
    )
    for pid, month, balance, volume, lenders in reports.values_list(
        "platform_id", "month", "balance", "volume", "lenders"
    ).iterator(chunk_size=10_000):
        months[pid].append(big01.MonthFigures(month, balance, volume, lenders))
    by_firm: dict[int, list[tuple[int, list[big01.MonthFigures]]]] = defaultdict(list)
    for pid, series in months.items():
        by_firm[owner[pid]].append((pid, series))
    return by_firm


def _score_rises(
    rules: AlertPolicy, platform_ids: list[int], firm_id: int
) -> list[tuple[str, str]]:
    """Return (token, text) for each fast rise of the operating or firm score."""
    rule = rules.big01
    rises = []
    for pid in platform_ids:
        recent = list(
            PlatformMonthScore.objects.filter(platform_id=pid)
            .order_by("-month")
            .values_list("month", "score")[: rule.score_rise_months + 1]
        )
        if len(recent) > 1 and recent[0][1] - recent[-1][1] >= rule.score_rise_points:
            (month, now), (since, then) = recent[0], recent[-1]
            text = f"运营数据风险分 {since} 至 {month} 由 {then} 升至 {now}"
            rises.append((f"s{pid}-{month}", text))
    window = timezone.now() - timedelta(days=31 * rule.score_rise_months)
    changes = LevelChange.objects.filter(firm_id=firm_id, changed_at__gte=window)
    # The first scoring moves every firm up from nothing: that is no rise.
    first = Rescore.objects.filter(status="finished").order_by("pk").first()
    if first is not None:
        changes = changes.exclude(rescore=first)
    for change in changes:
        if change.new_score - change.old_score >= rule.score_rise_points:
            text = f"企业风险分由 {change.old_score} 升至 {change.new_score}"
            rises.append((f"c{change.pk}", text))
    return rises


def big01_triggers(
    rules: AlertPolicy, firm_ids: Iterable[int] | None = None
) -> Iterator[Trigger]:
    """Yield a BIG-01 trigger for each large or fast-growing platform's firm that
    shows a sign of illegal fund-raising (a combination not alerted yet)."""
    rule = rules.big01
    wanted = list(firm_ids) if firm_ids is not None else None
    names = catalogue().violations
    for firm_id, platforms in _platform_months(wanted).items():
        sized = [(pid, big01.size_facts(series, rule)) for pid, series in platforms]
        sized = [(pid, s) for pid, s in sized if s[0]]
        if not sized:
            continue
        signs = Finding.objects.filter(
            firm_id=firm_id, code__in=rule.sign_codes, dismissed_at__isnull=True
        ).order_by("pk")
        tokens = [
            (f"f{f.pk}", f"{f.code} {names[f.code].name if f.code in names else ''}")
            for f in signs
        ]
        tokens += _score_rises(rules, [pid for pid, _ in platforms], firm_id)
        if not tokens:
            continue
        pid, (size, facts) = sized[0]
        series = dict(platforms)[pid]
        found = big01.assess(series, [text for _, text in tokens], rule)
        if found is None:
            continue
        firm = Firm.objects.get(pk=firm_id)
        sign_ids = [f.pk for f in signs]
        domains = {f.domain for f in signs} | set(firm.domain_list)
        yield Trigger(
            firm_id=firm_id,
            domain=names["BIG-01"].domain if "BIG-01" in names else "cross",
            level="critical",
            kind=Kind.BIG01,
            key=_big01_key(firm_id, sorted(t for t, _ in tokens)),
            text=f"BIG-01 重大平台立即报告 · {found.text}",
            findings=sign_ids,
            facts={**found.facts, "platform": pid, "size": size, "signs": found.signs},
            provincial=True,
            also_domains=tuple(sorted(domains - {"cross"})),
        )


def _big01_key(firm_id: int, signs: list[str]) -> str:
    """Return the trigger key of a firm's set of BIG-01 signs.

    A long set is keyed by its digest: cutting it short would make a new sign
    past the cut look like a combination already alerted.
    """
    key = f"big01:{firm_id}:{','.join(signs)}"
    if len(key) <= 200:
        return key
    digest = hashlib.sha256(",".join(signs).encode()).hexdigest()
    return f"big01:{firm_id}:sha256:{digest}"
