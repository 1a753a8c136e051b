"""The case part of a firm's dossier (一户一档): what the page and the exports show.

`case_dossier` gathers, for one firm and one user, the verification tasks
and their records, the cases with their classifications, orders, re-checks,
referrals, acceptances and timelines, the documents, the findings grouped by
catalogue code, and what is due next. Only cases and tasks the user's scope
allows are included (a domain office sees its domain's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch
from django.utils import timezone

from finsentry.cases import access
from finsentry.cases.deadlines import days_left, is_overdue
from finsentry.cases.models import (
    Case,
    Document,
    Recheck,
    RectificationOrder,
    TimelineEntry,
    VerificationTask,
)
from finsentry.cases.transitions import State, TaskState
from finsentry.registry.models import Firm
from finsentry.rules.catalogue import catalogue
from finsentry.rules.models import Finding

UserLike = AbstractBaseUser | AnonymousUser
# Where findings come from (violations.yaml `sources`), as staff call them.
SOURCE_LABELS = {
    "registry": "登记筛查",
    "patrol": "网上巡查",
    "web": "网上巡查",
    "tips": "举报",
    "opinion": "舆情",
    "funds": "资金监测",
    "products": "产品备案",
    "docking": "网站对接",
    "verify": "核查",
}


@dataclass
class OrderView:
    """A rectification order with its demands, re-checks and where its deadline is."""

    order: RectificationOrder
    rechecks: list[Recheck]
    days_left: int
    overdue: bool
    current: bool

    @property
    def days_late(self) -> int:
        """Return how many days the deadline has passed by (0 when not passed)."""
        return max(0, -self.days_left)


@dataclass
class CaseView:
    """One case with everything recorded on it, oldest first."""

    case: Case
    orders: list[OrderView]
    timeline: list[TimelineEntry]

    @property
    def current_order(self) -> OrderView | None:
        """Return the latest order, the one a re-check looks at."""
        return self.orders[-1] if self.orders else None

    @property
    def overdue(self) -> bool:
        """Return whether the case waits on an order whose deadline has passed."""
        current = self.current_order
        return bool(current and current.overdue)


@dataclass
class TaskView:
    """A verification task with its records and whether it is late."""

    task: VerificationTask
    overdue: bool


@dataclass
class DueItem:
    """Something due on the firm: what, by when, where to act on it."""

    due: date
    what: str
    url: str
    overdue: bool
    days_left: int


@dataclass
class FindingGroup:
    """The findings of one catalogue code, newest first."""

    code: str
    name: str
    domain_label: str
    findings: list[Finding]


@dataclass
class CaseDossier:
    """The case work on one firm that one user may see."""

    firm: Firm
    cases: list[CaseView]
    tasks: list[TaskView]
    documents: list[Document]
    due: list[DueItem]
    finding_groups: list[FindingGroup] = field(default_factory=list)


def order_view(order: RectificationOrder, today: date, current: bool) -> OrderView:
    """Return an order with its deadline measured against `today`."""
    rechecks = list(order.rechecks.all())
    waiting = current and order.case.state == State.RECTIFYING
    return OrderView(
        order=order,
        rechecks=rechecks,
        days_left=days_left(order.due_date, today),
        overdue=waiting and is_overdue(order.due_date, today),
        current=current,
    )


def finding_groups(firm: Firm) -> list[FindingGroup]:
    """Return the firm's findings grouped by catalogue code, in catalogue order."""
    cat = catalogue()
    order = {code: i for i, code in enumerate(cat.violations)}
    grouped: dict[str, list[Finding]] = {}
    for finding in firm.findings.order_by("dismissed_at", "-last_seen"):
        grouped.setdefault(finding.code, []).append(finding)
    groups = []
    for code in sorted(grouped, key=lambda c: (order.get(c, len(order)), c)):
        violation = cat.violations.get(code)
        domain = violation.domain if violation else grouped[code][0].domain
        name = violation.name if violation else ""
        groups.append(FindingGroup(code, name, cat.domain_label(domain), grouped[code]))
    return groups


def case_dossier(firm: Firm, user: UserLike) -> CaseDossier:
    """Return the case part of `firm`'s dossier as `user` may see it."""
    today = timezone.localdate()
    orders = RectificationOrder.objects.prefetch_related(
        "demands", "rechecks__items__demand"
    ).select_related("case", "issued_by")
    cases = list(
        access.visible_cases(user, Case.objects.filter(firm=firm))
        .select_related("office", "opened_by")
        .prefetch_related(
            Prefetch("orders", queryset=orders),
            "classifications__findings",
            "classifications__tasks",
            "classifications__decided_by",
            "referrals__package",
            "acceptances__accepted_by",
            Prefetch(
                "timeline",
                queryset=TimelineEntry.objects.select_related("actor", "task"),
            ),
        )
        .order_by("-opened_at")
    )
    views = []
    for case in cases:
        listed = list(case.orders.all())
        order_views = [
            order_view(o, today, i == len(listed) - 1) for i, o in enumerate(listed)
        ]
        views.append(CaseView(case, order_views, list(case.timeline.all())))

    tasks = list(
        access.visible_tasks(user, VerificationTask.objects.filter(firm=firm))
        .select_related("assignee_office", "assignee", "assigned_by", "case")
        .prefetch_related("records__documents", "records__recorded_by", "findings")
        .order_by("-created_at")
    )
    task_views = [
        TaskView(t, t.state == TaskState.ASSIGNED and is_overdue(t.due_date, today))
        for t in tasks
    ]
    case_ids = [c.pk for c in cases]
    docs = list(
        Document.objects.filter(firm=firm, case_id__in=case_ids)
        .select_related("uploaded_by")
        .order_by("uploaded_at")
    )
    return CaseDossier(
        firm=firm,
        cases=views,
        tasks=task_views,
        documents=docs,
        due=due_items(views, task_views, today),
        finding_groups=finding_groups(firm),
    )


def due_items(
    cases: list[CaseView], tasks: list[TaskView], today: date
) -> list[DueItem]:
    """Return what is due next on the firm, soonest (or most overdue) first."""
    items = []
    for view in tasks:
        task = view.task
        if task.state != TaskState.ASSIGNED:
            continue
        what = f"{task.method_label}（{task.assignee_office.name}）"
        left = days_left(task.due_date, today)
        url = f"/cases/tasks/{task.pk}/"
        items.append(DueItem(task.due_date, what, url, view.overdue, left))
    for case_view in cases:
        case, current = case_view.case, case_view.current_order
        url = f"/cases/{case.pk}/"
        if case.state == State.RECTIFYING and current is not None:
            what = f"{case.reference} 整改期限届满，进行回头看"
            order = current.order
            left = current.days_left
            items.append(DueItem(order.due_date, what, url, current.overdue, left))
        elif case.state in (State.AWAITING_ACCEPTANCE, State.SHUTTING_DOWN):
            what = f"{case.reference} {case.state_enum.label}，待验收结案"
            items.append(DueItem(today, what, url, False, 0))
    return sorted(items, key=lambda item: item.due)
