"""The tables of docs/roles.md, written from roles.py so that they cannot drift.

Run ``python -m finsentry.accounts.rolesdoc docs/roles.md`` after changing a
role, an office kind or a grant: it rewrites the part of the file between
the two markers. tests/accounts/test_rolesdoc.py fails while they differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

from finsentry.accounts.roles import (
    ACTIONS,
    OFFICE_KIND_LABELS,
    OfficeKind,
    Role,
    Scope,
    role_fits_office,
    scope_for,
)

BEGIN = "<!-- generated from finsentry/accounts/roles.py: begin -->"
END = "<!-- generated from finsentry/accounts/roles.py: end -->"

# What each grant lets a user do, in the words of the pages; an action not
# listed here is shown by its code alone.
ACTION_NOTES = {
    "firm.view": "查看名单、总览、企业档案、名称查询（限工作范围）",
    "firm.export": "导出重点监管名单（Excel/CSV）",
    "finding.dismiss": "排除误报的发现",
    "patrol.view": "查看网上巡查：网站、轮次、快照",
    "patrol.manage": "添加网站、发起巡查、robots 设置、人工关联",
    "rules.edit": "修改规则包",
    "evidence.download": "下载网页快照原件",
    "audit.view": "查询审计日志",
    "audit.export": "导出审计日志",
    "account.otp": "绑定动态口令（双因素认证）",
    "admin.site": "进入系统管理（Django admin）",
    "case.view": "查看案件与核查任务",
    "case.open": "立案",
    "case.classify": "分类认定（四类处置）",
    "case.recheck": "回头看复查",
    "case.shut_down": "关闭或取缔",
    "case.refer": "移送司法机关",
    "case.accept": "验收结案",
    "case.reopen": "重新打开案件",
    "case.note": "记录案件备注",
    "task.assign": "派发核查任务",
    "task.record": "录入核查结果",
    "task.cancel": "撤销核查任务",
    "dossier.export": "导出档案（Word）与证据包",
    "alert.view": "查看预警（限工作范围）",
    "alert.handle": "处理预警：核查、确认、排除、移交案件",
    "stats.view": "查看问题企业统计",
    "stats.export": "导出专项报告（Word/Excel）",
    "api.token": "申领数据接口令牌",
    "docking.submit": "报送平台经营数据（文件或接口）",
}

# A sample region and domain for each kind of office, to compute its scope.
_SAMPLES = {
    OfficeKind.PROVINCIAL: ("", ""),
    OfficeKind.DOMAIN: ("", "p2p"),
    OfficeKind.CITY: ("2201", ""),
    OfficeKind.COUNTY: ("220102", ""),
}


def scope_words(scope: Scope) -> str:
    """Return a scope in general words: 全省, 本市（州）, 本领域, 只读."""
    if scope.nothing:
        return "—"
    if scope.county is not None:
        region = "本县（市、区）"
    elif scope.city is not None:
        region = "本市（州）"
    else:
        region = "全省"
    domain = "本领域" if scope.domain is not None else "全部领域"
    return f"{region} · {domain}" + ("（只读）" if scope.read_only else "")


def roles_table() -> list[str]:
    """Return the markdown table of roles × kinds of office → scope."""
    kinds = list(OfficeKind)
    lines = [
        "| 角色 | " + " | ".join(OFFICE_KIND_LABELS[k] for k in kinds) + " |",
        "| --- |" + " --- |" * len(kinds),
    ]
    for role in Role:
        cells = []
        for kind in kinds:
            region, domain = _SAMPLES[kind]
            fits = role_fits_office(role, kind)
            cells.append(
                scope_words(scope_for(role, kind, region, domain)) if fits else "不可"
            )
        lines.append(f"| {role.label}（`{role.value}`） | " + " | ".join(cells) + " |")
    return lines


def actions_table() -> list[str]:
    """Return the markdown table of actions × roles → granted or not."""
    roles = list(Role)
    lines = [
        "| 操作 | 说明 | " + " | ".join(r.label for r in roles) + " |",
        "| --- | --- |" + " :-: |" * len(roles),
    ]
    for action, granted in ACTIONS.items():
        marks = ["✓" if role in granted else "" for role in roles]
        note = ACTION_NOTES.get(action, "")
        lines.append(f"| `{action}` | {note} | " + " | ".join(marks) + " |")
    return lines


def render() -> str:
    """Return the generated part of docs/roles.md, markers included."""
    body = [BEGIN, "", "### 角色与工作范围", "", *roles_table(), ""]
    body += ["### 操作权限", "", *actions_table(), "", END]
    return "\n".join(body)


def rewrite(path: Path) -> bool:
    """Replace the generated part of `path`; return whether it changed."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    updated = text[:start] + render() + text[end:]
    path.write_text(updated, encoding="utf-8")
    return updated != text


if __name__ == "__main__":
    changed = rewrite(Path(sys.argv[1]))
    print("updated" if changed else "unchanged", sys.argv[1])
