"""Alert pages: the early warnings and their handling.

The alert is a critical P2P alert on the 延吉 firm, routed to its county and
city groups, the P2P office and the province, so every placed persona reads
it. Handling needs "alert.handle" (case workers); each step's row puts the
alert in a state the step starts from. Verify and dismiss are posted empty
(the form comes back with its errors); confirm and hand are taken for real.
"""

from __future__ import annotations

from typing import Any

from finsentry.accounts.models import Office
from finsentry.alerts.models import Alert, Kind, State
from tests.accounts.matrix import EXPORTERS, PLACED, Row
from tests.accounts.matrix.world import AT

HANDLERS = EXPORTERS
ROUTED = ("county-222401", "city-2224", "domain-p2p", "province")


def alert(world: Any, state: str = State.NEW) -> Alert:
    """Return the 延吉 firm's alert, made once per world, put in `state`."""
    if not hasattr(world, "_alert"):
        finding = world.yanji.findings.first()
        world._alert = Alert.objects.create(
            firm=world.yanji,
            domain="p2p",
            level="critical",
            kind=Kind.FINDING,
            title="矩阵测试预警",
            evidence=[
                {"kind": "finding", "text": "矩阵测试", "findings": [finding.pk]}
            ],
            office=Office.objects.get(code=ROUTED[0]),
            created_at=AT,
        )
        world._alert.offices.set(Office.objects.filter(code__in=ROUTED))
    Alert.objects.filter(pk=world._alert.pk).update(state=state)
    return world._alert


def step(name: str, state: str = State.NEW) -> Any:
    return lambda w: [alert(w, state).pk, name]


ROWS = [
    Row("alerts:list", PLACED, data=lambda w: {"state": ""}),
    Row("alerts:alert", PLACED, args=lambda w: [alert(w).pk]),
    Row("alerts:step", HANDLERS, method="POST", args=step("verify")),
    Row("alerts:step", HANDLERS, method="POST", args=step("confirm", State.VERIFYING)),
    Row("alerts:step", HANDLERS, method="POST", args=step("dismiss")),
    Row("alerts:step", HANDLERS, method="POST", args=step("hand", State.CONFIRMED)),
]
