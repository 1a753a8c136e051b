"""Forms of the case pages: each parses one step and hands plain values to services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from finsentry.accounts.models import Office
from finsentry.accounts.roles import OfficeKind, Role
from finsentry.cases.deadlines import DayKind
from finsentry.cases.models import Case, Referral, VerificationRecord, VerificationTask
from finsentry.cases.transitions import STATE_LABELS
from finsentry.registry.models import Firm
from finsentry.rules.catalogue import catalogue, domain_choices
from finsentry.rules.models import Finding

# type=date inputs take ISO dates only, whatever the locale writes.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that lets the inspector pick several photos at once."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field holding a list of uploads (possibly empty)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        """Return every uploaded file, each checked as a single file field would."""
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def finding_label(finding: Finding) -> str:
    """Return how a finding reads in a checkbox list."""
    violation = catalogue().violations.get(finding.code)
    name = violation.name if violation else ""
    return f"{finding.code} {name}：{finding.summary[:60]}"


def task_label(task: VerificationTask) -> str:
    """Return how a verification task reads in a checkbox list."""
    outcome = task.records.last()
    result = outcome.get_outcome_display() if outcome else task.get_state_display()
    return f"{task.method_label}（{task.assignee_office.name}，{result}）"


class EvidenceForm(forms.Form):
    """The findings and checks a decision cites, from the firm's dossier."""

    findings = forms.ModelMultipleChoiceField(
        Finding.objects.none(),
        label="依据的发现",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tasks = forms.ModelMultipleChoiceField(
        VerificationTask.objects.none(),
        label="依据的核查",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reasoning = forms.CharField(label="认定理由", widget=TEXT)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        findings = self.fields["findings"]
        findings.queryset = case.firm.findings.filter(dismissed_at__isnull=True)  # type: ignore[attr-defined]
        findings.label_from_instance = finding_label  # type: ignore[attr-defined]
        findings.initial = [f.pk for f in case.findings.all()]
        tasks = self.fields["tasks"]
        tasks.queryset = case.tasks.exclude(state="cancelled")  # type: ignore[attr-defined]
        tasks.label_from_instance = task_label  # type: ignore[attr-defined]
        tasks.initial = [t.pk for t in case.tasks.filter(state="done")]


class OrderForm(EvidenceForm):
    """A rectification order: demands one per line, a period, the day served."""

    demands = forms.CharField(
        label="整改要求（每行一项）",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    days = forms.IntegerField(label="整改期限", min_value=1, max_value=366, initial=15)
    day_kind = forms.ChoiceField(
        label="计算方式",
        choices=[(DayKind.WORKING.value, "工作日"), (DayKind.CALENDAR.value, "自然日")],
        initial=DayKind.WORKING.value,
        widget=forms.RadioSelect,
    )
    served_on = forms.DateField(
        label="送达日期", widget=DATE, initial=timezone.localdate
    )

    def demand_list(self) -> list[str]:
        """Return the demands, one per non-empty line."""
        text: str = self.cleaned_data["demands"]
        return [line.strip(" 　\t") for line in text.splitlines() if line.strip()]


class ReferForm(EvidenceForm):
    """A referral to a judicial organ."""

    organ_kind = forms.ChoiceField(label="接收机关类别", choices=Referral.Organ.choices)
    organ_name = forms.CharField(label="接收机关名称", max_length=200)
    referred_on = forms.DateField(
        label="移送日期", widget=DATE, initial=timezone.localdate
    )
    reference = forms.CharField(label="移送文号", max_length=100, required=False)


class RecheckForm(forms.Form):
    """The look back: for each demand of the current order, met or not, and why."""

    checked_on = forms.DateField(
        label="检查日期", widget=DATE, initial=timezone.localdate
    )
    notes = forms.CharField(label="回头看情况", widget=TEXT, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        order = case.orders.order_by("-sequence").first()
        self.demands = list(order.demands.all()) if order else []
        for demand in self.demands:
            self.fields[f"met_{demand.pk}"] = forms.TypedChoiceField(
                label=f"{demand.position}. {demand.text}",
                choices=[("1", "已落实"), ("0", "未落实")],
                coerce=lambda v: v == "1",
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{demand.pk}"] = forms.CharField(
                label="说明", max_length=500, required=False
            )

    def demand_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """Return (met, note) field pairs in demand order, for the template."""
        return [(self[f"met_{d.pk}"], self[f"note_{d.pk}"]) for d in self.demands]

    def results(self) -> dict[int, tuple[bool, str]]:
        """Return demand id → (met, note) as the service takes them."""
        data = self.cleaned_data
        return {d.pk: (data[f"met_{d.pk}"], data[f"note_{d.pk}"]) for d in self.demands}


class ConclusionForm(forms.Form):
    """Acceptance: the conclusion that closes the case."""

    conclusion = forms.CharField(label="验收意见", widget=TEXT)


class ReasonForm(forms.Form):
    """A step that needs only a reason (reopen, cancel)."""

    reason = forms.CharField(label="理由", widget=TEXT)


class OpenCaseForm(forms.Form):
    """Opening a case on a firm in one domain."""

    domain = forms.ChoiceField(label="领域", choices=domain_choices)
    summary = forms.CharField(label="立案事由", widget=TEXT)


class DocumentForm(forms.Form):
    """A file added to a case."""

    file = forms.FileField(label="文件")
    note = forms.CharField(label="说明", max_length=500, required=False)


def inspector_offices(firm: Firm) -> QuerySet[Office]:
    """Return the city and county offices whose area holds the firm."""
    return Office.objects.filter(
        Q(kind=OfficeKind.CITY, region_code=firm.city_code)
        | Q(kind=OfficeKind.COUNTY, region_code=firm.county_code)
    ).order_by("kind", "code")


class TaskForm(forms.Form):
    """A verification task: method, office and inspector, due date, findings."""

    domain = forms.ChoiceField(label="领域", choices=domain_choices)
    method = forms.ChoiceField(label="核查方式", widget=forms.RadioSelect)
    assignee_office = forms.ModelChoiceField(Office.objects.none(), label="承办机构")
    assignee = forms.ModelChoiceField(
        get_user_model().objects.none(), label="核查人员（可不指定）", required=False
    )
    due_date = forms.DateField(label="完成期限", widget=DATE)
    instructions = forms.CharField(label="核查要求", widget=TEXT, required=False)
    findings = forms.ModelMultipleChoiceField(
        Finding.objects.none(),
        label="所依据的发现",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, firm: Firm, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        methods = catalogue().verification_methods
        self.fields["method"].choices = list(methods.items())  # type: ignore[attr-defined]
        offices = inspector_offices(firm)
        self.fields["assignee_office"].queryset = offices  # type: ignore[attr-defined]
        people = get_user_model().objects.filter(
            is_active=True,
            staff_profile__office__in=offices,
            staff_profile__role__in=[Role.INSPECTOR.value, Role.LOCAL_OFFICER.value],
        )
        assignee = self.fields["assignee"]
        assignee.queryset = people.order_by("username")  # type: ignore[attr-defined]
        assignee.label_from_instance = _person_label  # type: ignore[attr-defined]
        findings = self.fields["findings"]
        findings.queryset = firm.findings.filter(dismissed_at__isnull=True)  # type: ignore[attr-defined]
        findings.label_from_instance = finding_label  # type: ignore[attr-defined]


def _person_label(user: Any) -> str:
    name = user.get_full_name() or user.get_username()
    return f"{name}（{user.staff_profile.office.name}）"


class RecordForm(forms.Form):
    """The inspector's result: outcome, date, place, notes, confirmed codes, files."""

    outcome = forms.ChoiceField(
        label="核查结论",
        choices=VerificationRecord.Outcome.choices,
        widget=forms.RadioSelect,
    )
    checked_on = forms.DateField(
        label="核查日期", widget=DATE, initial=timezone.localdate
    )
    place = forms.CharField(label="核查地点", max_length=300, required=False)
    people = forms.CharField(label="参与人员", max_length=300, required=False)
    notes = forms.CharField(label="核查情况", widget=forms.Textarea(attrs={"rows": 5}))
    confirmed_codes = forms.MultipleChoiceField(
        label="核实存在的违规行为",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attachments = MultipleFileField(label="现场照片及材料")

    def __init__(self, *args: Any, task: VerificationTask, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        domains = {task.domain, "cross"}
        codes = [
            (v.code, f"{v.code} {v.name}")
            for v in catalogue().violations.values()
            if v.domain in domains
        ]
        self.fields["confirmed_codes"].choices = codes  # type: ignore[attr-defined]
        cited = [f.code for f in task.findings.all()]
        self.fields["confirmed_codes"].initial = cited


class CaseFilterForm(forms.Form):
    """Filters of the case list."""

    state = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部"), ("open", "未结案件"), *STATE_LABELS.items()],
    )
    domain = forms.ChoiceField(
        label="领域", required=False, choices=lambda: [("", "全部"), *domain_choices()]
    )
    city = forms.ChoiceField(label="市（州）", required=False)
    overdue = forms.BooleanField(label="只看整改逾期", required=False)
    q = forms.CharField(label="企业名称或信用代码", required=False, max_length=100)

    def __init__(
        self, *args: Any, cities: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", "全部"), *cities]  # type: ignore[attr-defined]
