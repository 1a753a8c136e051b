"""Plain records (JSON-ready dicts) of findings, cases and tasks for exports."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from finsentry.cases.dossier import CaseView
from finsentry.cases.models import VerificationTask
from finsentry.rules.catalogue import catalogue
from finsentry.rules.models import Finding


def _when(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def _who(user: Any) -> str:
    return user.get_username() if user is not None else ""


def finding_record(finding: Finding) -> dict[str, Any]:
    """Return one finding with its evidence, its code spelled out."""
    violation = catalogue().violations.get(finding.code)
    evidence = finding.evidence if isinstance(finding.evidence, dict) else {}
    return {
        "id": finding.pk,
        "code": finding.code,
        "name": violation.name if violation else "",
        "domain": finding.domain,
        "source": finding.source,
        "summary": finding.summary,
        "snippet": finding.snippet,
        "start": finding.start,
        "end": finding.end,
        "rule": finding.rule,
        "rule_version": finding.rule_version,
        "first_seen": _when(finding.first_seen),
        "last_seen": _when(finding.last_seen),
        "dismissed_at": _when(finding.dismissed_at),
        "dismissed_reason": finding.dismissed_reason,
        "snapshot": evidence.get("snapshot"),
        "url": evidence.get("url", ""),
        "evidence": evidence,
    }


def task_record(task: VerificationTask) -> dict[str, Any]:
    """Return a verification task with its records and their attachments."""
    return {
        "id": task.pk,
        "case": task.case_id,
        "method": task.method,
        "method_label": task.method_label,
        "domain": task.domain,
        "state": task.state,
        "due_date": task.due_date.isoformat(),
        "assigned_by": _who(task.assigned_by),
        "assignee_office": task.assignee_office.name,
        "assignee": _who(task.assignee),
        "instructions": task.instructions,
        "findings": [f.pk for f in task.findings.all()],
        "origin": task.origin,
        "created_at": _when(task.created_at),
        "completed_at": _when(task.completed_at),
        "records": [
            {
                "outcome": r.outcome,
                "outcome_label": r.get_outcome_display(),
                "checked_on": r.checked_on.isoformat(),
                "place": r.place,
                "people": r.people,
                "notes": r.notes,
                "confirmed_codes": r.confirmed_codes,
                "recorded_by": _who(r.recorded_by),
                "recorded_at": _when(r.recorded_at),
                "attachments": [
                    {"name": d.name, "sha256": d.sha256, "size": d.size}
                    for d in r.documents.all()
                ],
            }
            for r in task.records.all()
        ],
    }


def case_record(view: CaseView) -> dict[str, Any]:
    """Return a case with its decisions, orders, re-checks, referrals and timeline."""
    case = view.case
    return {
        "reference": case.reference,
        "domain": case.domain,
        "state": case.state,
        "state_label": case.state_enum.label,
        "disposition": case.disposition,
        "office": case.office.name,
        "opened_at": _when(case.opened_at),
        "closed_at": _when(case.closed_at),
        "origin": case.origin,
        "classifications": [
            {
                "disposition": c.disposition,
                "reasoning": c.reasoning,
                "findings": [f.pk for f in c.findings.all()],
                "tasks": [t.pk for t in c.tasks.all()],
                "decided_by": _who(c.decided_by),
                "decided_at": _when(c.decided_at),
            }
            for c in case.classifications.all()
        ],
        "orders": [
            {
                "sequence": o.order.sequence,
                "served_on": o.order.served_on.isoformat(),
                "days": o.order.days,
                "day_kind": o.order.day_kind,
                "due_date": o.order.due_date.isoformat(),
                "deadline_note": o.order.deadline_note,
                "demands": [d.text for d in o.order.demands.all()],
                "rechecks": [
                    {
                        "checked_on": r.checked_on.isoformat(),
                        "passed": r.passed,
                        "notes": r.notes,
                        "items": [
                            {"demand": i.demand.position, "met": i.met, "note": i.note}
                            for i in r.items.all()
                        ],
                    }
                    for r in o.rechecks
                ],
            }
            for o in view.orders
        ],
        "referrals": [
            {
                "organ_kind": r.organ_kind,
                "organ_name": r.organ_name,
                "referred_on": r.referred_on.isoformat(),
                "reference": r.reference,
                "package_sha256": r.package_sha256,
            }
            for r in case.referrals.all()
        ],
        "acceptances": [
            {
                "conclusion": a.conclusion,
                "accepted_by": _who(a.accepted_by),
                "accepted_at": _when(a.accepted_at),
            }
            for a in case.acceptances.all()
        ],
        "timeline": [
            {
                "at": _when(e.at),
                "kind": e.kind,
                "title": e.title,
                "note": e.note,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "actor": _who(e.actor),
            }
            for e in view.timeline
        ],
    }
