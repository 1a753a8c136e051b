"""The case workflow other apps and the views call: open, classify, order, re-check,
shut down, refer, accept, reopen; verification tasks (from `verification.py`).

Each write locks the case, checks the step against the state machine and the
user's role (`transitions.check`) and scope (`access`), then writes the change,
its timeline entry and its audit entry in one transaction: a refused step
raises a `TransitionNotAllowed` with a Chinese reason and changes nothing.

For the alerts engineer: hand an alert to a case with
``open_case(user, firm, domain, summary=..., findings=[...], origin="alert:17")``
(or `ensure_case` to reuse the open one), and ask for checks with
``assign_task(user, firm, domain=..., method=..., due_date=..., assignee_office=...,
findings=[...], origin="alert:17")``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from finsentry.accounts import scoping
from finsentry.accounts.roles import Role
from finsentry.cases import access, deadlines, documents, timeline
from finsentry.cases.errors import CaseConflict, PreconditionFailed, RoleForbidden
from finsentry.cases.models import (
    Acceptance,
    Case,
    Classification,
    Demand,
    DemandCheck,
    Document,
    Recheck,
    RectificationOrder,
    Referral,
    VerificationTask,
)
from finsentry.cases.transitions import CASE_TRANSITIONS, OPEN_STATES, State, check
from finsentry.cases.verification import assign_task, cancel_task, record_result
from finsentry.notices import services as notices
from finsentry.registry.models import Firm
from finsentry.rules.models import Finding

__all__ = [
    "accept",
    "add_case_document",
    "assign_task",
    "cancel_task",
    "classify_compliant",
    "ensure_case",
    "open_case",
    "open_case_for",
    "order_rectification",
    "record_recheck",
    "record_result",
    "refer",
    "reopen",
    "shut_down",
]
OFFICE_ROLES = [Role.LOCAL_OFFICER.value, Role.DOMAIN_OFFICER.value, Role.ANALYST.value]


def open_case_for(firm: Firm, domain: str) -> Case | None:
    """Return the firm's open case in `domain`, or None."""
    return Case.objects.filter(firm=firm, domain=domain, state__in=OPEN_STATES).first()


@transaction.atomic
def open_case(
    user: User,
    firm: Firm,
    domain: str,
    *,
    summary: str = "",
    findings: Iterable[Finding | int] = (),
    origin: str = "",
) -> Case:
    """Open the case of `firm` in `domain` (state 核查认定中) and return it."""
    check(CASE_TRANSITIONS, "open", "", scoping.role_of(user))
    access.check_scope(user, firm, domain)
    Firm.objects.select_for_update().filter(pk=firm.pk).first()
    existing = open_case_for(firm, domain)
    if existing is not None:
        raise CaseConflict(
            f"该企业在“{existing.domain_label}”领域已有未结案件 {existing.reference}，"
            "请在该案件中继续办理。"
        )
    cited = _findings_of(firm, findings)

    case = Case.objects.create(
        firm=firm,
        domain=domain,
        state=State.VERIFYING,
        office=access.office_of(user),
        summary=summary,
        origin=origin,
        opened_by=user,
        opened_at=timezone.now(),
    )
    case.findings.set(cited)
    timeline.log(
        firm,
        "opened",
        f"立案：{case.reference}（{case.domain_label}）",
        actor=user,
        case=case,
        note=summary,
        to_state=State.VERIFYING,
        audit_action="case.open",
        origin=origin,
        findings=[f.pk for f in cited],
    )
    return case


def ensure_case(
    user: User,
    firm: Firm,
    domain: str,
    *,
    findings: Iterable[Finding | int] = (),
    origin: str = "",
) -> Case:
    """Return the firm's open case in `domain`, opening one when there is none."""
    existing = open_case_for(firm, domain)
    if existing is not None:
        access.check_scope(user, firm, domain)
        existing.findings.add(*_findings_of(firm, findings))
        return existing
    summary = "下达核查任务时立案"
    return open_case(
        user, firm, domain, summary=summary, findings=findings, origin=origin
    )


def _findings_of(firm: Firm, findings: Iterable[Finding | int]) -> list[Finding]:
    ids = {f if isinstance(f, int) else f.pk for f in findings}
    found = list(Finding.objects.filter(pk__in=ids, firm=firm))
    if len(found) != len(ids):
        raise PreconditionFailed("所引用的发现不属于该企业，请从该企业的档案中选择。")
    return found


def _step(user: User, case: Case, name: str) -> tuple[Case, str]:
    """Lock the case, check that `user` may take step `name` now; return the
    locked case and the state it was in."""
    locked = Case.objects.select_for_update().select_related("firm").get(pk=case.pk)
    access.check_scope(user, locked.firm, locked.domain)
    check(CASE_TRANSITIONS, name, locked.state, scoping.role_of(user))
    return locked, locked.state


def _move(
    user: User,
    case: Case,
    name: str,
    source: str,
    note: str,
    **detail: Any,
) -> None:
    """Put the case in the step's target state and write the step to the timeline."""
    transition = CASE_TRANSITIONS[name]
    case.state = transition.target
    if transition.disposition:
        case.disposition = transition.disposition
    case.closed_at = timezone.now() if transition.target == State.CLOSED else None
    case.save(update_fields=["state", "disposition", "closed_at"])
    timeline.log(
        case.firm,
        name,
        transition.label,
        actor=user,
        case=case,
        note=note,
        from_state=source,
        to_state=transition.target,
        audit_action="case.transition",
        **detail,
    )


def _classify(
    user: User,
    case: Case,
    disposition: str,
    reasoning: str,
    findings: Iterable[Finding | int],
    tasks: Iterable[VerificationTask | int],
) -> Classification:
    """Write the classification with the findings and checks it cites."""
    if not reasoning.strip():
        raise PreconditionFailed("请填写认定理由。")
    cited = _findings_of(case.firm, findings)
    task_ids = {t if isinstance(t, int) else t.pk for t in tasks}
    checks = list(VerificationTask.objects.filter(pk__in=task_ids, firm=case.firm))
    if len(checks) != len(task_ids):
        raise PreconditionFailed("所引用的核查任务不属于该企业。")
    if not cited and not checks:
        raise PreconditionFailed("分类认定须引用至少一条发现或一项核查任务作为依据。")

    decision = Classification.objects.create(
        case=case,
        disposition=disposition,
        reasoning=reasoning,
        decided_by=user,
        decided_at=timezone.now(),
    )
    decision.findings.set(cited)
    decision.tasks.set(checks)
    case.findings.add(*cited)
    return decision


@transaction.atomic
def classify_compliant(
    user: User,
    case: Case,
    *,
    reasoning: str,
    findings: Iterable[Finding | int] = (),
    tasks: Iterable[VerificationTask | int] = (),
) -> Case:
    """Classify the firm as compliant in the case's domain (ongoing supervision)."""
    case, source = _step(user, case, "classify_compliant")
    decision = _classify(user, case, "compliant", reasoning, findings, tasks)
    _move(
        user, case, "classify_compliant", source, reasoning, classification=decision.pk
    )
    return case


@transaction.atomic
def order_rectification(
    user: User,
    case: Case,
    *,
    demands: Sequence[str],
    days: int,
    day_kind: str,
    served_on: date,
    reasoning: str,
    findings: Iterable[Finding | int] = (),
    tasks: Iterable[VerificationTask | int] = (),
) -> RectificationOrder:
    """Classify as a minor violation and serve a rectification order with a deadline
    (or serve a further order after a failed re-check); return the order."""
    current = Case.objects.select_for_update().values_list("state", flat=True)
    again = current.get(pk=case.pk) == State.RECHECK_FAILED
    name = "reorder" if again else "order_rectification"
    case, source = _step(user, case, name)
    items = [d.strip() for d in demands if d.strip()]
    if not items:
        raise PreconditionFailed("整改通知须列明至少一项整改要求。")
    if served_on > timezone.localdate():
        raise PreconditionFailed("送达日期不能晚于今天。")
    deadline = deadlines.due_date(served_on, days, day_kind)
    if name == "reorder":
        earlier = case.classifications.last()
        findings = [*findings, *(earlier.findings.all() if earlier else [])]
        tasks = [*tasks, *(earlier.tasks.all() if earlier else [])]
    decision = _classify(user, case, "rectify", reasoning, findings, tasks)

    order = RectificationOrder.objects.create(
        case=case,
        sequence=case.orders.count() + 1,
        served_on=served_on,
        days=deadline.days,
        day_kind=deadline.kind,
        due_date=deadline.due,
        deadline_note=deadline.note,
        issued_by=user,
        issued_at=timezone.now(),
    )
    Demand.objects.bulk_create(
        Demand(order=order, position=i, text=text) for i, text in enumerate(items, 1)
    )
    note = f"{reasoning}\n整改期限：{deadline.describe()}"
    _move(
        user,
        case,
        name,
        source,
        note,
        classification=decision.pk,
        order=order.pk,
        due=deadline.due,
        demands=len(items),
    )
    return order


@transaction.atomic
def record_recheck(
    user: User,
    case: Case,
    *,
    results: Mapping[int, tuple[bool, str]],
    checked_on: date,
    notes: str = "",
) -> Recheck:
    """Record the look back at the current order, demand by demand; the case moves
    to 待验收 when every demand was met, else to 整改未到位."""
    # Both outcomes start from the same state and need the same grant.
    case, source = _step(user, case, "recheck_passed")
    order = case.orders.order_by("-sequence").first()
    if order is None:
        raise PreconditionFailed("该案件没有整改通知，无需回头看。")
    demands = list(order.demands.all())
    missing = [d.position for d in demands if d.pk not in results]
    passed = not missing and all(results[d.pk][0] for d in demands)
    name = "recheck_passed" if passed else "recheck_failed"
    if missing:
        listed = "、".join(f"第 {p} 项" for p in missing)
        raise PreconditionFailed(f"请逐项填写整改要求是否落实：{listed}尚未填写。")
    if checked_on > timezone.localdate():
        raise PreconditionFailed("检查日期不能晚于今天。")

    recheck = Recheck.objects.create(
        order=order,
        passed=passed,
        notes=notes,
        checked_on=checked_on,
        checked_by=user,
        recorded_at=timezone.now(),
    )
    DemandCheck.objects.bulk_create(
        DemandCheck(
            recheck=recheck, demand=d, met=results[d.pk][0], note=results[d.pk][1]
        )
        for d in demands
    )
    met = sum(1 for d in demands if results[d.pk][0])
    late = deadlines.is_overdue(order.due_date, checked_on)
    _move(
        user,
        case,
        name,
        source,
        notes,
        recheck=recheck.pk,
        met=met,
        demands=len(demands),
        after_deadline=late,
    )
    if not passed:
        notices.notify_office(
            [case.office_id],
            f"回头看未通过：{case.firm.name}（{case.reference}）",
            kind="recheck_failed",
            roles=OFFICE_ROLES,
            body=f"{len(demands)} 项整改要求落实 {met} 项，请研究再次整改或关闭取缔。",
            url=f"/cases/{case.pk}/",
            firm_id=case.firm_id,
        )
    return recheck


@transaction.atomic
def shut_down(
    user: User,
    case: Case,
    *,
    reasoning: str,
    findings: Iterable[Finding | int] = (),
    tasks: Iterable[VerificationTask | int] = (),
) -> Case:
    """Classify for closure or ban (refused rectification or serious violation)."""
    case, source = _step(user, case, "shut_down")
    decision = _classify(user, case, "shut_down", reasoning, findings, tasks)
    _move(user, case, "shut_down", source, reasoning, classification=decision.pk)
    return case


@transaction.atomic
def refer(
    user: User,
    case: Case,
    *,
    organ_kind: str,
    organ_name: str,
    referred_on: date,
    reasoning: str,
    reference: str = "",
    findings: Iterable[Finding | int] = (),
    tasks: Iterable[VerificationTask | int] = (),
) -> Referral:
    """Refer the case to a judicial organ with an evidence package built and stored
    now; return the referral, which names the package's SHA-256."""
    case, source = _step(user, case, "refer")
    if organ_kind not in Referral.Organ.values:
        raise PreconditionFailed(f"未知的移送机关类别：{organ_kind}")
    if not organ_name.strip():
        raise PreconditionFailed("请填写接收移送的机关名称。")
    if referred_on > timezone.localdate():
        raise PreconditionFailed("移送日期不能晚于今天。")
    decision = _classify(user, case, "refer", reasoning, findings, tasks)

    from finsentry.cases import package

    built = package.build(case.firm, user, cases=[case])
    stored = documents.store_document(
        user,
        case.firm,
        built.filename,
        built.body,
        Document.Kind.EVIDENCE_PACKAGE,
        case=case,
        content_type="application/zip",
    )
    referral = Referral.objects.create(
        case=case,
        organ_kind=organ_kind,
        organ_name=organ_name,
        referred_on=referred_on,
        reference=reference,
        package=stored,
        package_sha256=stored.sha256,
        referred_by=user,
        recorded_at=timezone.now(),
    )
    note = f"{reasoning}\n移送{organ_name}，证据包 SHA-256：{stored.sha256}"
    _move(
        user,
        case,
        "refer",
        source,
        note,
        classification=decision.pk,
        referral=referral.pk,
        package_sha256=stored.sha256,
    )
    return referral


@transaction.atomic
def accept(user: User, case: Case, *, conclusion: str) -> Acceptance:
    """Accept the work on the case (验收) and close it."""
    case, source = _step(user, case, "accept")
    if not conclusion.strip():
        raise PreconditionFailed("请填写验收意见。")
    acceptance = Acceptance.objects.create(
        case=case, conclusion=conclusion, accepted_by=user, accepted_at=timezone.now()
    )
    _move(user, case, "accept", source, conclusion, acceptance=acceptance.pk)
    return acceptance


@transaction.atomic
def reopen(user: User, case: Case, *, reason: str) -> Case:
    """Reopen a closed case for verification (new evidence after acceptance)."""
    case, source = _step(user, case, "reopen")
    if not reason.strip():
        raise PreconditionFailed("请填写重新立案的理由。")
    other = open_case_for(case.firm, case.domain)
    if other is not None:
        raise CaseConflict(
            f"该企业在该领域已有未结案件 {other.reference}，不能重新立案。"
        )
    _move(user, case, "reopen", source, reason)
    return case


@transaction.atomic
def add_case_document(
    user: User, case: Case, upload: documents.Upload, note: str = ""
) -> Document:
    """Add a file to the case (an order as served, a letter, minutes) and return it."""
    if not scoping.may(user, "case.note"):
        raise RoleForbidden("您的角色只能查阅，不能添加案件材料。")
    access.check_scope(user, case.firm, case.domain)
    stored = documents.store_upload(
        user, case.firm, upload, Document.Kind.CASE_FILE, case=case
    )
    timeline.log(
        case.firm,
        "document_added",
        f"添加材料：{stored.name}",
        actor=user,
        case=case,
        note=note,
        audit_action="case.note",
        audit_obj=stored,
        sha256=stored.sha256,
    )
    return stored
