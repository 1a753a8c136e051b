"""Writing the case timeline and the audit trail for each change.

Every write of the case workflow calls `log` once, in its own transaction:
the timeline entry is what the dossier shows, the audit entry what the
administrators search (accounts/audit.py). Both commit with the change or
not at all.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model
from django.utils import timezone

from finsentry.accounts import audit
from finsentry.cases.models import Case, TimelineEntry, VerificationTask
from finsentry.registry.models import Firm

# The audit page's words for the actions this app records.
AUDIT_ACTIONS = {
    "case.open": "立案",
    "case.transition": "案件流转",
    "case.note": "案件备注或材料",
    "case.view": "查看案件",
    "case.reminders": "发送到期提醒",
    "task.assign": "下达核查任务",
    "task.record": "填报核查结果",
    "task.cancel": "撤销核查任务",
    "task.view": "查看核查任务",
    "dossier.export_word": "导出企业档案（Word）",
    "dossier.export_package": "导出证据包",
    "document.download": "下载档案文件",
}
for _action, _label in AUDIT_ACTIONS.items():
    audit.register_action(_action, _label)


def log(
    firm: Firm,
    kind: str,
    title: str,
    *,
    actor: User | None,
    case: Case | None = None,
    task: VerificationTask | None = None,
    note: str = "",
    from_state: str = "",
    to_state: str = "",
    audit_action: str = "",
    audit_obj: Model | None = None,
    **detail: Any,
) -> TimelineEntry:
    """Append a timeline entry (and, with `audit_action`, an audit entry)."""
    entry = TimelineEntry.objects.create(
        firm=firm,
        case=case,
        task=task,
        kind=kind,
        title=title[:200],
        note=note,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        at=timezone.now(),
        detail=detail,
    )
    if audit_action:
        target = audit_obj or case or task
        audit.record(
            actor,
            audit_action,
            target,
            firm=firm,
            kind=kind,
            source=from_state,
            target=to_state,
            **detail,
        )
    return entry
