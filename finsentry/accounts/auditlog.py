"""Searching and exporting the audit trail, for the administrators' audit page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from finsentry.accounts.audit import action_label
from finsentry.accounts.models import AuditEntry

PAGE_SIZE = 100

EXPORT_HEADER = [
    "时间",
    "用户",
    "操作",
    "操作代码",
    "对象类型",
    "对象编号",
    "统一社会信用代码",
    "IP 地址",
    "浏览器",
    "详情",
]


@dataclass(frozen=True)
class AuditFilters:
    """What an administrator asked the trail for; empty values mean "any"."""

    user: str = ""
    action: str = ""
    firm: str = ""
    since: date | None = None
    until: date | None = None

    def describe(self) -> str:
        """Return the filters as one Chinese line for export headers."""
        parts = []
        if self.user:
            parts.append(f"用户：{self.user}")
        if self.action:
            parts.append(f"操作：{action_label(self.action)}")
        if self.firm:
            parts.append(f"企业：{self.firm}")
        if self.since:
            parts.append(f"自：{self.since:%Y-%m-%d}")
        if self.until:
            parts.append(f"至：{self.until:%Y-%m-%d}")
        return "；".join(parts) or "全部"


def _day_start(day: date) -> datetime:
    """Return the first instant of `day` in the local time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def search(filters: AuditFilters) -> QuerySet[AuditEntry]:
    """Return the entries matching `filters`, newest first."""
    entries = AuditEntry.objects.all()
    if filters.user:
        entries = entries.filter(username=filters.user)
    if filters.action:
        wanted = filters.action
        entries = entries.filter(Q(action=wanted) | Q(action__startswith=f"{wanted}."))
    if filters.firm:
        firm = filters.firm.strip().upper()
        entries = entries.filter(Q(firm_uscc=firm) | Q(firm__name__contains=firm))
    if filters.since:
        entries = entries.filter(at__gte=_day_start(filters.since))
    if filters.until:
        entries = entries.filter(at__lt=_day_start(filters.until + timedelta(days=1)))
    return entries.order_by("-at", "-id")


def page(
    filters: AuditFilters, before: int | None = None, size: int = PAGE_SIZE
) -> tuple[list[AuditEntry], int | None]:
    """Return one page of entries (older than id `before`) and the id to go on from."""
    entries = search(filters).order_by("-id")
    if before is not None:
        entries = entries.filter(id__lt=before)
    rows = list(entries[: size + 1])
    next_before = rows[size - 1].id if len(rows) > size else None
    return rows[:size], next_before


def export_rows(
    entries: QuerySet[AuditEntry], chunk: int = 2000
) -> Iterator[list[Any]]:
    """Yield one export row per entry, reading the database in chunks."""
    fields = (
        "at",
        "username",
        "action",
        "object_type",
        "object_id",
        "firm_uscc",
        "ip_address",
        "user_agent",
        "detail",
    )
    for row in entries.values_list(*fields).iterator(chunk_size=chunk):
        at, user, action, otype, oid, uscc, ip, agent, detail = row
        yield [
            f"{timezone.localtime(at):%Y-%m-%d %H:%M:%S}",
            user,
            action_label(action),
            action,
            otype,
            oid,
            uscc,
            ip or "",
            agent,
            detail_text(detail),
        ]


def detail_text(detail: Any) -> str:
    """Return an entry's detail as one readable line, "key=value; ..."."""
    if not isinstance(detail, dict):
        return str(detail)
    return "; ".join(f"{key}={value}" for key, value in detail.items())
