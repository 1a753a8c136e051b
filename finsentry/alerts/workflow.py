"""Handling an alert: start verification, confirm, dismiss, hand to a case.

new → verifying (a verification task of the dossier, `cases.verification`)
→ confirmed or dismissed (with a reason) → handed (to the firm's case in the
alert's domain, opened or reused through `cases.services`). Each step checks
the table below and the user's role (grant "alert.handle") and scope, then
writes the state, an `AlertEvent` and an audit entry in one transaction. A
refused step raises the case workflow's `TransitionNotAllowed` errors (the
same codes and HTTP statuses) and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from finsentry.accounts import audit, scoping
from finsentry.accounts.models import Office
from finsentry.accounts.roles import ACTIONS, ROLE_LABELS, Role
from finsentry.alerts.models import Alert, AlertEvent, State
from finsentry.alerts.policy import policy
from finsentry.alerts.visibility import visible_alerts
from finsentry.cases import access
from finsentry.cases import services as cases
from finsentry.cases.errors import (
    OutOfScope,
    PreconditionFailed,
    RoleForbidden,
    WrongState,
)
from finsentry.cases.models import Case
from finsentry.rules.models import Finding

UserLike = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Step:
    """One handling step: the states it starts from and where it leads."""

    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    action: str = "alert.handle"


STEPS = {
    s.name: s
    for s in (
        Step("verify", "下达核查", (State.NEW,), State.VERIFYING),
        Step("confirm", "确认预警", (State.VERIFYING,), State.CONFIRMED),
        Step("dismiss", "排除预警", (State.NEW, State.VERIFYING), State.DISMISSED),
        Step("hand", "移交处置", (State.CONFIRMED,), State.HANDED),
    )
}
STATE_LABELS = dict(State.choices)

for _name, _step in STEPS.items():
    audit.register_action(f"alert.{_name}", _step.label)
audit.register_action("alert.view", "查看预警")
audit.register_action("alert.list", "查看预警列表")


def check(name: str, state: str, user: UserLike) -> Step:
    """Return step `name` if `user`'s role may take it from `state`, else raise."""
    step = STEPS[name]
    role = scoping.role_of(user)
    if role is None or role not in ACTIONS.get(step.action, frozenset()):
        who = ROLE_LABELS[role] if role is not None else "未分配机构和角色的账号"
        allowed = "、".join(
            f"“{ROLE_LABELS[r]}”" for r in Role if r in ACTIONS[step.action]
        )
        raise RoleForbidden(f"{who}无权“{step.label}”：此操作只能由{allowed}执行。")
    if state not in step.sources:
        starts = "、".join(f"“{STATE_LABELS[s]}”" for s in step.sources)
        raise WrongState(
            f"预警当前状态为“{STATE_LABELS.get(state, state)}”，不能“{step.label}”："
            f"只有处于{starts}状态时才可以。"
        )
    return step


def may_handle(user: UserLike, alert: Alert) -> bool:
    """Return whether the alert's firm and domain lie in `user`'s scope.

    An office an alert was routed to for information (a domain office told
    of a cross-domain BIG-01 alert) reads it; handling it, which opens tasks
    and cases in its domain, takes the scope the case workflow asks for.
    """
    return access.in_scope(user, alert.firm, alert.domain)


def available(alert: Alert, user: UserLike) -> list[Step]:
    """Return the steps `user` may take on `alert` now, in table order."""
    role = scoping.role_of(user)
    granted = ACTIONS.get("alert.handle", frozenset())
    if role is None or role not in granted or not may_handle(user, alert):
        return []
    return [s for s in STEPS.values() if alert.state in s.sources]


def _lock(user: UserLike, alert: Alert, name: str) -> tuple[Alert, Step]:
    locked = Alert.objects.select_for_update().select_related("firm").get(pk=alert.pk)
    step = check(name, locked.state, user)
    if not visible_alerts(user, Alert.objects.filter(pk=alert.pk)).exists():
        raise OutOfScope("该预警不在您的工作范围内，不能办理。")
    if not may_handle(user, locked):
        raise OutOfScope(
            "该预警的领域超出您的工作范围：您可以查看，由承办机构或其上级办理。"
        )
    return locked, step


def _move(user: User, alert: Alert, step: Step, note: str, **detail: Any) -> None:
    source = alert.state
    now = timezone.now()
    alert.state = step.target
    alert.state_since = now
    limit = policy().time_limit(step.target, alert.level)
    alert.due_at = now + limit if limit is not None else None
    alert.save()
    AlertEvent.objects.create(
        alert=alert,
        kind=step.name,
        actor=user,
        from_state=source,
        to_state=step.target,
        note=note,
        detail=detail,
    )
    audit.record(
        user,
        f"alert.{step.name}",
        alert,
        firm=alert.firm,
        source=source,
        target=step.target,
        **detail,
    )


def _cited(alert: Alert) -> list[int]:
    """Return the alert's findings that still exist on its firm."""
    ids = alert.finding_ids()
    found = Finding.objects.filter(pk__in=ids, firm_id=alert.firm_id)
    return sorted(found.values_list("pk", flat=True))


@transaction.atomic
def start_verification(
    user: User,
    alert: Alert,
    *,
    method: str,
    due_date: date,
    assignee_office: Office,
    assignee: User | None = None,
    instructions: str = "",
) -> Alert:
    """Give the firm's check to a city or county office as a verification task of
    its dossier (citing the alert's findings); the alert is then being verified."""
    alert, step = _lock(user, alert, "verify")
    task = cases.assign_task(
        user,
        alert.firm,
        domain=alert.domain,
        method=method,
        due_date=due_date,
        assignee_office=assignee_office,
        assignee=assignee,
        instructions=instructions or alert.title,
        findings=_cited(alert),
        origin=f"alert:{alert.pk}",
    )
    alert.task = task
    alert.case = task.case
    _move(user, alert, step, instructions, task=task.pk, case=task.case_id)
    return alert


@transaction.atomic
def confirm(user: User, alert: Alert, *, note: str = "") -> Alert:
    """Confirm the warning after verification: the risk is real."""
    alert, step = _lock(user, alert, "confirm")
    _move(user, alert, step, note)
    return alert


@transaction.atomic
def dismiss(user: User, alert: Alert, *, reason: str) -> Alert:
    """Dismiss the warning with the reason it does not hold."""
    alert, step = _lock(user, alert, "dismiss")
    if not reason.strip():
        raise PreconditionFailed("请填写排除预警的理由。")
    alert.dismissed_reason = reason
    task = alert.task
    if task is not None and task.is_open:
        # Nothing is left to check: the inspector's task is withdrawn with it.
        cases.cancel_task(user, task, f"预警 {alert.reference} 已排除：{reason}")
    _move(user, alert, step, reason)
    return alert


@transaction.atomic
def hand_to_case(user: User, alert: Alert, *, summary: str = "") -> Case:
    """Hand a confirmed alert to the firm's case in its domain (reusing an open
    case, else opening one) and return the case."""
    alert, step = _lock(user, alert, "hand")
    origin = f"alert:{alert.pk}"
    cited = _cited(alert)
    if cases.open_case_for(alert.firm, alert.domain) is not None:
        case = cases.ensure_case(
            user, alert.firm, alert.domain, findings=cited, origin=origin
        )
    else:
        text = summary.strip() or f"预警 {alert.reference}：{alert.title}"
        case = cases.open_case(
            user, alert.firm, alert.domain, summary=text, findings=cited, origin=origin
        )
    alert.case = case
    _move(user, alert, step, summary, case=case.pk)
    return case
