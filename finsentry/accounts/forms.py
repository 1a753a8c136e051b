"""Forms of the account pages: the audit search and the one-time-password code."""

from __future__ import annotations

from django import forms

from finsentry.accounts.audit import ACTION_LABELS
from finsentry.accounts.auditlog import AuditFilters

# Kinds of action, chosen as a whole by their prefix ("auth" = every "auth.*").
ACTION_GROUPS = {
    "auth": "登录与认证",
    "account": "账号与角色",
    "admin": "系统管理",
    "firm": "企业档案",
    "finding": "发现",
    "rules": "规则包",
    "patrol": "网上巡查",
    "case": "案件",
    "task": "核查任务",
    "audit": "审计日志",
    "ops": "备份与恢复",
}


def _action_choices() -> list[tuple[str, str]]:
    """Return the filter's choices: every kind of action, then each action."""
    prefixes = sorted({code.split(".")[0] for code in ACTION_LABELS})
    groups = [(p, f"{ACTION_GROUPS.get(p, p)}（全部）") for p in prefixes]
    actions = [(code, f"{label}（{code}）") for code, label in ACTION_LABELS.items()]
    return [("", "全部操作"), *groups, *sorted(actions)]


class AuditFilterForm(forms.Form):
    """The audit page's search: user, action, firm and a date range."""

    user = forms.CharField(label="用户名", required=False, max_length=150)
    action = forms.ChoiceField(label="操作", required=False, choices=_action_choices)
    firm = forms.CharField(
        label="企业（信用代码或名称）", required=False, max_length=100
    )
    since = forms.DateField(
        label="起始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label="截止日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def filters(self) -> AuditFilters:
        """Return the valid fields as filters; an invalid form filters nothing."""
        if not self.is_valid():
            return AuditFilters()
        data = self.cleaned_data
        return AuditFilters(
            user=data["user"].strip(),
            action=data["action"],
            firm=data["firm"].strip(),
            since=data["since"],
            until=data["until"],
        )


class TokenForm(forms.Form):
    """A six-digit code from the authenticator app."""

    token = forms.RegexField(
        label="动态口令",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "请输入身份验证器显示的 6 位数字。"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )
