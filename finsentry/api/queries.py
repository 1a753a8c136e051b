"""What each API list and detail reads, always narrowed by `accounts.scoping`.

These reuse the pages' own queries (the watch list's filters, the case,
task and alert lists), so the API never shows a firm, finding, case, task or
alert that the same user could not open in the staff interface.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from finsentry.accounts import scoping
from finsentry.alerts import services as alerts
from finsentry.alerts.models import Alert
from finsentry.cases import access, queries
from finsentry.cases.models import (
    Case,
    TimelineEntry,
    VerificationRecord,
    VerificationTask,
)
from finsentry.registry import watchlist
from finsentry.registry.models import Firm
from finsentry.rules.catalogue import catalogue
from finsentry.rules.models import Finding

UserLike = AbstractBaseUser | AnonymousUser


def firm_list(user: UserLike, params: Mapping[str, Any]) -> QuerySet[Firm]:
    """Return the firms `user` sees matching the list's filters, by id.

    Without `flagged` every firm is listed; `flagged=true` is the watch list
    and `domain` is membership of a domain's watch list, as on the pages.
    """
    flagged = params.get("flagged")
    filters = watchlist.WatchFilters(
        city=params.get("city") or "",
        county=params.get("county") or "",
        domain=params.get("domain") or "",
        q=(params.get("q") or "").strip(),
        include_all=flagged is not True,
    )
    firms = watchlist.filtered_firms(filters, scoping.visible_firms(user))
    if flagged is False:
        firms = firms.filter(flagged=False)
    return firms


def visible_firm(user: UserLike, uscc: str) -> Firm:
    """Return the firm of this credit code if `user` sees it, else raise Http404."""
    return scoping.firm_or_404(user, uscc=uscc.strip().upper())


def findings_summary(firm: Firm) -> list[dict[str, Any]]:
    """Return a firm's findings counted by catalogue code: all, still open, latest."""
    rows = (
        Finding.objects.filter(firm=firm)
        .values("code", "domain")
        .annotate(
            total=Count("id"),
            open=Count("id", filter=Q(dismissed_at__isnull=True)),
            last_seen=Max("last_seen"),
        )
        .order_by("code", "domain")
    )
    violations = catalogue().violations
    return [
        {
            **row,
            "name": violations[row["code"]].name if row["code"] in violations else "",
            "domain_label": catalogue().domain_label(row["domain"]),
        }
        for row in rows
    ]


def finding_list(user: UserLike, params: Mapping[str, Any]) -> QuerySet[Finding]:
    """Return the findings of firms `user` sees (and unlinked leads when the
    user's scope has no region limit) matching the list's filters."""
    findings = scoping.visible_records(
        user, Finding.objects.select_related("firm"), via="firm", unlinked=True
    )
    if params.get("firm"):
        findings = findings.filter(firm__uscc=params["firm"].strip().upper())
    for field in ("code", "domain", "source"):
        if params.get(field):
            findings = findings.filter(**{field: params[field]})
    if params.get("dismissed") is not None:
        findings = findings.filter(dismissed_at__isnull=not params["dismissed"])
    return findings


def visible_finding(user: UserLike, pk: int) -> Finding:
    """Return the finding if `user` sees its firm (or the unlinked lead), else 404."""
    findings = Finding.objects.select_related("firm")
    return scoping.record_or_404(user, findings, unlinked=True, pk=pk)


def case_list(user: UserLike, params: Mapping[str, Any]) -> QuerySet[Case]:
    """Return the cases `user` sees matching the list's filters, with deadlines."""
    filters = queries.CaseFilters(
        state=params.get("state") or "",
        domain=params.get("domain") or "",
        city=params.get("city") or "",
        overdue=bool(params.get("overdue")),
        q=params.get("q") or "",
    )
    cases = queries.case_list(user, filters)
    if params.get("firm"):
        cases = cases.filter(firm__uscc=params["firm"].strip().upper())
    return cases


def visible_case(user: UserLike, pk: int) -> Case:
    """Return the case with its deadline if `user` sees it, else raise Http404."""
    cases = queries.with_deadlines(access.visible_cases(user), timezone.localdate())
    steps = TimelineEntry.objects.select_related("actor")
    found = (
        cases.select_related("firm", "office")
        .prefetch_related("findings", Prefetch("timeline", queryset=steps))
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("没有该案件，或该案件不在您的工作范围内")
    return found


def task_list(user: UserLike, params: Mapping[str, Any]) -> QuerySet[VerificationTask]:
    """Return the user's tasks: "mine" (their or their office's open work, the
    default), "done" (theirs, finished) or "all" (every task they see)."""
    return queries.task_list(user, scope=params.get("scope") or "mine")


def visible_task(user: UserLike, pk: int) -> VerificationTask:
    """Return the task if `user` sees it, else raise Http404."""
    tasks = access.visible_tasks(user).select_related(
        "firm",
        "case",
        "assignee_office",
        "assignee",
        "assigned_by",
        "assigned_by_office",
    )
    records = VerificationRecord.objects.select_related("recorded_by")
    found = (
        tasks.prefetch_related(
            "findings", Prefetch("records", queryset=records), "records__documents"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("没有该核查任务，或该任务不在您的工作范围内")
    return found


def alert_list(user: UserLike, params: Mapping[str, Any]) -> QuerySet[Alert]:
    """Return the alerts `user` sees matching the list's filters.

    Unlike the page, which opens on the open alerts, no `state` lists every
    alert; `state=open` is the page's default.
    """
    filters = alerts.AlertFilters(
        state=params.get("state") or "",
        domain=params.get("domain") or "",
        level=params.get("level") or "",
        overdue=bool(params.get("overdue")),
    )
    found = alerts.alert_list(user, filters)
    if params.get("firm"):
        found = found.filter(firm__uscc=params["firm"].strip().upper())
    return found


def visible_alert(user: UserLike, pk: int) -> Alert:
    """Return the alert if `user` sees it, else raise Http404."""
    return alerts.alert_or_404(user, pk)
