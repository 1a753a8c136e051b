"""Case and task lists and the leaders' dashboard figures, within a user's scope.

Everything starts from `access.visible_cases` / `visible_tasks`, so a list,
an export or a chart never counts what the user may not see. Overdue is
computed in the database: a case in 限期整改中 whose latest order's due date
has passed, a task still open after its due date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models as db
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from finsentry.cases import access
from finsentry.cases.models import Case, RectificationOrder, VerificationTask
from finsentry.cases.transitions import OPEN_STATES, STATE_LABELS, State, TaskState
from finsentry.registry import divisions
from finsentry.rules.catalogue import catalogue

UserLike = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class CaseFilters:
    """What a user asked the case list for; empty strings mean any."""

    state: str = ""
    domain: str = ""
    city: str = ""
    overdue: bool = False
    q: str = ""


def with_deadlines(cases: QuerySet[Case], today: date) -> QuerySet[Case]:
    """Annotate each case with its latest order's due date and whether it is overdue."""
    latest = RectificationOrder.objects.filter(case=OuterRef("pk")).order_by(
        "-sequence"
    )
    due = Subquery(latest.values("due_date")[:1], output_field=DateField())
    late = db.Case(
        When(state=State.RECTIFYING, current_due__lt=today, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return cases.annotate(current_due=due).annotate(overdue=late)


def case_list(user: UserLike, filters: CaseFilters) -> QuerySet[Case]:
    """Return the user's visible cases matching `filters`, newest first."""
    today = timezone.localdate()
    cases = with_deadlines(access.visible_cases(user), today).select_related(
        "firm", "office"
    )
    if filters.state == "open":
        cases = cases.filter(state__in=OPEN_STATES)
    elif filters.state:
        cases = cases.filter(state=filters.state)
    if filters.domain:
        cases = cases.filter(domain=filters.domain)
    if filters.city:
        cases = cases.filter(firm__city_code=filters.city)
    if filters.overdue:
        cases = cases.filter(Q(overdue=True))
    if filters.q:
        term = filters.q.strip().upper()
        cases = cases.filter(Q(firm__name__contains=filters.q) | Q(firm__uscc=term))
    return cases.order_by("-opened_at", "-id")


def task_list(user: UserLike, *, scope: str = "mine") -> QuerySet[VerificationTask]:
    """Return the user's tasks: "mine" (given to or by them or their office and
    still open), "done" (theirs, finished) or "all" (every visible task)."""
    tasks = access.visible_tasks(user).select_related(
        "firm", "assignee_office", "assignee", "assigned_by_office", "case"
    )
    if scope != "all":
        tasks = tasks.filter(access.task_inbox(user))
    if scope == "mine":
        tasks = tasks.filter(state=TaskState.ASSIGNED)
    elif scope == "done":
        tasks = tasks.exclude(state=TaskState.ASSIGNED)
    return (
        tasks.order_by("due_date", "id")
        if scope == "mine"
        else tasks.order_by("-created_at", "-id")
    )


@dataclass
class Board:
    """The figures of the leaders' case dashboard."""

    totals: dict[str, int]
    by_state: list[tuple[str, str, int]] = field(default_factory=list)
    by_domain: list[tuple[str, str, int, int, int]] = field(default_factory=list)
    by_city: list[tuple[str, str, int, int, int]] = field(default_factory=list)
    by_disposition: list[tuple[str, int]] = field(default_factory=list)
    overdue: list[Case] = field(default_factory=list)


def _city_names() -> dict[str, str]:
    return {d.code[:4]: d.name for d in divisions.jilin_cities()}


def board(user: UserLike) -> Board:
    """Return the dashboard figures of the cases and tasks `user` sees."""
    today = timezone.localdate()
    cases = with_deadlines(access.visible_cases(user), today)
    open_cases = cases.filter(state__in=OPEN_STATES)
    tasks = access.visible_tasks(user).filter(state=TaskState.ASSIGNED)
    totals = {
        "cases": cases.count(),
        "open": open_cases.count(),
        "overdue": open_cases.filter(Q(overdue=True)).count(),
        "closed": cases.filter(state=State.CLOSED).count(),
        "tasks_open": tasks.count(),
        "tasks_overdue": tasks.filter(due_date__lt=today).count(),
    }
    states = dict(cases.values_list("state").annotate(n=Count("id")).order_by())
    by_state = [(s.value, STATE_LABELS[s], states.get(s.value, 0)) for s in State]

    def split(key: str) -> dict[str, tuple[int, int, int]]:
        rows = (
            cases.values_list(key)
            .annotate(
                n=Count("id"),
                still=Count("id", filter=Q(state__in=OPEN_STATES)),
                late=Count("id", filter=Q(overdue=True)),
            )
            .order_by()
        )
        return {k: (n, still, late) for k, n, still, late in rows}

    labels = catalogue().domains
    domains = split("domain")
    by_domain = [
        (code, labels.get(code, code), *domains[code])
        for code in labels
        if code in domains
    ]
    cities = split("firm__city_code")
    names = _city_names()
    by_city = [
        (code, names.get(code, code or "未知"), *cities[code])
        for code in sorted(cities, key=lambda c: (-cities[c][0], c))
    ]
    kinds = dict(
        cases.exclude(disposition="")
        .values_list("disposition")
        .annotate(n=Count("id"))
        .order_by()
    )
    dispositions = catalogue().dispositions
    by_disposition = [(dispositions[k], kinds.get(k, 0)) for k in dispositions]
    late = open_cases.filter(Q(overdue=True)).select_related("firm")
    return Board(
        totals=totals,
        by_state=by_state,
        by_domain=by_domain,
        by_city=by_city,
        by_disposition=by_disposition,
        overdue=list(late.order_by(F("current_due").asc())[:50]),
    )
