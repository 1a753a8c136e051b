"""Alert pages: the list, one alert with its evidence, and the handling steps.

Views only parse, call `services`, and render; a refused step comes back as
the alert page with the reason and the error's status, nothing changed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from finsentry.accounts import audit, scoping
from finsentry.alerts import forms, services, workflow
from finsentry.alerts.models import Alert
from finsentry.cases import access
from finsentry.cases.errors import CaseError
from finsentry.rules.models import Finding

PAGE_SIZE = 50
# The facts an alert's evidence keeps (raising.py, big01.py), as staff read them.
FACT_LABELS = {
    "month": "数据月份",
    "balance": "借贷余额（万元）",
    "lenders": "出借人数",
    "balance_growth": "借贷余额增长",
    "volume_growth": "成交额增长",
    "growth_since": "增长起算月份",
    "platform": "对接平台编号",
    "size": "规模或增速",
    "signs": "非法集资迹象",
    "old_level": "原风险等级",
    "new_level": "新风险等级",
    "old_score": "原风险分",
    "new_score": "新风险分",
    "top_items": "主要得分项",
    "code": "违规代码",
    "source": "来源",
}


def _facts(facts: dict[str, Any]) -> list[tuple[str, str]]:
    """Return an evidence item's facts as (label, text) rows."""
    rows = []
    for key, value in facts.items():
        if isinstance(value, list):
            text = "；".join(map(str, value))
        elif key.endswith("_growth"):
            text = f"{value:.0%}"
        else:
            text = str(value)
        rows.append((FACT_LABELS.get(key, key), text))
    return rows


@scoping.requires("alert.view")
def alert_list(request: HttpRequest) -> HttpResponse:
    """Render the alerts the user sees, filtered; overdue ones flagged."""
    form = forms.AlertFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = services.AlertFilters(
        state=data.get("state", "open") if form.is_bound else "open",
        domain=data.get("domain", "") or "",
        level=data.get("level", "") or "",
        overdue=bool(data.get("overdue")),
    )
    alerts = services.alert_list(request.user, filters)
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "page": page, "query": params.urlencode()}
    return render(request, "alerts/alert_list.html", context)


def _step_forms(alert: Alert, request: HttpRequest) -> dict[str, Form]:
    makers = {
        "verify": lambda: forms.VerifyForm(firm=alert.firm),
        "confirm": lambda: forms.NoteForm(),
        "dismiss": lambda: forms.DismissForm(),
        "hand": lambda: forms.HandForm(),
    }
    steps = workflow.available(alert, request.user)
    return {s.name: makers[s.name]() for s in steps}


def _render(
    request: HttpRequest,
    alert: Alert,
    *,
    bound: tuple[str, Form] | None = None,
    error: CaseError | None = None,
) -> HttpResponse:
    step_forms = _step_forms(alert, request)
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    cited = {f.pk: f for f in Finding.objects.filter(pk__in=alert.finding_ids())}
    evidence = [
        (
            item,
            [cited[i] for i in item.get("findings", []) if i in cited],
            _facts(item.get("facts", {})),
        )
        for item in alert.evidence
    ]
    context = {
        "alert": alert,
        "evidence": evidence,
        "events": alert.events.select_related("actor"),
        "offices": alert.offices.order_by("kind", "code"),
        "steps": [
            (name, workflow.STEPS[name].label, form)
            for name, form in step_forms.items()
        ],
        "error": error,
    }
    status = error.status if error is not None else 200
    return render(request, "alerts/alert_detail.html", context, status=status)


@scoping.requires("alert.view")
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Render one alert: why it was raised, where it went, and its steps."""
    alert = services.alert_or_404(request.user, pk)
    audit.record(request, "alert.view", alert, firm=alert.firm)
    return _render(request, alert)


def _run(name: str, alert: Alert, request: HttpRequest) -> tuple[Form, Any]:
    """Bind the step's form and, when valid, run the service; return both."""
    user = access.staff_user(request)
    post = request.POST
    if name == "verify":
        verify = forms.VerifyForm(post, firm=alert.firm)
        if not verify.is_valid():
            return verify, None
        data = verify.cleaned_data
        return verify, services.start_verification(
            user,
            alert,
            method=data["method"],
            due_date=data["due_date"],
            assignee_office=data["assignee_office"],
            instructions=data["instructions"],
        )
    if name == "confirm":
        note = forms.NoteForm(post)
        ok = note.is_valid()
        return note, ok and services.confirm(
            user, alert, note=note.cleaned_data["note"]
        )
    if name == "dismiss":
        reason = forms.DismissForm(post)
        if not reason.is_valid():
            return reason, None
        return reason, services.dismiss(
            user, alert, reason=reason.cleaned_data["reason"]
        )
    hand = forms.HandForm(post)
    ok = hand.is_valid()
    summary = hand.cleaned_data.get("summary", "") if ok else ""
    return hand, ok and services.hand_to_case(user, alert, summary=summary)


STEP_DONE = {
    "verify": "已下达核查任务，预警进入核查。",
    "confirm": "预警已确认。",
    "dismiss": "预警已排除。",
    "hand": "预警已移交处置案件。",
}


@require_POST
@scoping.requires("alert.handle")
def alert_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Take one handling step on the alert; re-render with the reason if refused."""
    if step not in workflow.STEPS:
        raise Http404("没有该操作")
    alert = services.alert_or_404(request.user, pk)
    try:
        form, done = _run(step, alert, request)
    except CaseError as exc:
        return _render(request, alert, error=exc)
    if not done:
        return _render(request, alert, bound=(step, form))
    messages.success(request, STEP_DONE[step])
    return redirect("alerts:alert", pk=alert.pk)
