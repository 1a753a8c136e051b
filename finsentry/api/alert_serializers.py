"""What the API says about alerts (预警), their evidence and history, and the
filters of the alert list.

Codes (state, level, kind, domain) travel with their Chinese names, as
elsewhere in the API. The evidence is the alert's own record of each trigger
(`alerts.triggers.Trigger.item`): its facts keep their machine keys.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from finsentry.accounts.models import Office
from finsentry.alerts.models import Alert, AlertEvent, Kind, State
from finsentry.alerts.policy import LEVEL_LABELS
from finsentry.api.case_serializers import PersonField
from finsentry.api.serializers import domain_field

STATE_CHOICES = [("open", "全部未办结预警"), *State.choices]
KIND_LABELS = dict(Kind.choices)


class AlertQuery(serializers.Serializer):
    """Filters of the alert list."""

    state = serializers.ChoiceField(
        choices=STATE_CHOICES,
        required=False,
        help_text="预警状态；open 为全部未办结（待处理、核查中、已确认）；不填为全部",
    )
    domain = domain_field(help_text="领域代码")
    level = serializers.ChoiceField(
        choices=list(LEVEL_LABELS.items()), required=False, help_text="预警级别"
    )
    overdue = serializers.BooleanField(
        required=False, default=False, help_text="true 只列超过办理时限仍未办结的预警"
    )
    firm = serializers.CharField(
        required=False, max_length=18, help_text="企业统一社会信用代码"
    )


class AlertSerializer(serializers.ModelSerializer):
    """One alert as the list shows it."""

    reference = serializers.CharField(help_text="预警编号，如 YJ-2026-00017")
    firm = serializers.CharField(source="firm.uscc", help_text="企业统一社会信用代码")
    firm_name = serializers.CharField(source="firm.name", help_text="企业名称")
    domain_label = serializers.CharField(help_text="领域名称")
    level_label = serializers.CharField(
        source="get_level_display", help_text="预警级别（中文）"
    )
    kind_label = serializers.CharField(
        source="get_kind_display", help_text="首次触发原因（中文）"
    )
    state_label = serializers.CharField(source="get_state_display", help_text="状态")
    office = serializers.CharField(source="office.name", help_text="承办机构")
    is_open = serializers.BooleanField(help_text="是否未办结")
    overdue = serializers.BooleanField(help_text="是否已超过办理时限仍未办结")
    escalation = serializers.IntegerField(help_text="逾期升级次数")

    class Meta:
        model = Alert
        fields = [
            "id",
            "reference",
            "firm",
            "firm_name",
            "domain",
            "domain_label",
            "level",
            "level_label",
            "kind",
            "kind_label",
            "state",
            "state_label",
            "title",
            "office",
            "created_at",
            "due_at",
            "is_open",
            "overdue",
            "escalation",
        ]


class AlertEvidenceSerializer(serializers.Serializer):
    """One trigger the alert rests on: why, at what level, citing what."""

    kind = serializers.CharField(
        default="", help_text="触发类型：level、finding、big01"
    )
    kind_label = serializers.SerializerMethodField(help_text="触发类型（中文）")
    at = serializers.CharField(default="", help_text="触发时间（ISO 8601）")
    level = serializers.CharField(default="", help_text="该项依据的预警级别")
    text = serializers.CharField(default="", help_text="依据说明")
    findings = serializers.ListField(
        child=serializers.IntegerField(), default=list, help_text="引用的发现编号"
    )
    scores = serializers.ListField(
        child=serializers.IntegerField(), default=list, help_text="引用的评分变化编号"
    )
    facts = serializers.DictField(
        default=dict,
        help_text="事实，如 month、balance、lenders、signs、old_level、new_level",
    )

    def get_kind_label(self, item: dict[str, Any]) -> str:
        return KIND_LABELS.get(item.get("kind", ""), "")


class AlertOfficeSerializer(serializers.ModelSerializer):
    """An office the alert was sent to."""

    class Meta:
        model = Office
        fields = ["code", "name"]


class AlertEventSerializer(serializers.ModelSerializer):
    """One step of the alert's history, oldest first."""

    kind_label = serializers.CharField(
        source="get_kind_display", help_text="事项（中文）"
    )
    actor = PersonField(help_text="办理人；系统产生或升级时为 null")

    class Meta:
        model = AlertEvent
        fields = [
            "at",
            "kind",
            "kind_label",
            "actor",
            "from_state",
            "to_state",
            "note",
            "detail",
        ]


class AlertDetailSerializer(AlertSerializer):
    """One alert with its evidence, where it went, its links and its history."""

    office_code = serializers.CharField(source="office.code", help_text="承办机构编码")
    offices = serializers.SerializerMethodField(help_text="接收机构")
    evidence = AlertEvidenceSerializer(many=True, read_only=True)
    task = serializers.IntegerField(
        source="task_id", allow_null=True, help_text="核查任务编号"
    )
    case = serializers.IntegerField(
        source="case_id", allow_null=True, help_text="处置案件编号"
    )
    events = serializers.SerializerMethodField(help_text="办理记录，按时间先后")

    class Meta(AlertSerializer.Meta):
        fields = [
            *AlertSerializer.Meta.fields,
            "office_code",
            "state_since",
            "offices",
            "evidence",
            "task",
            "case",
            "dismissed_reason",
            "events",
        ]

    @extend_schema_field(AlertOfficeSerializer(many=True))
    def get_offices(self, alert: Alert) -> list[dict[str, Any]]:
        routed = alert.offices.order_by("kind", "code")
        offices = AlertOfficeSerializer(routed, many=True)
        return offices.data  # type: ignore[return-value]

    @extend_schema_field(AlertEventSerializer(many=True))
    def get_events(self, alert: Alert) -> list[dict[str, Any]]:
        events = AlertEventSerializer(alert.events.select_related("actor"), many=True)
        return events.data  # type: ignore[return-value]
