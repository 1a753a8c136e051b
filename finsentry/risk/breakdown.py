"""A firm's score breakdown: each counted item with its findings and facts.

The breakdown is what the firm page shows and what an alert cites; its
items' points add up to the score, items a cap cut to nothing included.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from finsentry.risk.explain import feature_facts, feature_text
from finsentry.risk.firm_scoring import Evidence, FirmScores, OperatingPart
from finsentry.risk.operating import OperatingScores
from finsentry.rules.catalogue import catalogue

MAX_IDS = 20
SOURCE_NAMES = {
    "tips": "公众举报",
    "opinion": "舆情",
    "funds": "资金监测",
    "products": "产品备案",
    "docking": "网站对接",
    "verify": "核查",
    "web": "网上巡查",
}


def _finding_ids(evidence: Evidence, groups: list[int]) -> tuple[list[int], int]:
    """Return up to MAX_IDS finding ids of some groups, lowest first, and the count."""
    ids: list[int] = []
    for g in groups:
        ids += [int(i) for i in evidence.ids[g].split(",") if i]
    ids.sort()
    return ids[:MAX_IDS], len(ids)


def firm_breakdown(
    row: int,
    scores: FirmScores,
    evidence: Evidence,
    operating: OperatingPart,
    panel_scores: OperatingScores | None,
) -> list[dict[str, Any]]:
    """Return the items of firm row `row` of `scores`, largest points first."""
    names = catalogue().violations
    items = []
    for j in np.flatnonzero(scores.raw[row]).tolist():
        kind, key = scores.slots[j]
        item: dict[str, Any] = {
            "dimension": scores.slot_items[j].dimension,
            "key": f"{kind}:{key}",
            "points": int(scores.counted[row, j]),
            "raw": int(scores.raw[row, j]),
            "findings": [],
            "facts": {},
        }
        if kind == "op":
            i = scores.operating_row[row]
            p, m = operating.cells[i]
            if panel_scores is not None:
                facts = feature_facts(panel_scores, p, m, key)
                item["facts"] = facts
                item["text"] = f"{facts['month']} {feature_text(key, facts)}"
            else:
                item["text"] = key
        else:
            groups = scores.evidence_rows.get((row, f"{kind}:{key}"), [])
            ids, count = _finding_ids(evidence, groups)
            item["findings"] = ids
            item["facts"] = {"count": count}
            if kind == "code":
                title = names[key].name if key in names else key
                item["text"] = f"{key} {title}：发现 {count} 条"
            else:
                item["text"] = f"来自{SOURCE_NAMES.get(key, key)}的发现 {count} 条"
        items.append(item)
    items.sort(key=lambda i: (-i["points"], -i["raw"], i["key"]))
    return items
