"""Raising many alerts at once: the first sweep after a whole registry is scored.

`raising.raise_alert` takes one trigger in its own transaction, about fifteen
queries. That suits the daily trickle, but the first scoring of a registry
of millions lifts a hundred thousand firms to "high" at once. `raise_many`
gives the same result in a few queries per thousand triggers: triggers whose
key was handled before are dropped; those on a firm and domain with an open
alert go through `raise_alert` (they merge); the rest are grouped by firm and
domain, and each group becomes one alert as if its first trigger had raised
it and the others had merged into it (highest level, every piece of
evidence, the union of the offices routed to). Alerts, offices, events,
trigger keys and notices are written with `bulk_create`, a chunk per
transaction; a chunk that meets a concurrent sweep's alert falls back to
`raise_alert` trigger by trigger.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from finsentry.accounts.models import Office
from finsentry.alerts.models import (
    OPEN_STATES,
    Alert,
    AlertEvent,
    AlertTrigger,
    State,
)
from finsentry.alerts.policy import AlertPolicy, higher
from finsentry.alerts.routing import READERS, choose_offices, trigger_routes
from finsentry.alerts.triggers import LEVEL_NAMES, Trigger
from finsentry.notices.models import Notice
from finsentry.notices.services import office_members, send_emails
from finsentry.registry.models import Firm

log = logging.getLogger(__name__)

# Rows per query for `IN (...)` lookups: within SQLite's variable limit.
LOOKUP = 900
# Firm and domain groups written per transaction.
CHUNK = 1000

Raise = Callable[[Trigger, AlertPolicy], bool | None]
Count = Callable[[Trigger, bool | None], None]


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _handled(keys: Sequence[str]) -> set[str]:
    done: set[str] = set()
    for part in _chunks(keys, LOOKUP):
        found = AlertTrigger.objects.filter(key__in=list(part))
        done.update(found.values_list("key", flat=True))
    return done


def _open_pairs(firm_ids: Sequence[int]) -> set[tuple[int, str]]:
    pairs: set[tuple[int, str]] = set()
    for part in _chunks(firm_ids, LOOKUP):
        found = Alert.objects.filter(
            firm_id__in=list(part), state__in=sorted(OPEN_STATES)
        )
        pairs.update(found.values_list("firm_id", "domain"))
    return pairs


def _places(firm_ids: Sequence[int]) -> dict[int, tuple[str, str, str]]:
    places: dict[int, tuple[str, str, str]] = {}
    for part in _chunks(firm_ids, LOOKUP):
        rows = Firm.objects.filter(pk__in=list(part))
        for pk, city, county, name in rows.values_list(
            "pk", "city_code", "county_code", "name"
        ):
            places[pk] = (city, county, name)
    return places


def raise_many(
    triggers: Iterable[Trigger],
    rules: AlertPolicy,
    one_by_one: Raise,
    count: Count,
) -> None:
    """Raise alerts for `triggers`; `count(trigger, outcome)` hears each outcome.

    `one_by_one` is `raising.raise_alert`, used for the triggers that merge.
    """
    fresh: dict[str, Trigger] = {}
    for trigger in triggers:
        fresh.setdefault(trigger.key, trigger)
    done = _handled(list(fresh))
    todo = [t for key, t in fresh.items() if key not in done]
    if not todo:
        return
    firm_ids = sorted({t.firm_id for t in todo})
    merging = _open_pairs(firm_ids)
    groups: dict[tuple[int, str], list[Trigger]] = defaultdict(list)
    for trigger in todo:
        pair = (trigger.firm_id, trigger.domain)
        if pair in merging:
            count(trigger, one_by_one(trigger, rules))
        else:
            groups[pair].append(trigger)
    if not groups:
        return

    places = _places(firm_ids)
    offices = {o.code: o for o in Office.objects.all()}
    readers = _readers(offices.values())
    pairs = sorted(groups)
    for part in _chunks(pairs, CHUNK):
        batch = {pair: groups[pair] for pair in part}
        try:
            with transaction.atomic():
                _write(batch, places, offices, readers, rules)
        except IntegrityError:
            # A concurrent sweep raised one of these first: merge one by one.
            log.warning("bulk alert chunk met an open alert; raising one by one")
            for items in batch.values():
                for trigger in items:
                    count(trigger, one_by_one(trigger, rules))
            continue
        for items in batch.values():
            count(items[0], True)
            for trigger in items[1:]:
                count(trigger, False)


def _readers(offices: Iterable[Office]) -> dict[int, list[int]]:
    """Return the ids of each office's alert readers (routing.READERS)."""
    members: dict[int, list[int]] = defaultdict(list)
    users = office_members([o.pk for o in offices], READERS)
    for user_id, office_id in users.values_list("pk", "staff_profile__office_id"):
        members[office_id].append(user_id)
    return members


def _write(
    batch: dict[tuple[int, str], list[Trigger]],
    places: dict[int, tuple[str, str, str]],
    offices: dict[str, Office],
    readers: dict[int, list[int]],
    rules: AlertPolicy,
) -> None:
    now = timezone.now()
    alerts: list[Alert] = []
    routed: list[list[Office]] = []
    for (firm_id, domain), items in batch.items():
        city, county, _ = places.get(firm_id, ("", "", ""))
        codes: list[str] = []
        level = items[0].level
        for trigger in items:
            codes += trigger_routes(
                city,
                county,
                trigger.domain,
                trigger.also_domains,
                level=trigger.level,
                provincial=trigger.provincial,
            )
            level = higher(level, trigger.level)
        first = items[0]
        to, in_charge = choose_offices(codes, offices, first.kind)
        limit = rules.time_limit(State.NEW, level)
        alerts.append(
            Alert(
                firm_id=firm_id,
                domain=domain,
                level=level,
                kind=first.kind,
                title=first.text[:300],
                evidence=[t.item() for t in items],
                office=in_charge,
                created_at=now,
                state_since=now,
                due_at=now + limit if limit is not None else None,
            )
        )
        routed.append(to)
    Alert.objects.bulk_create(alerts)

    through = Alert.offices.through
    links, events, keys, notices = [], [], [], []
    for alert, to, items in zip(alerts, routed, batch.values(), strict=True):
        links += [through(alert_id=alert.pk, office_id=o.pk) for o in to]
        first, rest = items[0], items[1:]
        events.append(
            AlertEvent(
                alert=alert,
                kind=AlertEvent.Kind.RAISED,
                at=now,
                to_state=State.NEW,
                note=first.text,
                detail={"key": first.key, "offices": [o.code for o in to]},
            )
        )
        events += [
            AlertEvent(
                alert=alert,
                kind=AlertEvent.Kind.MERGED,
                at=now,
                note=t.text,
                detail={"key": t.key, "level": [first.level, alert.level]},
            )
            for t in rest
        ]
        keys += [AlertTrigger(key=t.key, alert=alert, at=now) for t in items]
        _, _, name = places.get(alert.firm_id, ("", "", ""))
        people = {u for o in to for u in readers.get(o.pk, [])}
        key = f"alert-{alert.pk}-{alert.level}-{len(alert.evidence)}"
        notices += [
            Notice(
                recipient_id=person,
                kind="alert",
                title=f"{LEVEL_NAMES[alert.level]}预警：{name}"[:200],
                body=first.text,
                url=f"/alerts/{alert.pk}/",
                firm_id=alert.firm_id,
                key=key,
                created_at=now,
            )
            for person in sorted(people)
        ]
    through.objects.bulk_create(links)
    AlertEvent.objects.bulk_create(events, batch_size=2000)
    AlertTrigger.objects.bulk_create(keys, batch_size=2000)
    Notice.objects.bulk_create(notices, batch_size=2000)
    if notices and getattr(settings, "NOTICE_EMAIL", False):
        # The e-mail copies, as `notices.notify` sends them, once committed.
        ids = [n.pk for n in notices if n.pk is not None]
        transaction.on_commit(lambda: send_emails(ids))
    log.info("alerts raised in bulk alerts=%d triggers=%d", len(alerts), len(keys))
