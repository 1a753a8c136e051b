"""Deadline reminders for rectification orders and verification tasks.

Run daily (`finsentry send-reminders`, or the Celery beat entry
"cases-reminders"). An order under rectification gets a reminder when its
deadline is 7, 3 and 1 days away and one notice when it has passed; an open
task one the day before it is due and one when it is late. Each (order or
task, threshold) is sent at most once, whatever the number of runs: the
`Reminder` row and its unique constraint are written in the same
transaction as the notices. A run that skipped days sends only the nearest
threshold reached, never a burst of stale ones.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from finsentry.accounts.roles import Role
from finsentry.cases import timeline
from finsentry.cases.deadlines import days_left
from finsentry.cases.models import RectificationOrder, Reminder, VerificationTask
from finsentry.cases.transitions import State, TaskState
from finsentry.notices import services as notices

log = logging.getLogger(__name__)
ORDER_THRESHOLDS = (7, 3, 1)
TASK_THRESHOLDS = (1,)
OFFICE_ROLES = [Role.LOCAL_OFFICER.value, Role.DOMAIN_OFFICER.value, Role.ANALYST.value]
TASK_ROLES = [Role.INSPECTOR.value, Role.LOCAL_OFFICER.value]


@dataclass
class ReminderRun:
    """What one run sent: reminders written and notices delivered."""

    orders: int = 0
    tasks: int = 0
    notices: int = 0


def threshold_for(left: int, thresholds: tuple[int, ...]) -> int | None:
    """Return the threshold a deadline `left` days away has reached, or None."""
    if left < 0:
        return Reminder.OVERDUE
    reached = [t for t in thresholds if left <= t]
    return min(reached) if reached else None


def _claim(**fields: object) -> Reminder | None:
    """Write the reminder row, or return None when this threshold was sent before."""
    try:
        with transaction.atomic():
            return Reminder.objects.create(sent_at=timezone.now(), **fields)
    except IntegrityError:
        return None


def current_orders() -> list[RectificationOrder]:
    """Return the latest order of every case still under rectification."""
    orders = (
        RectificationOrder.objects.filter(case__state=State.RECTIFYING)
        .select_related("case__firm", "issued_by")
        .order_by("case_id", "-sequence")
    )
    latest: dict[int, RectificationOrder] = {}
    for order in orders:
        latest.setdefault(order.case_id, order)
    return list(latest.values())


@transaction.atomic
def _remind_order(order: RectificationOrder, today: date) -> int | None:
    left = days_left(order.due_date, today)
    threshold = threshold_for(left, ORDER_THRESHOLDS)
    if threshold is None:
        return None
    reminder = _claim(order=order, threshold=threshold, due_date=order.due_date)
    if reminder is None:
        return None

    case = order.case
    if threshold == Reminder.OVERDUE:
        title = f"整改逾期：{case.firm.name}（期限 {order.due_date:%Y-%m-%d}）"
        body = "整改期限已过，请尽快组织回头看，逾期未整改的依法依规处理。"
    else:
        title = f"整改期限提醒：{case.firm.name}（剩余 {left} 天）"
        body = f"整改期限为 {order.due_date:%Y年%m月%d日}，请督促企业按期整改。"
    sent = notices.notify_office(
        [case.office_id],
        title,
        kind="order_overdue" if threshold == Reminder.OVERDUE else "order_due",
        roles=OFFICE_ROLES,
        extra=[order.issued_by],
        body=body,
        url=f"/cases/{case.pk}/",
        firm_id=case.firm_id,
        key=f"reminder:order:{order.pk}:{threshold}",
    )
    reminder.recipients = len(sent)
    reminder.save(update_fields=["recipients"])
    timeline.log(
        case.firm,
        "order_overdue" if threshold == Reminder.OVERDUE else "reminder_sent",
        title,
        actor=None,
        case=case,
        note=body,
        audit_action="case.reminders",
        audit_obj=order,
        threshold=threshold,
        recipients=len(sent),
    )
    return len(sent)


@transaction.atomic
def _remind_task(task: VerificationTask, today: date) -> int | None:
    left = days_left(task.due_date, today)
    threshold = threshold_for(left, TASK_THRESHOLDS)
    if threshold is None:
        return None
    reminder = _claim(task=task, threshold=threshold, due_date=task.due_date)
    if reminder is None:
        return None

    late = threshold == Reminder.OVERDUE
    title = (
        f"核查任务逾期：{task.firm.name}（{task.method_label}）"
        if late
        else f"核查任务明日到期：{task.firm.name}（{task.method_label}）"
    )
    extra = [p for p in (task.assignee, task.assigned_by if late else None) if p]
    sent = notices.notify_office(
        [] if task.assignee_id else [task.assignee_office_id],
        title,
        kind="task_overdue" if late else "task_due",
        roles=TASK_ROLES,
        extra=extra,
        body=f"完成期限为 {task.due_date:%Y年%m月%d日}。",
        url=f"/cases/tasks/{task.pk}/",
        firm_id=task.firm_id,
        key=f"reminder:task:{task.pk}:{threshold}",
    )
    reminder.recipients = len(sent)
    reminder.save(update_fields=["recipients"])
    return len(sent)


def send_reminders(today: date | None = None) -> ReminderRun:
    """Send every reminder due by `today` (default: the local date) not sent yet."""
    today = today or timezone.localdate()
    run = ReminderRun()
    for order in current_orders():
        sent = _remind_order(order, today)
        if sent is not None:
            run.orders += 1
            run.notices += sent
    horizon = today + timedelta(days=max(TASK_THRESHOLDS))
    tasks = VerificationTask.objects.filter(
        state=TaskState.ASSIGNED, due_date__lte=horizon
    ).select_related("firm", "assignee", "assigned_by")
    for task in tasks:
        sent = _remind_task(task, today)
        if sent is not None:
            run.tasks += 1
            run.notices += sent
    log.info(
        "reminders sent orders=%s tasks=%s notices=%s",
        run.orders,
        run.tasks,
        run.notices,
    )
    return run
