"""Template tags that put risk scores on other apps' pages (the firm dossier)."""

from __future__ import annotations

from typing import Any

from django import template

from finsentry.docking.services import firm_reports
from finsentry.risk.models import FirmScore, LevelChange, PlatformMonthScore
from finsentry.risk.services import active_weights
from finsentry.risk.weights import LEVEL_LABELS
from finsentry.rules.models import Finding

register = template.Library()

SERIES = (
    "avg_yield",
    "balance",
    "net_inflow_30d",
    "top10_lender_share",
    "top10_borrower_share",
    "avg_term",
)


def _dimensions(score: FirmScore) -> list[dict[str, Any]]:
    """Return the breakdown grouped by dimension, in the weights' order."""
    weights = active_weights()
    labels = {k: label for k, (label, _) in weights.dimensions.items()}
    caps = {k: cap for k, (_, cap) in weights.dimensions.items()}
    ids = {i for item in score.breakdown or [] for i in item.get("findings", [])}
    findings = Finding.objects.in_bulk(list(ids))
    groups: dict[str, dict[str, Any]] = {}
    for item in score.breakdown or []:
        dim = item["dimension"]
        group = groups.setdefault(
            dim,
            {"key": dim, "label": labels.get(dim, dim), "cap": caps.get(dim)},
        )
        group["points"] = group.get("points", 0) + item["points"]
        cited = [findings[i] for i in item.get("findings", []) if i in findings]
        group.setdefault("items", []).append({**item, "cited": cited})
    order = list(labels)
    return sorted(groups.values(), key=lambda g: order.index(g["key"]))


def _series(firm: Any) -> list[dict[str, Any]]:
    """Return each platform's monthly series and operating scores for the chart."""
    platforms: dict[str, dict[str, Any]] = {}
    for report in firm_reports(firm):
        key = report.platform.key
        empty = {"platform": key, "months": [], "score": {}}
        entry = platforms.setdefault(key, {**empty, **{k: [] for k in SERIES}})
        entry["months"].append(report.month)
        for key in SERIES:
            entry[key].append(getattr(report, key))
    scores = PlatformMonthScore.objects.filter(platform__firm=firm)
    for row in scores.select_related("platform"):
        if row.platform.key in platforms:
            platforms[row.platform.key]["score"][row.month] = row.score
    for entry in platforms.values():
        entry["score"] = [entry["score"].get(m) for m in entry["months"]]
    return list(platforms.values())


@register.inclusion_tag("risk/firm_risk.html")
def firm_risk(firm: Any) -> dict[str, Any]:
    """Return a firm's score, level, breakdown, level history and operating series."""
    score = FirmScore.objects.filter(firm=firm).first()
    return {
        "score": score,
        "level_label": LEVEL_LABELS.get(score.level, "") if score else "",
        "dimensions": _dimensions(score) if score else [],
        "changes": list(LevelChange.objects.filter(firm=firm)[:20]),
        "series": _series(firm),
        "level_labels": LEVEL_LABELS,
    }
