"""Overdue alerts escalate one office up, once per overdue period.

Each open state has a time limit by level (`data/alerts.yaml`). An alert
still in its state past `due_at` moves to the parent of the office in charge
(county → city → provincial; domain office → provincial), the new office is
told, and a new period of the same length starts, so the next escalation
comes only if that one passes too. At the provincial office the alert stays
and the office is told again.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from finsentry.alerts.models import OPEN_STATES, Alert, AlertEvent
from finsentry.alerts.policy import policy
from finsentry.alerts.routing import READERS
from finsentry.alerts.triggers import LEVEL_NAMES
from finsentry.notices import services as notices

log = logging.getLogger(__name__)


def overdue_alerts(now: datetime | None = None) -> list[int]:
    """Return the ids of open alerts past their state's time limit."""
    now = now or timezone.now()
    late = Alert.objects.filter(state__in=sorted(OPEN_STATES), due_at__lt=now)
    return list(late.order_by("due_at").values_list("pk", flat=True))


@transaction.atomic
def escalate(alert_id: int, now: datetime | None = None) -> bool:
    """Escalate one overdue alert one office up; False when it is no longer due."""
    now = now or timezone.now()
    alert = (
        Alert.objects.select_for_update(of=("self",))
        .select_related("office__parent", "firm")
        .get(pk=alert_id)
    )
    if not alert.overdue_at(now):
        return False
    current = alert.office
    upper = current.parent or current
    limit = policy().time_limit(alert.state, alert.level)

    alert.office = upper
    alert.escalation += 1
    alert.due_at = now + limit if limit is not None else None
    alert.save(update_fields=["office", "escalation", "due_at"])
    alert.offices.add(upper)
    state = alert.get_state_display()
    note = f"“{state}”超过办理时限，由“{current.name}”升级至“{upper.name}”"
    AlertEvent.objects.create(
        alert=alert,
        kind=AlertEvent.Kind.ESCALATED,
        note=note,
        detail={"from": current.code, "to": upper.code, "level": alert.escalation},
    )
    notices.notify_office(
        [upper.pk],
        f"预警逾期升级：{alert.firm.name}（{LEVEL_NAMES[alert.level]}）",
        kind="alert_escalated",
        roles=READERS,
        body=f"{alert.reference} {note}。{alert.title}",
        url=f"/alerts/{alert.pk}/",
        firm_id=alert.firm_id,
        key=f"alert-{alert.pk}-escalated-{alert.escalation}",
    )
    log.info("alert escalated alert=%d to=%s", alert.pk, upper.code)
    return True


def escalate_overdue(now: datetime | None = None) -> int:
    """Escalate every overdue alert once; return how many escalated."""
    return sum(escalate(pk, now) for pk in overdue_alerts(now))
