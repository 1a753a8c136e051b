"""A scope in the words staff read: which region and which domain they see."""

from __future__ import annotations

from finsentry.accounts.roles import Scope
from finsentry.registry import divisions
from finsentry.rules.catalogue import catalogue


def region_text(scope: Scope) -> str:
    """Return the scope's region: 全省, a city, or a county with its city."""
    if scope.county is not None:
        return divisions.full_name(scope.county) or scope.county
    if scope.city is not None:
        return divisions.full_name(scope.city + "00") or scope.city
    return "全省"


def scope_text(scope: Scope) -> str:
    """Return e.g. "全省 · 全部领域", "延边朝鲜族自治州延吉市 · 全部领域（只读）"."""
    if scope.nothing:
        return "无（账号尚未分配机构和角色）"
    domain = "全部领域"
    if scope.domain is not None:
        domain = catalogue().domain_label(scope.domain)
    read_only = "（只读）" if scope.read_only else ""
    return f"{region_text(scope)} · {domain}{read_only}"
