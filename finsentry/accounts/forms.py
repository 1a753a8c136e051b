"""Forms of the account pages: the audit search and the one-time-password code."""

from __future__ import annotations

from django import forms

from finsentry.accounts.audit import ACTION_LABELS
from finsentry.accounts.auditlog import AuditFilters


def _action_choices() -> list[tuple[str, str]]:
    """Return the recorded actions for the filter, grouped by their prefix."""
    return [("", "全部操作")] + [
        (code, f"{label}（{code}）") for code, label in sorted(ACTION_LABELS.items())
    ]


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
