"""Putting API reads, list pages and changes on the audit trail (accounts/audit.py).

Every entry the API writes carries ``channel="api"`` so that administrators
can tell a system's reads from a person's. DRF wraps Django's request; the
audit trail takes the wrapped one, which carries the authenticated user, the
address and the client's name.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from rest_framework.request import Request

from finsentry.accounts import audit
from finsentry.accounts.models import AuditEntry
from finsentry.registry.models import Firm

# The audit page's words for the actions only the API records; reads of a
# firm, a case or a task use the pages' own actions (firm.view, case.view, ...).
AUDIT_ACTIONS = {
    "api.list": "接口列表查询",
    "api.token": "签发或撤销接口令牌",
    "finding.view": "查看发现",
    "docking.submit": "报送平台运营数据",
}


def register_actions() -> None:
    """Name the API's actions for the audit page (ApiConfig.ready)."""
    for action, label in AUDIT_ACTIONS.items():
        audit.register_action(action, label)


def record(
    request: Request,
    action: str,
    obj: Model | None = None,
    firm: Firm | None = None,
    **detail: Any,
) -> AuditEntry:
    """Write one audit entry for an API request and return it."""
    return audit.record(
        request._request, action, obj, firm=firm, channel="api", **detail
    )
