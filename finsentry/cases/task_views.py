"""Verification task pages: "我的任务", assigning a task, recording a result.

The task page is the inspector's working screen and reads on a phone: one
column, large controls, the result form first when the task is open.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from finsentry.accounts import audit, scoping
from finsentry.cases import access, forms, queries, services
from finsentry.cases.deadlines import days_left
from finsentry.cases.errors import CaseError
from finsentry.cases.models import VerificationTask
from finsentry.cases.transitions import TaskState

log = logging.getLogger(__name__)
SCOPES = {"mine": "待办任务", "done": "已办结", "all": "全部任务"}


def task_or_404(request: HttpRequest, pk: int) -> VerificationTask:
    """Return the task if the user sees it, else 404 as if it did not exist."""
    tasks = access.visible_tasks(request.user).select_related(
        "firm", "case", "assignee_office", "assignee", "assigned_by"
    )
    found = tasks.filter(pk=pk).first()
    if found is None:
        raise Http404("没有该核查任务，或该任务不在您的工作范围内")
    return found


@scoping.requires("case.view")
def task_list(request: HttpRequest) -> HttpResponse:
    """Render the user's tasks, overdue ones first and flagged."""
    scope = request.GET.get("scope", "mine")
    if scope not in SCOPES:
        scope = "mine"
    tasks = queries.task_list(request.user, scope=scope)
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        (
            t,
            t.state == TaskState.ASSIGNED and t.due_date < today,
            days_left(t.due_date, today),
        )
        for t in page
    ]
    context = {"rows": rows, "page": page, "scope": scope, "scopes": SCOPES}
    return render(request, "cases/task_list.html", context)


@scoping.requires("task.assign")
def new_task(request: HttpRequest, uscc: str) -> HttpResponse:
    """Assign a verification task on a firm, citing the findings ticked."""
    firm = scoping.firm_or_404(request.user, uscc=uscc.upper())
    cited = [int(v) for v in request.GET.getlist("finding") if v.isdigit()]
    domain = scoping.scope_of(request.user).domain
    first = firm.findings.filter(pk__in=cited).first()
    initial = {
        "findings": cited,
        "domain": domain
        or (first.domain if first else "")
        or (firm.domain_list[0] if firm.domain_list else ""),
        "due_date": timezone.localdate() + timedelta(days=10),
        "method": "site_visit",
    }
    form = forms.TaskForm(request.POST or None, firm=firm, initial=initial)
    error: CaseError | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.assign_task(
                access.staff_user(request),
                firm,
                domain=data["domain"],
                method=data["method"],
                due_date=data["due_date"],
                assignee_office=data["assignee_office"],
                assignee=data["assignee"],
                instructions=data["instructions"],
                findings=list(data["findings"]),
            )
        except CaseError as exc:
            error = exc
        else:
            messages.success(request, f"已下达核查任务：{task.method_label}")
            return redirect("cases:task", pk=task.pk)
    status = error.status if error is not None else 200
    context = {"firm": firm, "form": form, "error": error}
    return render(request, "cases/new_task.html", context, status=status)


@scoping.requires("case.view")
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Render a task with its records; its assignee records the result here."""
    task = task_or_404(request, pk)
    can_record = scoping.may(request.user, "task.record") and access.can_record(
        request.user, task
    )
    form = forms.RecordForm(task=task) if can_record else None
    error: CaseError | None = None
    if request.method == "POST":
        if form is None:
            who = "您的角色" if not scoping.may(request.user, "task.record") else "您"
            raise PermissionDenied(
                f"{who}不能填报该任务的结果：任务交由“{task.assignee_office.name}”办理。"
            )
        form = forms.RecordForm(request.POST, request.FILES, task=task)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_result(
                    access.staff_user(request),
                    task,
                    outcome=data["outcome"],
                    notes=data["notes"],
                    checked_on=data["checked_on"],
                    place=data["place"],
                    people=data["people"],
                    confirmed_codes=data["confirmed_codes"],
                    files=data["attachments"],
                )
            except CaseError as exc:
                error = exc
            else:
                messages.success(request, "核查结果已填报。")
                return redirect("cases:task", pk=task.pk)
    else:
        audit.record(request, "task.view", task, firm=task.firm)
    today = timezone.localdate()
    context = {
        "task": task,
        "records": task.records.select_related("recorded_by").prefetch_related(
            "documents"
        ),
        "form": form,
        "error": error,
        "overdue": task.state == TaskState.ASSIGNED and task.due_date < today,
        "days_left": days_left(task.due_date, today),
        "can_cancel": task.is_open and scoping.may(request.user, "task.cancel"),
        "cancel_form": forms.ReasonForm(),
    }
    status = error.status if error is not None else 200
    return render(request, "cases/task_detail.html", context, status=status)


@require_POST
@scoping.requires("task.cancel")
def cancel_task(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw an open task with a reason."""
    task = task_or_404(request, pk)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写撤销理由。")
        return redirect("cases:task", pk=task.pk)
    try:
        services.cancel_task(
            access.staff_user(request), task, form.cleaned_data["reason"]
        )
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "核查任务已撤销。")
    return redirect("cases:task", pk=task.pk)
