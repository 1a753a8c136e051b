"""The audit trail: `record` writes who did or read what, when and from where.

Plan 一(二)5 (严格遵守工作纪律，保守工作机密) makes every read of a dossier,
every export and every change a matter of record. Any app calls::

    from finsentry.accounts import audit

    audit.record(request, "firm.view", firm)                  # a read
    audit.record(request, "firm.export", format="xlsx", rows=120)
    audit.record(request, "case.transition", case, firm=case.firm,
                 source="verifying", target="rectifying")
    audit.record(user, "patrol.round", patrol_round)          # no request at hand
    audit.record(None, "audit.prune", before="2026-01-01")    # the system itself

The first argument is the request (best: it gives the user, the IP address
and the browser) or a user, or None for the system. Given a user, the origin
is taken from the request being served, if any (`AuditOriginMiddleware` binds
it). `obj` is any model instance (its type and primary key are kept); a firm
is taken from `firm`, or from `obj` itself when it is a firm or hangs off one
through a `firm` foreign key. Keyword arguments become the entry's detail
(JSON; dates, decimals and UUIDs are converted).

Entries are written in the caller's transaction, so a change and its record
commit or roll back together. They are never changed afterwards: the model
refuses updates and deletes, database triggers refuse them too, and only
`finsentry prune-audit` removes entries older than RETENTION_DAYS.
"""

from __future__ import annotations

import contextvars
import ipaddress
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Model
from django.http import HttpRequest

from finsentry.accounts.models import AuditEntry
from finsentry.registry.models import Firm

log = logging.getLogger(__name__)

# Kept at least six months (issue: the trail "is kept at least six months").
RETENTION_DAYS = 180
_USER_AGENT_MAX = 300

# The actions finsentry records, with the words the audit page shows. Apps
# add theirs with `register_action`; an unlisted action is shown as its code.
ACTION_LABELS: dict[str, str] = {
    "auth.login": "登录",
    "auth.logout": "退出",
    "auth.login_failed": "登录失败",
    "auth.lockout": "账号锁定",
    "auth.session_expired": "会话超时",
    "auth.otp_verified": "动态口令验证通过",
    "auth.otp_failed": "动态口令错误",
    "auth.otp_enrolled": "绑定动态口令设备",
    "auth.otp_removed": "解除动态口令设备",
    "auth.password_changed": "修改密码",
    "account.role": "机构或角色变更",
    "account.change": "账号变更",
    "admin.change": "系统管理修改",
    "firm.view": "查看企业档案",
    "firm.search": "名称查询",
    "firm.export": "导出名单",
    "finding.dismiss": "排除发现",
    "rules.edit": "修改规则包",
    "patrol.sites_added": "添加巡查网站",
    "patrol.sites_from_registry": "从登记信息添加网站",
    "patrol.round": "发起巡查",
    "patrol.robots": "修改 robots 设置",
    "patrol.link": "人工关联网站",
    "patrol.site_view": "查看网站记录",
    "patrol.snapshot_view": "查看网页快照",
    "patrol.snapshot_download": "下载网页快照原件",
    "audit.export": "导出审计日志",
    "audit.prune": "清理过期审计日志",
    "ops.backup": "备份",
    "ops.restore": "恢复",
}

_origin: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "finsentry_audit_request", default=None
)


def register_action(action: str, label: str) -> None:
    """Name an app's action in Chinese for the audit page (call at import time)."""
    ACTION_LABELS.setdefault(action, label)


def action_label(action: str) -> str:
    """Return the Chinese name of `action`, or the code when none is registered."""
    return ACTION_LABELS.get(action, action)


@contextmanager
def bound_request(request: HttpRequest) -> Iterator[None]:
    """Make `request` the origin of entries recorded without one while it is served."""
    token = _origin.set(request)
    try:
        yield
    finally:
        _origin.reset(token)


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address; behind a proxy, the one the proxy appended."""
    address = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "FINSENTRY_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        address = forwarded.split(",")[-1].strip() or address
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def record(
    request_or_user: Any,
    action: str,
    obj: Model | None = None,
    firm: Firm | None = None,
    **detail: Any,
) -> AuditEntry:
    """Write one audit entry for `action` on `obj` (and its firm) and return it."""
    request = request_or_user if isinstance(request_or_user, HttpRequest) else None
    origin = request if request is not None else _origin.get()
    who = getattr(request, "user", None) if request is not None else request_or_user
    if who is None and origin is not None:
        who = origin.user
    user = cast(User, who) if who is not None and who.is_authenticated else None

    if firm is None and isinstance(obj, Firm):
        firm = obj
    elif firm is None and obj is not None and getattr(obj, "firm_id", None):
        firm = getattr(obj, "firm", None)

    entry = AuditEntry(
        user=user,
        username=user.get_username() if user is not None else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        firm=firm,
        firm_uscc=firm.uscc if firm is not None else "",
        detail=detail,
    )
    if origin is not None:
        entry.ip_address = client_ip(origin)
        agent = origin.META.get("HTTP_USER_AGENT", "")
        entry.user_agent = agent[:_USER_AGENT_MAX]
    entry.save()
    log.debug("audit action=%s user=%s object=%s", action, entry.username, obj)
    return entry
