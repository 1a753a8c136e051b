"""Verification tasks (plan 四(二)3): assign, record the result, cancel.

An office gives a city or county group (and optionally one inspector in it)
the check of one firm by one of the four methods, by a due date, usually
citing findings. The task belongs to the firm's open case in its domain,
which assigning opens if there is none. The inspector's record is never
edited: a second visit adds a second record. Codes the check confirms become
findings of source "verify", which the classification can then cite.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from finsentry.accounts import scoping
from finsentry.accounts.models import Office
from finsentry.accounts.roles import Role
from finsentry.cases import access, documents, timeline
from finsentry.cases.errors import PreconditionFailed
from finsentry.cases.models import Document, VerificationRecord, VerificationTask
from finsentry.cases.transitions import TASK_TRANSITIONS, TaskState, check
from finsentry.notices import services as notices
from finsentry.registry.models import Firm
from finsentry.rules.catalogue import catalogue
from finsentry.rules.models import Finding

SOURCE = "verify"
RULE = "cases.verification"


def _findings_of(firm: Firm, findings: Iterable[Finding | int]) -> list[Finding]:
    ids = [f if isinstance(f, int) else f.pk for f in findings]
    found = list(Finding.objects.filter(pk__in=ids, firm=firm))
    if len(found) != len(set(ids)):
        raise PreconditionFailed("所引用的发现不属于该企业，请从该企业的档案中选择。")
    return found


@transaction.atomic
def assign_task(
    user: User,
    firm: Firm,
    *,
    domain: str,
    method: str,
    due_date: date,
    assignee_office: Office,
    assignee: User | None = None,
    instructions: str = "",
    findings: Iterable[Finding | int] = (),
    origin: str = "",
) -> VerificationTask:
    """Give a city or county office the check of `firm` and return the task.

    Opens the firm's case in `domain` when it has none open. `origin` names
    what the task came from (for example "alert:17") for the app that made it.
    """
    check(TASK_TRANSITIONS, "assign", "", scoping.role_of(user))
    access.check_scope(user, firm, domain)
    access.check_assignee(user, firm, assignee_office)
    if method not in catalogue().verification_methods:
        raise PreconditionFailed(f"未知的核查方式：{method}")
    if due_date < timezone.localdate():
        raise PreconditionFailed("完成期限不能早于今天。")
    if assignee is not None:
        _check_inspector(assignee, assignee_office)
    cited = _findings_of(firm, findings)

    from finsentry.cases.services import ensure_case

    case = ensure_case(user, firm, domain, findings=cited, origin=origin)
    task = VerificationTask.objects.create(
        case=case,
        firm=firm,
        domain=domain,
        method=method,
        instructions=instructions,
        due_date=due_date,
        assigned_by=user,
        assigned_by_office=access.office_of(user),
        assignee_office=assignee_office,
        assignee=assignee,
        origin=origin,
        created_at=timezone.now(),
    )
    task.findings.set(cited)

    who = access.display_name(assignee) if assignee else assignee_office.name
    timeline.log(
        firm,
        "task_assigned",
        f"下达核查任务：{task.method_label}（{who}，{due_date:%Y-%m-%d} 前完成）",
        actor=user,
        case=case,
        task=task,
        note=instructions,
        to_state=TaskState.ASSIGNED,
        audit_action="task.assign",
        audit_obj=task,
        findings=[f.pk for f in cited],
    )
    recipients = [assignee] if assignee is not None else []
    notices.notify_office(
        [] if assignee is not None else [assignee_office.pk],
        f"新核查任务：{firm.name}（{task.method_label}）",
        kind="task_assigned",
        roles=[Role.INSPECTOR.value, Role.LOCAL_OFFICER.value],
        extra=recipients,
        body=f"请于 {due_date:%Y年%m月%d日} 前完成{task.method_label}并填报结果。",
        url=f"/cases/tasks/{task.pk}/",
        firm_id=firm.pk,
    )
    return task


def _check_inspector(person: User, office: Office) -> None:
    profile = access.profile_of(person)
    if profile is None or profile.office_id != office.pk or not person.is_active:
        raise PreconditionFailed(f"所选人员不是“{office.name}”的在岗人员。")
    if profile.role_enum not in (Role.INSPECTOR, Role.LOCAL_OFFICER):
        raise PreconditionFailed("核查任务只能交给核查人员或市县工作人员。")


@transaction.atomic
def record_result(
    user: User,
    task: VerificationTask,
    *,
    outcome: str,
    notes: str,
    checked_on: date,
    place: str = "",
    people: str = "",
    confirmed_codes: Sequence[str] = (),
    files: Iterable[documents.Upload] = (),
) -> VerificationRecord:
    """Record what the check found (completing an open task) and return the record.

    Attachments are stored by SHA-256; each confirmed code becomes a finding
    of source "verify" on the firm.
    """
    task = VerificationTask.objects.select_for_update().get(pk=task.pk)
    step = "record" if task.state == TaskState.ASSIGNED else "supplement"
    check(TASK_TRANSITIONS, step, task.state, scoping.role_of(user))
    access.check_scope(user, task.firm, task.domain)
    access.check_recorder(user, task)
    if outcome not in VerificationRecord.Outcome.values:
        raise PreconditionFailed(f"未知的核查结论：{outcome}")
    unknown = [c for c in confirmed_codes if c not in catalogue().violations]
    if unknown:
        raise PreconditionFailed(f"未知的违规代码：{'、'.join(unknown)}")
    if checked_on > timezone.localdate():
        raise PreconditionFailed("核查日期不能晚于今天。")
    if not notes.strip():
        raise PreconditionFailed("请填写核查情况。")

    now = timezone.now()
    record = VerificationRecord.objects.create(
        task=task,
        outcome=outcome,
        notes=notes,
        checked_on=checked_on,
        place=place,
        people=people,
        confirmed_codes=list(confirmed_codes),
        recorded_by=user,
        recorded_at=now,
    )
    stored = [
        documents.store_upload(
            user,
            task.firm,
            upload,
            Document.Kind.ATTACHMENT,
            case=task.case,
            task=task,
            record=record,
        )
        for upload in files
    ]
    confirmed = [_verify_finding(task, record, code) for code in confirmed_codes]
    if step == "record":
        task.state = TaskState.DONE
        task.completed_at = now
        task.save(update_fields=["state", "completed_at"])

    outcome_label = VerificationRecord.Outcome(outcome).label
    title = f"{task.method_label}结果：{outcome_label}"
    timeline.log(
        task.firm,
        "task_recorded" if step == "record" else "task_supplemented",
        title if step == "record" else f"补充{title}",
        actor=user,
        case=task.case,
        task=task,
        note=notes,
        from_state=TaskState.ASSIGNED if step == "record" else TaskState.DONE,
        to_state=TaskState.DONE,
        audit_action="task.record",
        audit_obj=record,
        attachments=[d.sha256 for d in stored],
        confirmed=list(confirmed_codes),
        findings=[f.pk for f in confirmed],
    )
    notices.notify(
        [task.assigned_by],
        f"核查结果已填报：{task.firm.name}（{outcome_label}）",
        kind="task_recorded",
        body=notes[:300],
        url=f"/cases/tasks/{task.pk}/",
        firm_id=task.firm_id,
    )
    return record


def _verify_finding(
    task: VerificationTask, record: VerificationRecord, code: str
) -> Finding:
    """Write the finding a check confirmed, once per record and code."""
    violation = catalogue().violations[code]
    key = f"{SOURCE}|{record.pk}|{code}"
    summary = f"{task.method_label}核实：{violation.name}"
    finding, _ = Finding.objects.get_or_create(
        fingerprint=hashlib.sha256(key.encode()).hexdigest(),
        defaults={
            "firm": task.firm,
            "code": code,
            "domain": violation.domain,
            "source": SOURCE,
            "summary": summary[:500],
            "evidence": {
                "task": task.pk,
                "record": record.pk,
                "method": task.method,
                "checked_on": record.checked_on.isoformat(),
                "place": record.place,
            },
            "snippet": record.notes[:2000],
            "rule": RULE,
            "rule_version": f"{task.method}@{record.checked_on:%Y%m%d}",
            "first_seen": record.recorded_at,
            "last_seen": record.recorded_at,
        },
    )
    return finding


@transaction.atomic
def cancel_task(user: User, task: VerificationTask, reason: str) -> VerificationTask:
    """Withdraw an open task with a reason and return it."""
    task = VerificationTask.objects.select_for_update().get(pk=task.pk)
    check(TASK_TRANSITIONS, "cancel", task.state, scoping.role_of(user))
    access.check_scope(user, task.firm, task.domain)
    if not reason.strip():
        raise PreconditionFailed("请填写撤销理由。")

    task.state = TaskState.CANCELLED
    task.cancelled_reason = reason
    task.save(update_fields=["state", "cancelled_reason"])
    timeline.log(
        task.firm,
        "task_cancelled",
        f"撤销核查任务：{task.method_label}",
        actor=user,
        case=task.case,
        task=task,
        note=reason,
        from_state=TaskState.ASSIGNED,
        to_state=TaskState.CANCELLED,
        audit_action="task.cancel",
    )
    return task
