"""Forms of the alert pages: the list's filters and the handling steps."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone

from finsentry.accounts.models import Office
from finsentry.alerts.models import State
from finsentry.alerts.policy import LEVEL_LABELS
from finsentry.cases.forms import DATE, TEXT, inspector_offices
from finsentry.registry.models import Firm
from finsentry.rules.catalogue import catalogue, domain_choices


class AlertFilterForm(forms.Form):
    """Filters of the alert list; the state defaults to the open alerts."""

    state = forms.ChoiceField(
        label="状态",
        required=False,
        initial="open",
        choices=[("open", "未办结"), ("", "全部"), *State.choices],
    )
    domain = forms.ChoiceField(
        label="领域", required=False, choices=lambda: [("", "全部"), *domain_choices()]
    )
    level = forms.ChoiceField(
        label="预警级别", required=False, choices=[("", "全部"), *LEVEL_LABELS.items()]
    )
    overdue = forms.BooleanField(label="只看逾期", required=False)


class VerifyForm(forms.Form):
    """Start verification: a check of the firm by a city or county office."""

    method = forms.ChoiceField(label="核查方式", widget=forms.RadioSelect)
    assignee_office = forms.ModelChoiceField(Office.objects.none(), label="承办机构")
    due_date = forms.DateField(label="完成期限", widget=DATE)
    instructions = forms.CharField(label="核查要求", widget=TEXT, required=False)

    def __init__(self, *args: Any, firm: Firm, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "method": "site_visit",
                "due_date": timezone.localdate() + timedelta(days=10),
            },
        )
        super().__init__(*args, **kwargs)
        methods = catalogue().verification_methods
        method = self.fields["method"]
        method.choices = list(methods.items())  # type: ignore[attr-defined]
        offices = inspector_offices(firm)
        self.fields["assignee_office"].queryset = offices  # type: ignore[attr-defined]
        if offices:
            self.initial.setdefault("assignee_office", offices.last())


class NoteForm(forms.Form):
    """Confirm the alert, with an optional note."""

    note = forms.CharField(label="确认意见", widget=TEXT, required=False)


class DismissForm(forms.Form):
    """Dismiss the alert: the reason is required."""

    reason = forms.CharField(label="排除理由", widget=TEXT)


class HandForm(forms.Form):
    """Hand the alert to a case, with the case's summary (optional)."""

    summary = forms.CharField(label="立案事由（可不填）", widget=TEXT, required=False)
