"""Raising alerts: triggers (triggers.py) become alerts or merge into open ones.

Triggers are read from tables other apps write in bulk (risk level changes,
findings, platform reports), so they are swept, never signalled: a level
change is read once past a watermark; a critical finding and a BIG-01
combination are keyed (`AlertTrigger`), so a sweep run twice, or a finding
linked to its firm late, raises exactly once. A trigger on a firm and domain
with an open alert adds its evidence to that alert instead of a second one.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from finsentry.accounts.models import Office
from finsentry.accounts.offices import PROVINCIAL_CODE
from finsentry.alerts.bulk import raise_many
from finsentry.alerts.models import (
    OPEN_STATES,
    Alert,
    AlertEvent,
    AlertTrigger,
    State,
    SweepMark,
)
from finsentry.alerts.policy import AlertPolicy, higher, policy
from finsentry.alerts.routing import READERS, choose_offices, trigger_routes
from finsentry.alerts.triggers import (
    LEVEL_NAMES,
    Trigger,
    big01_triggers,
    finding_triggers,
    level_triggers,
    mark,
)
from finsentry.docking.models import PlatformReport
from finsentry.notices import services as notices
from finsentry.registry.models import Firm

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    """What a sweep did: alerts raised, alerts added to, per trigger kind."""

    raised: int = 0
    merged: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def note(self, trigger: Trigger, outcome: bool | None) -> None:
        """Count a trigger that became an alert (True) or was added to one
        (False); one handled before (None) counts nothing."""
        if outcome is None:
            return
        self.by_kind[trigger.kind] += 1
        if outcome:
            self.raised += 1
        else:
            self.merged += 1


def _offices(codes: Iterable[str]) -> list[Office]:
    wanted = list(codes)
    found = {o.code: o for o in Office.objects.filter(code__in=wanted)}
    return [found[c] for c in wanted if c in found]


def _notify(alert: Alert, offices: list[Office], title: str, body: str) -> None:
    notices.notify_office(
        [o.pk for o in offices],
        title,
        kind="alert",
        roles=READERS,
        body=body,
        url=f"/alerts/{alert.pk}/",
        firm_id=alert.firm_id,
        key=f"alert-{alert.pk}-{alert.level}-{len(alert.evidence)}",
    )


def _due(alert: Alert, rules: AlertPolicy) -> None:
    limit = rules.time_limit(alert.state, alert.level)
    alert.due_at = alert.state_since + limit if limit is not None else None


@transaction.atomic
def raise_alert(trigger: Trigger, rules: AlertPolicy | None = None) -> bool | None:
    """Turn a trigger into a new alert (True) or add it to the open alert on the
    same firm and domain (False); None when its key was handled before."""
    rules = rules or policy()
    # Locking the firm first makes concurrent sweeps take its triggers in turn.
    firm = Firm.objects.select_for_update().get(pk=trigger.firm_id)
    if AlertTrigger.objects.filter(key=trigger.key).exists():
        return None
    open_alerts = Alert.objects.select_for_update().filter(
        firm=firm, domain=trigger.domain, state__in=sorted(OPEN_STATES)
    )
    alert = open_alerts.first()
    codes = trigger_routes(
        firm.city_code,
        firm.county_code,
        trigger.domain,
        trigger.also_domains,
        level=trigger.level,
        provincial=trigger.provincial,
    )
    found = {o.code: o for o in _offices([*codes, PROVINCIAL_CODE])}
    routed, in_charge = choose_offices(codes, found, trigger.kind)

    if alert is None:
        alert = Alert(
            firm=firm,
            domain=trigger.domain,
            level=trigger.level,
            kind=trigger.kind,
            title=trigger.text[:300],
            evidence=[trigger.item()],
            office=in_charge,
        )
        _due(alert, rules)
        alert.save()
        alert.offices.set(routed)
        AlertEvent.objects.create(
            alert=alert,
            kind=AlertEvent.Kind.RAISED,
            to_state=State.NEW,
            note=trigger.text,
            detail={"key": trigger.key, "offices": [o.code for o in routed]},
        )
        AlertTrigger.objects.create(key=trigger.key, alert=alert)
        level = LEVEL_NAMES[alert.level]
        _notify(alert, routed, f"{level}预警：{firm.name}", trigger.text)
        log.info(
            "alert raised alert=%d kind=%s level=%s",
            alert.pk,
            trigger.kind,
            alert.level,
        )
        return True

    before = alert.level
    known = set(alert.offices.values_list("pk", flat=True))
    added = [o for o in routed if o.pk not in known]
    alert.evidence = [*alert.evidence, trigger.item()]
    alert.level = higher(alert.level, trigger.level)
    limit = rules.time_limit(alert.state, alert.level)
    if alert.level != before and alert.due_at is not None and limit is not None:
        # A higher level shortens the time left to the new level's limit from
        # now, never lengthens it, and never puts it in the past (an escalated
        # alert keeps the period its escalation gave it).
        alert.due_at = min(alert.due_at, timezone.now() + limit)
    alert.save(update_fields=["evidence", "level", "due_at"])
    alert.offices.add(*added)
    AlertEvent.objects.create(
        alert=alert,
        kind=AlertEvent.Kind.MERGED,
        note=trigger.text,
        detail={
            "key": trigger.key,
            "level": [before, alert.level],
            "offices": [o.code for o in added],
        },
    )
    AlertTrigger.objects.create(key=trigger.key, alert=alert)
    raised = alert.level != before
    told = list(alert.offices.all()) if raised else added
    if told:
        level = LEVEL_NAMES[alert.level]
        _notify(alert, told, f"{level}预警（补充依据）：{firm.name}", trigger.text)
    return False


# From this many triggers a sweep writes new alerts in bulk (bulk.py).
BULK_FROM = 200


def sweep(firm_ids: Iterable[int] | None = None) -> SweepResult:
    """Run all three triggers and return what they did; safe to run any time.

    With `firm_ids`, BIG-01 and the critical findings look at those firms only
    (after a docking import); the level changes are always read to the end.
    """
    rules = policy()
    result = SweepResult()
    wanted = list(firm_ids) if firm_ids is not None else None

    watermark = mark("level_change")
    last = watermark.last_id
    triggers: list[Trigger] = []
    for trigger, change_id in level_triggers(rules):
        if trigger is not None:
            triggers.append(trigger)
        last = change_id
    triggers += finding_triggers(rules, wanted)
    triggers += big01_triggers(rules, wanted)

    if len(triggers) >= BULK_FROM:
        raise_many(triggers, rules, raise_alert, result.note)
    else:
        for trigger in triggers:
            result.note(trigger, raise_alert(trigger, rules))
    SweepMark.objects.filter(pk=watermark.pk).update(last_id=last)
    log.info("alert sweep finished raised=%d merged=%d", result.raised, result.merged)
    return result


def after_report_import(run_id: int) -> SweepResult:
    """Sweep the firms whose platforms a finished docking import wrote (BIG-01 is
    reported at once, plan 四(二)4)."""
    firms = (
        PlatformReport.objects.filter(
            import_run_id=run_id, platform__firm__isnull=False
        )
        .values_list("platform__firm_id", flat=True)
        .distinct()
    )
    return sweep([f for f in firms if f is not None])


def after_patrol_round(round_id: int) -> SweepResult:
    """Sweep the firms whose sites a finished patrol round visited, so a critical
    finding or a new BIG-01 sign on the web is alerted at once."""
    from finsentry.patrol.models import RoundSite

    sites = RoundSite.objects.filter(round_id=round_id, site__firm__isnull=False)
    firms = sites.values_list("site__firm_id", flat=True).distinct()
    return sweep([f for f in firms if f is not None])


def sweep_after(event: str, run: Callable[[], SweepResult]) -> SweepResult | None:
    """Run a sweep at the end of another job, which must not fail because of it.

    The job's own data is committed by then; a failed sweep is logged and the
    hourly `check-alerts` raises what it missed.
    """
    try:
        return run()
    except Exception:
        log.exception("alert sweep after %s failed; check-alerts will retry", event)
        return None
