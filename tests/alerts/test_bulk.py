"""A sweep of many triggers writes the same alerts in bulk as one by one."""

from __future__ import annotations

from typing import Any

import pytest

from finsentry.alerts import raising
from finsentry.alerts.models import Alert, AlertEvent, AlertTrigger, SweepMark
from finsentry.notices.models import Notice
from tests.alerts.conftest import critical_finding, import_big
from tests.alerts.scores import level_change


def _world(yanji_firm: Any, cc_firm: Any) -> None:
    """Two firms: a level crossing and two critical findings on one, BIG-01 and
    a crossing to critical on the other."""
    level_change(yanji_firm, "watch", "high", 30, 55)
    critical_finding(yanji_firm, "P2P-01")
    critical_finding(yanji_firm, "P2P-17")
    level_change(cc_firm, "watch", "critical", 20, 85)


def _summary() -> list[tuple[Any, ...]]:
    """Return what the alerts say, with nothing that depends on the write order."""
    rows = []
    for alert in Alert.objects.order_by("firm_id", "domain"):
        rows.append(
            (
                alert.firm_id,
                alert.domain,
                alert.level,
                alert.kind,
                alert.title,
                alert.office.code,
                sorted(alert.offices.values_list("code", flat=True)),
                sorted(e["key"] for e in alert.evidence),
                sorted(alert.triggers.values_list("key", flat=True)),
                alert.events.count(),
                alert.due_at - alert.state_since if alert.due_at else None,
                # Who is told; one by one, a merge that raises the level tells
                # them again, where a bulk write tells each reader once.
                sorted(
                    set(
                        Notice.objects.filter(url=f"/alerts/{alert.pk}/").values_list(
                            "recipient__username", flat=True
                        )
                    )
                ),
            )
        )
    return rows


def _forget() -> None:
    Notice.objects.all().delete()
    AlertEvent.objects.all().delete()
    AlertTrigger.objects.all().delete()
    Alert.objects.all().delete()
    SweepMark.objects.all().delete()


def test_bulk_and_one_by_one_write_the_same_alerts(
    staff, yanji_firm, cc_firm, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _world(yanji_firm, cc_firm)
    import_big(cc_firm)
    _forget()

    monkeypatch.setattr(raising, "BULK_FROM", 1)
    bulk = raising.sweep()
    in_bulk = _summary()
    _forget()
    monkeypatch.setattr(raising, "BULK_FROM", 10**9)
    single = raising.sweep()

    assert in_bulk == _summary()
    assert (bulk.raised, bulk.merged) == (single.raised, single.merged)
    assert bulk.raised == 3 and bulk.merged >= 2


def test_bulk_sweep_merges_into_open_alerts_and_raises_once(
    staff, yanji_firm, cc_firm, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(raising, "BULK_FROM", 1)
    critical_finding(yanji_firm, "P2P-04")
    raising.sweep()
    _world(yanji_firm, cc_firm)

    result = raising.sweep()
    again = raising.sweep()

    assert Alert.objects.filter(firm=yanji_firm).count() == 1
    assert (result.raised, result.merged) == (1, 3)
    assert (again.raised, again.merged) == (0, 0)
