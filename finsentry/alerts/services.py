"""Alert queries and writes other apps, the views and the commands call.

Raising: `sweep()` (all triggers, idempotent), `after_report_import(run_id)`
and `after_patrol_round(round_id)` (the firms just reported or patrolled, so
BIG-01 and critical findings are alerted at once), `check_alerts()` (sweep,
then escalate overdue alerts). Handling: `start_verification`, `confirm`,
`dismiss`, `hand_to_case` (workflow.py). Reading: `visible_alerts`,
`alert_list`, `firm_alerts`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, QuerySet
from django.utils import timezone

from finsentry.alerts.escalation import escalate_overdue
from finsentry.alerts.models import OPEN_STATES, Alert
from finsentry.alerts.raising import (
    SweepResult,
    after_patrol_round,
    after_report_import,
    sweep,
)
from finsentry.alerts.visibility import alert_or_404, visible_alerts
from finsentry.alerts.workflow import confirm, dismiss, hand_to_case, start_verification
from finsentry.registry.models import Firm

UserLike = AbstractBaseUser | AnonymousUser

__all__ = [
    "AlertFilters",
    "after_patrol_round",
    "after_report_import",
    "alert_list",
    "alert_or_404",
    "check_alerts",
    "confirm",
    "dismiss",
    "firm_alerts",
    "hand_to_case",
    "start_verification",
    "sweep",
    "visible_alerts",
]


@dataclass(frozen=True)
class AlertFilters:
    """The list's filters: state ("open" = every open state), domain, level."""

    state: str = "open"
    domain: str = ""
    level: str = ""
    overdue: bool = False


def alert_list(user: UserLike, filters: AlertFilters) -> QuerySet[Alert]:
    """Return the alerts `user` sees matching `filters`, overdue and severe first."""
    alerts = visible_alerts(user).select_related("firm", "office")
    if filters.state == "open":
        alerts = alerts.filter(state__in=sorted(OPEN_STATES))
    elif filters.state:
        alerts = alerts.filter(state=filters.state)
    if filters.domain:
        alerts = alerts.filter(domain=filters.domain)
    if filters.level:
        alerts = alerts.filter(level=filters.level)
    if filters.overdue:
        alerts = alerts.filter(state__in=sorted(OPEN_STATES), due_at__lt=timezone.now())
    due = F("due_at").asc(nulls_last=True)
    return alerts.order_by(due, "-created_at", "-pk")


def firm_alerts(firm: Firm, user: UserLike) -> list[Alert]:
    """Return the alerts on `firm` that `user` sees, newest first."""
    found = visible_alerts(user, Alert.objects.filter(firm=firm))
    return list(found.select_related("office").order_by("-created_at", "-pk"))


@dataclass
class CheckResult:
    """What `check_alerts` did."""

    sweep: SweepResult
    escalated: int


def check_alerts() -> CheckResult:
    """Sweep every trigger, then escalate the overdue alerts; return the counts."""
    swept = sweep()
    return CheckResult(swept, escalate_overdue())
