"""Checks of single fields of a rule pack, each raising RulePackError on failure.

Every check names the pack source, the rule id and the field it looked at,
and says in the message what was expected, so that an editor in the admin
knows what to fix. `packs.parse_pack` walks a pack with them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from finsentry.rules.errors import RulePackError
from finsentry.rules.topics import ANY, topics

MAX_WINDOW = 500


def known_keys(
    raw: dict[str, Any], allowed: set[str], source: str, rule: str | None, field: str
) -> None:
    """Raise RulePackError for the first key of `raw` not in `allowed`."""
    for key in raw:
        if key not in allowed:
            where = f"{field}.{key}" if field else str(key)
            known = "、".join(sorted(allowed))
            raise RulePackError(source, f"未知字段（可用：{known}）", rule, where)


def string(value: Any, source: str, rule: str | None, field: str) -> str:
    """Return `value` as a non-empty string; numbers are refused (quote versions)."""
    if not isinstance(value, str) or not value.strip():
        raise RulePackError(source, "须为非空字符串（版本号请加引号）", rule, field)
    return value.strip()


def as_list(value: Any, source: str, rule: str | None, field: str) -> list[Any]:
    """Return `value` as a list, refusing scalars and mappings."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise RulePackError(source, "须为列表", rule, field)
    return value


def phrases(
    value: Any, source: str, rule: str | None, field: str, required: bool = False
) -> tuple[str, ...]:
    """Return a flat tuple of non-empty strings; nested lists (YAML aliases) flatten."""
    out: list[str] = []
    for item in flatten(as_list(value, source, rule, field)):
        if not isinstance(item, str | int | float) or isinstance(item, bool):
            raise RulePackError(source, f"须为字符串，而不是 {item!r}", rule, field)
        text = str(item).strip()
        if not text:
            raise RulePackError(source, "含空字符串", rule, field)
        out.append(text)
    if required and not out:
        raise RulePackError(source, "须为非空列表", rule, field)
    return tuple(dict.fromkeys(out))


def flatten(items: Iterable[Any]) -> Iterable[Any]:
    """Yield the items of `items`, descending into nested lists."""
    for item in items:
        if isinstance(item, list):
            yield from flatten(item)
        else:
            yield item


def scope(value: Any, source: str, rule: str | None, field: str) -> tuple[str, ...]:
    """Return the checked list of page domains; `any` or empty means every page."""
    scope = phrases(value, source, rule, field)
    for domain in scope:
        if domain != ANY and domain not in topics().markers:
            known = "、".join([ANY, *topics().domains])
            raise RulePackError(
                source, f"未知领域 {domain}（可用：{known}）", rule, field
            )
    return () if ANY in scope else scope


def window(value: Any, source: str, rule: str | None, field: str) -> int:
    """Return a window size in characters, 1 to MAX_WINDOW."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise RulePackError(source, "须为整数（字符数）", rule, field)
    if not 1 <= value <= MAX_WINDOW:
        raise RulePackError(source, f"须在 1 到 {MAX_WINDOW} 之间", rule, field)
    return value


def factor(value: Any, source: str, rule: str) -> float | None:
    """Return the yield factor, a number above zero, or None when absent."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise RulePackError(
            source, "须为大于 0 的数（基准收益率的倍数）", rule, "yield_above"
        )
    return float(value)
