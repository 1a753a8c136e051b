"""Case pages: the list, one case with its steps, opening a case, adding files.

Views only parse, call `services`, and render; a refused step comes back as
the case page with the reason and the status of the error, nothing changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from finsentry.accounts import audit, scoping
from finsentry.cases import access, forms, queries, services
from finsentry.cases.dossier import case_dossier
from finsentry.cases.errors import CaseError
from finsentry.cases.models import Case
from finsentry.cases.transitions import CASE_TRANSITIONS, available, check
from finsentry.registry.watchlist import city_names

log = logging.getLogger(__name__)
PAGE_SIZE = 50


def case_or_404(request: HttpRequest, pk: int) -> Case:
    """Return the case if the user sees it, else 404 as if it did not exist."""
    case = access.visible_cases(request.user).select_related("firm").filter(pk=pk)
    found = case.first()
    if found is None:
        raise Http404("没有该案件，或该案件不在您的工作范围内")
    return found


@scoping.requires("case.view")
def case_list(request: HttpRequest) -> HttpResponse:
    """Render the cases the user sees, filtered, with overdue orders marked."""
    cities = sorted(city_names().items())
    form = forms.CaseFilterForm(request.GET or None, cities=cities)
    data = form.cleaned_data if form.is_valid() else {}
    filters = queries.CaseFilters(
        state=data.get("state", "") or "",
        domain=data.get("domain", "") or "",
        city=data.get("city", "") or "",
        overdue=bool(data.get("overdue")),
        q=data.get("q", "") or "",
    )
    page = Paginator(queries.case_list(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "page": page, "query": params.urlencode()}
    return render(request, "cases/case_list.html", context)


def _step_forms(case: Case, request: HttpRequest) -> dict[str, Form]:
    """Return a blank form for every step the user may take on the case now."""
    role = scoping.role_of(request.user)
    steps = {_slug(t.name) for t in available(CASE_TRANSITIONS, case.state, role)}
    makers: dict[str, Callable[[], Form]] = {
        "classify_compliant": lambda: forms.EvidenceForm(case=case),
        "order_rectification": lambda: forms.OrderForm(case=case),
        "reorder": lambda: forms.OrderForm(case=case),
        "recheck": lambda: forms.RecheckForm(case=case),
        "shut_down": lambda: forms.EvidenceForm(case=case),
        "refer": lambda: forms.ReferForm(case=case),
        "accept": lambda: forms.ConclusionForm(),
        "reopen": lambda: forms.ReasonForm(),
    }
    return {name: make() for name, make in makers.items() if name in steps}


def _slug(name: str) -> str:
    """Return the URL name of a step: both re-check outcomes are one form."""
    return "recheck" if name.startswith("recheck_") else name


STEP_SLUGS = {_slug(name): name for name in CASE_TRANSITIONS if name != "open"}
STEP_SLUGS["recheck"] = "recheck_passed"


def step_label(slug: str) -> str:
    """Return what a step's button says."""
    return "回头看" if slug == "recheck" else CASE_TRANSITIONS[STEP_SLUGS[slug]].label


def _render_case(
    request: HttpRequest,
    case: Case,
    *,
    bound: tuple[str, Form] | None = None,
    error: CaseError | None = None,
) -> HttpResponse:
    dossier = case_dossier(case.firm, request.user)
    view = next(v for v in dossier.cases if v.case.pk == case.pk)
    step_forms = _step_forms(view.case, request)
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    context = {
        "view": view,
        "case": view.case,
        "tasks": [t for t in dossier.tasks if t.task.case_id == case.pk],
        "documents": [d for d in dossier.documents if d.case_id == case.pk],
        "steps": [(slug, step_label(slug), form) for slug, form in step_forms.items()],
        "document_form": forms.DocumentForm()
        if scoping.may(request.user, "case.note")
        else None,
        "error": error,
    }
    status = error.status if error is not None else 200
    return render(request, "cases/case_detail.html", context, status=status)


@scoping.requires("case.view")
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Render one case: its state, orders, timeline, and the steps open to the user."""
    case = case_or_404(request, pk)
    audit.record(request, "case.view", case, firm=case.firm)
    return _render_case(request, case)


def _evidence(form: Any) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "reasoning": data["reasoning"],
        "findings": list(data["findings"]),
        "tasks": list(data["tasks"]),
    }


def _run_step(name: str, case: Case, request: HttpRequest) -> tuple[Form, Any]:
    """Bind the step's form and, when it is valid, run the service; return both."""
    user = access.staff_user(request)
    post = request.POST
    if name in ("classify_compliant", "shut_down"):
        form: Any = forms.EvidenceForm(post, case=case)
        call = (
            services.classify_compliant
            if name == "classify_compliant"
            else (services.shut_down)
        )
        return form, form.is_valid() and call(user, case, **_evidence(form))
    if name in ("order_rectification", "reorder"):
        form = forms.OrderForm(post, case=case)
        return form, form.is_valid() and services.order_rectification(
            user,
            case,
            demands=form.demand_list(),
            days=form.cleaned_data["days"],
            day_kind=form.cleaned_data["day_kind"],
            served_on=form.cleaned_data["served_on"],
            **_evidence(form),
        )
    if name == "recheck":
        form = forms.RecheckForm(post, case=case)
        return form, form.is_valid() and services.record_recheck(
            user,
            case,
            results=form.results(),
            checked_on=form.cleaned_data["checked_on"],
            notes=form.cleaned_data["notes"],
        )
    if name == "refer":
        form = forms.ReferForm(post, case=case)
        data = form.cleaned_data if form.is_valid() else {}
        return form, bool(data) and services.refer(
            user,
            case,
            organ_kind=data["organ_kind"],
            organ_name=data["organ_name"],
            referred_on=data["referred_on"],
            reference=data["reference"],
            **_evidence(form),
        )
    if name == "accept":
        form = forms.ConclusionForm(post)
        return form, form.is_valid() and services.accept(
            user, case, conclusion=form.cleaned_data["conclusion"]
        )
    form = forms.ReasonForm(post)
    return form, form.is_valid() and services.reopen(
        user, case, reason=form.cleaned_data["reason"]
    )


@require_POST
@scoping.requires("case.view")
def case_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Take one workflow step on the case; refusals come back with the reason."""
    if step not in STEP_SLUGS:
        raise Http404("没有该操作")
    case = case_or_404(request, pk)
    role = scoping.role_of(request.user)
    try:
        # Refuse before reading the form, so a forbidden step never shows errors.
        check(CASE_TRANSITIONS, STEP_SLUGS[step], case.state, role)
        form, done = _run_step(step, case, request)
    except CaseError as exc:
        log.info("case step refused case=%s step=%s code=%s", pk, step, exc.code)
        return _render_case(request, case, error=exc)
    if not done:
        return _render_case(request, case, bound=(step, form))
    case.refresh_from_db()
    state = case.state_enum.label
    messages.success(request, f"已办理：{step_label(step)}（现状态：{state}）")
    return redirect("cases:case", pk=case.pk)


@scoping.requires("case.open")
def open_case(request: HttpRequest, uscc: str) -> HttpResponse:
    """Open a case on a firm in one domain."""
    firm = scoping.firm_or_404(request.user, uscc=uscc.upper())
    form = forms.OpenCaseForm(
        request.POST or None, initial=_default_domain(request, firm)
    )
    error: CaseError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(
                access.staff_user(request),
                firm,
                form.cleaned_data["domain"],
                summary=form.cleaned_data["summary"],
            )
        except CaseError as exc:
            error = exc
        else:
            messages.success(request, f"已立案：{case.reference}")
            return redirect("cases:case", pk=case.pk)
    status = error.status if error is not None else 200
    context = {"firm": firm, "form": form, "error": error}
    return render(request, "cases/open_case.html", context, status=status)


def _default_domain(request: HttpRequest, firm: Any) -> dict[str, str]:
    domain = scoping.scope_of(request.user).domain
    return {"domain": domain or (firm.domain_list[0] if firm.domain_list else "")}


@require_POST
@scoping.requires("case.note")
def add_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Store a file on the case; the file is kept by SHA-256 and never replaced."""
    case = case_or_404(request, pk)
    form = forms.DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件。")
        return redirect("cases:case", pk=case.pk)
    try:
        stored = services.add_case_document(
            access.staff_user(request),
            case,
            form.cleaned_data["file"],
            form.cleaned_data["note"],
        )
    except CaseError as exc:
        return _render_case(request, case, error=exc)
    messages.success(request, f"已添加材料：{stored.name}")
    return redirect("cases:case", pk=case.pk)
