"""What the API says about cases, verification tasks and their records.

People are named as they sign (full name, else login name); offices by name.
The result an inspector posts is checked here for shape only: what it may
contain and who may post it is `cases.verification.record_result`'s decision.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from finsentry.cases import access
from finsentry.cases.models import (
    Case,
    Document,
    TimelineEntry,
    VerificationRecord,
    VerificationTask,
)
from finsentry.cases.transitions import STATE_LABELS, TaskState
from finsentry.rules.catalogue import catalogue
from finsentry.rules.models import Finding

STATE_CHOICES = [
    ("open", "全部未结案件"),
    *((str(k), v) for k, v in STATE_LABELS.items()),
]
TASK_SCOPES = [
    ("mine", "本人或本机构的待办任务"),
    ("done", "本人或本机构已办结的任务"),
    ("all", "工作范围内的全部任务"),
]


class PersonField(serializers.CharField):
    """A user shown by the name they sign with; null when there is none."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return access.display_name(value)


class CaseQuery(serializers.Serializer):
    """Filters of the case list."""

    state = serializers.ChoiceField(
        choices=STATE_CHOICES, required=False, help_text="案件状态；open 为全部未结"
    )
    domain = serializers.ChoiceField(
        choices=list(catalogue().domains.items()), required=False, help_text="领域"
    )
    city = serializers.RegexField(
        r"^\d{4}$", required=False, help_text="企业所在市（州）代码，4 位"
    )
    overdue = serializers.BooleanField(
        required=False, default=False, help_text="true 只列整改逾期的案件"
    )
    firm = serializers.CharField(
        required=False, max_length=18, help_text="企业统一社会信用代码"
    )
    q = serializers.CharField(
        required=False, max_length=100, help_text="企业名称关键字或完整信用代码"
    )


class TaskQuery(serializers.Serializer):
    """Which tasks the task list shows."""

    scope = serializers.ChoiceField(
        choices=TASK_SCOPES, required=False, default="mine", help_text="任务范围"
    )


class CaseSerializer(serializers.ModelSerializer):
    """One case as the list shows it."""

    firm = serializers.CharField(source="firm.uscc", help_text="企业统一社会信用代码")
    firm_name = serializers.CharField(source="firm.name", help_text="企业名称")
    domain_label = serializers.CharField(help_text="领域名称")
    state_label = serializers.CharField(source="get_state_display", help_text="状态")
    disposition_label = serializers.CharField(help_text="处置类型（中文）")
    office = serializers.CharField(source="office.name", help_text="承办机构")
    is_open = serializers.BooleanField(help_text="是否未结案")
    overdue = serializers.BooleanField(
        default=False, help_text="整改期限是否已过而未完成"
    )
    current_due = serializers.DateField(
        allow_null=True, default=None, help_text="最近一次整改通知的期限"
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "firm",
            "firm_name",
            "domain",
            "domain_label",
            "state",
            "state_label",
            "disposition",
            "disposition_label",
            "office",
            "opened_at",
            "closed_at",
            "is_open",
            "overdue",
            "current_due",
        ]


class TimelineSerializer(serializers.ModelSerializer):
    """One step of the case's work, oldest first."""

    actor = PersonField(help_text="操作人")

    class Meta:
        model = TimelineEntry
        fields = ["at", "kind", "title", "note", "from_state", "to_state", "actor"]


class TaskSerializer(serializers.ModelSerializer):
    """One verification task as the list shows it."""

    firm = serializers.CharField(source="firm.uscc", help_text="企业统一社会信用代码")
    firm_name = serializers.CharField(source="firm.name", help_text="企业名称")
    method_label = serializers.CharField(help_text="核查方式（中文）")
    state_label = serializers.CharField(source="get_state_display", help_text="状态")
    assignee_office = serializers.CharField(
        source="assignee_office.name", help_text="承办机构"
    )
    assignee = PersonField(help_text="核查人员；交给机构时为 null")
    overdue = serializers.SerializerMethodField(help_text="是否已过期限仍未核查")

    class Meta:
        model = VerificationTask
        fields = [
            "id",
            "case",
            "firm",
            "firm_name",
            "domain",
            "method",
            "method_label",
            "state",
            "state_label",
            "due_date",
            "overdue",
            "assignee_office",
            "assignee",
            "created_at",
            "completed_at",
        ]

    def get_overdue(self, task: VerificationTask) -> bool:
        late = task.due_date < timezone.localdate()
        return task.state == TaskState.ASSIGNED and late


class AttachmentSerializer(serializers.ModelSerializer):
    """A file of a record, kept in the evidence store under its SHA-256."""

    class Meta:
        model = Document
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_at"]


class RecordSerializer(serializers.ModelSerializer):
    """What a check found: one record of a task, never edited."""

    outcome_label = serializers.CharField(
        source="get_outcome_display", help_text="核查结论（中文）"
    )
    recorded_by = PersonField(help_text="填报人")
    attachments = AttachmentSerializer(source="documents", many=True, read_only=True)

    class Meta:
        model = VerificationRecord
        fields = [
            "id",
            "outcome",
            "outcome_label",
            "notes",
            "checked_on",
            "place",
            "people",
            "confirmed_codes",
            "recorded_by",
            "recorded_at",
            "attachments",
        ]


class TaskDetailSerializer(TaskSerializer):
    """One task with its instructions, cited findings and records."""

    findings: serializers.PrimaryKeyRelatedField[Finding] = (
        serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    )
    records = RecordSerializer(many=True, read_only=True)
    assigned_by = PersonField(help_text="下达人")
    assigned_by_office = serializers.CharField(
        source="assigned_by_office.name", help_text="下达机构"
    )

    class Meta(TaskSerializer.Meta):
        fields = [
            *TaskSerializer.Meta.fields,
            "instructions",
            "assigned_by",
            "assigned_by_office",
            "findings",
            "cancelled_reason",
            "records",
        ]


class CaseDetailSerializer(CaseSerializer):
    """One case with its cited findings, its tasks and its timeline."""

    findings: serializers.PrimaryKeyRelatedField[Finding] = (
        serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    )
    tasks = serializers.SerializerMethodField(help_text="本案的核查任务")
    timeline = TimelineSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "summary",
            "origin",
            "findings",
            "tasks",
            "timeline",
        ]

    @extend_schema_field(TaskSerializer(many=True))
    def get_tasks(self, case: Case) -> list[dict[str, Any]]:
        tasks = case.tasks.select_related("firm", "assignee_office", "assignee")
        return list(TaskSerializer(tasks.order_by("id"), many=True).data)


class RecordInput(serializers.Serializer):
    """The result of a check, as the inspector reports it."""

    # TODO: attachments are uploaded on the task page; the API takes JSON only.
    outcome = serializers.ChoiceField(
        choices=VerificationRecord.Outcome.choices, help_text="核查结论"
    )
    notes = serializers.CharField(help_text="核查情况")
    checked_on = serializers.DateField(help_text="核查日期（YYYY-MM-DD），不晚于今天")
    place = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=300
    )
    people = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=300
    )
    confirmed_codes = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(catalogue().violations)),
        required=False,
        default=list,
        help_text="核实存在的违规代码，每个代码记为一条来源为 verify 的发现",
    )
