"""The JSON API: firms, findings, cases, tasks, alerts, operating reports, the schema.

The API answers an anonymous request 401 (the matrix counts it as asked to
log in) and a logged-in persona without the grant 403. Every placed persona
sees the 延吉 firm and its case, task and alert (the alert pages' own, made
once per world by `matrix.alerts.alert`), so reads succeed for all of them.
Posts are sent as JSON with valid bodies: a result of the site visit (the
first record completes the task, later ones supplement it) and one month of
operating data.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.accounts.matrix import LOGGED_IN, PLACED, Row
from tests.accounts.matrix.alerts import alert
from tests.accounts.matrix.cases import RECORDERS, case, task

# roles.ACTIONS "docking.submit": the provincial and the domain offices.
SUBMITTERS = frozenset({"admin", "analyst", "domain"})


def record(world: Any) -> dict[str, Any]:
    """Return a valid result of the 延吉 site visit."""
    return {
        "outcome": "not_confirmed",
        "notes": "现场未发现违规宣传",
        "checked_on": timezone.localdate().isoformat(),
    }


def report(world: Any) -> dict[str, Any]:
    """Return one valid month of the 延吉 firm's platform, as {"rows": [...]}."""
    row = {
        "platform": world.yanji.uscc,
        "month": "2018-03",
        "volume": 1200,
        "balance": 8800,
        "lenders": 3200,
        "borrowers": 410,
        "avg_yield": 12.5,
        "avg_term": 6,
        "avg_lend_amount": 2.75,
        "avg_borrow_amount": 21.5,
        "fill_minutes": 35,
        "net_inflow_30d": -120,
        "top10_lender_share": 8.5,
        "top10_borrower_share": 22,
    }
    return {"rows": [row]}


def finding_id(world: Any) -> list[int]:
    return [world.yanji.findings.get().pk]


ROWS = [
    Row("api:schema", LOGGED_IN),
    Row("api:firms", PLACED, data=lambda w: {"q": "网贷"}),
    Row("api:firm", PLACED, args=lambda w: [w.yanji.uscc]),
    Row("api:findings", PLACED, data=lambda w: {"code": "REG-01"}),
    Row("api:finding", PLACED, args=finding_id),
    Row("api:cases", PLACED, data=lambda w: {"state": "open"}),
    Row("api:case", PLACED, args=lambda w: [case(w).pk]),
    Row("api:tasks", PLACED, data=lambda w: {"scope": "all"}),
    Row("api:task", PLACED, args=lambda w: [task(w).pk]),
    Row(
        "api:task_records",
        RECORDERS,
        method="POST",
        args=lambda w: [task(w).pk],
        data=record,
    ),
    Row("api:alerts", PLACED, data=lambda w: {"state": "open", "level": "critical"}),
    Row("api:alert", PLACED, args=lambda w: [alert(w).pk]),
    Row("api:reports", SUBMITTERS, method="POST", data=report),
]
