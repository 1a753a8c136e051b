"""Chinese wording of patrol records for people: link evidence and site events.

`Site.link_evidence` and `SiteEvent.detail` are JSON written for machines
(linking.py and changes.py); these functions say the same in the words an
inspector reads on the site page, the unlinked queue and the firm's dossier.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone

from finsentry.patrol.models import FetchFailure, Site, SiteEvent

LEVEL_LABELS = {
    "uscc": "页面信用代码",
    "icp": "ICP备案号",
    "website": "登记网址",
    "name": "企业名称",
}
NOTE_LABELS = {
    "usccs_unregistered": "页面上的信用代码未在登记信息中",
    "icps_unfiled": "ICP备案号不在已导入的备案清单中",
    "icps_other_domain": "ICP备案号备案于其他域名（疑似冒用）",
    "icp_holders_unregistered": "ICP备案主办单位未在登记信息中",
}
_FAILURES = dict(FetchFailure.Kind.choices)


def _candidate(c: Mapping[str, Any]) -> str:
    """Return one candidate as '长春某某公司（页面信用代码 9122…）'."""
    via = LEVEL_LABELS.get(str(c.get("via", "")), str(c.get("via", "")))
    basis = f"{via} {c.get('detail', '')}".strip()
    score = c.get("score")
    if c.get("via") == "name" and score is not None and float(score) < 100:
        basis += f"，相似度 {float(score):.0f}"
    name = c.get("name") or c.get("uscc") or ""
    return f"{name}（{basis}）" if name else basis


def _when(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


def link_basis(evidence: Mapping[str, Any] | None) -> list[str]:
    """Return the lines that say why a site is linked to its firm, or why not."""
    if not evidence:
        return []
    lines: list[str] = []
    if "by" in evidence and "outcome" not in evidence:
        when = _when(str(evidence.get("at", "")))
        return [f"由 {evidence['by'] or '（未知用户）'} 于 {when} 人工关联"]
    if "website" in evidence and "outcome" not in evidence:
        return [f"登记信息中的网址：{evidence['website']}"]

    for c in evidence.get("basis", []):
        lines.append(f"依据：{_candidate(c)}")
    if evidence.get("reason"):
        lines.append(str(evidence["reason"]))
    others = evidence.get("disagreeing") or []
    if others:
        lines.append("其他线索指向：" + "；".join(_candidate(c) for c in others))
    if evidence.get("outcome") == "ambiguous":
        candidates = evidence.get("candidates") or []
        if candidates:
            lines.append("候选企业：" + "；".join(_candidate(c) for c in candidates))
    for key, label in NOTE_LABELS.items():
        values = evidence.get(key) or []
        if values:
            lines.append(f"{label}：{'、'.join(str(v) for v in values)}")
    return lines


def unlinked_reasons(site: Site) -> list[str]:
    """Return why no firm is linked to a site: its evidence, or what kept it unread."""
    lines = link_basis(site.link_evidence)
    if lines:
        return lines
    if site.last_crawled_at is None:
        return ["尚未巡查"]
    if site.status == Site.Status.BLOCKED:
        return [
            "robots.txt 禁止抓取，未读取到页面；如确需巡查，可在网站页说明原因后忽略"
        ]
    if site.status == Site.Status.DARK:
        return ["网站无法访问，未读取到页面"]
    return ["页面上没有信用代码、ICP备案号或可识别的企业名称"]


def _pages_changed(detail: Mapping[str, Any]) -> str:
    parts = []
    for key, label in (
        ("added", "新增页面"),
        ("removed", "消失页面"),
        ("changed", "改动页面"),
    ):
        count = int(detail.get(key) or 0)
        if count:
            parts.append(f"{label} {count} 个")
    return "、".join(parts)


def event_detail(kind: str, detail: Mapping[str, Any] | None) -> str:
    """Return the particulars of a site event in a few words ('' when none)."""
    data = detail or {}
    text = ""
    if kind == SiteEvent.Kind.WENT_DARK and data.get("failure"):
        text = f"首页{_failure(data['failure'])}"
    elif kind == SiteEvent.Kind.BACK_ONLINE and data.get("previous_failure"):
        text = f"上一轮{_failure(data['previous_failure'])}"
    elif kind == SiteEvent.Kind.REDIRECTED and data.get("to"):
        text = f"{data.get('from', '')} → {data['to']}"
    elif kind == SiteEvent.Kind.CONTENT_CHANGED:
        text = _pages_changed(data)
    elif kind in (SiteEvent.Kind.FINDING_NEW, SiteEvent.Kind.FINDING_VANISHED):
        text = " ".join(str(v) for v in (data.get("code"), data.get("summary")) if v)
    return text or str(data.get("summary", ""))


def _failure(kind: object) -> str:
    return _FAILURES.get(str(kind), str(kind))
