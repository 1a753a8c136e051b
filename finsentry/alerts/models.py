"""Alerts (预警): early warnings on a firm, their history, and the sweep marks."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from finsentry.alerts.policy import LEVEL_LABELS
from finsentry.rules.catalogue import catalogue

USER = settings.AUTH_USER_MODEL


class State(models.TextChoices):
    """Where an alert stands (plan 三(一): transmit, verify, dispose)."""

    NEW = "new", "待处理"
    VERIFYING = "verifying", "核查中"
    CONFIRMED = "confirmed", "已确认"
    DISMISSED = "dismissed", "已排除"
    HANDED = "handed", "已移交处置"


OPEN_STATES = frozenset({State.NEW, State.VERIFYING, State.CONFIRMED})


class Kind(models.TextChoices):
    """What raised (or added to) an alert."""

    LEVEL = "level", "风险等级上升"
    FINDING = "finding", "严重违规发现"
    BIG01 = "big01", "重大平台立即报告（BIG-01）"


class Alert(models.Model):
    """An early warning on one firm in one domain, and what it is based on.

    A firm has at most one open alert (new, verifying, confirmed) per domain:
    a further trigger adds its evidence to it and may raise its level. Every
    alert explains itself: `evidence` lists each trigger with its text, the
    findings and score changes it cites, and its facts. `offices` are the
    offices it was routed to; `office` is the one in charge, which moves one
    step up each time the alert outlives its state's time limit (`due_at`).
    """

    firm = models.ForeignKey(
        "registry.Firm", on_delete=models.PROTECT, related_name="alerts"
    )
    domain = models.CharField("领域", max_length=16)
    level = models.CharField(
        "预警级别", max_length=8, choices=list(LEVEL_LABELS.items())
    )
    kind = models.CharField("首次触发", max_length=8, choices=Kind.choices)
    state = models.CharField(
        "状态", max_length=10, choices=State.choices, default=State.NEW
    )
    title = models.CharField("事由", max_length=300)
    evidence = models.JSONField("依据", default=list, encoder=DjangoJSONEncoder)
    offices = models.ManyToManyField(
        "accounts.Office", related_name="alerts", verbose_name="接收机构"
    )
    office = models.ForeignKey(
        "accounts.Office",
        on_delete=models.PROTECT,
        related_name="alerts_in_charge",
        verbose_name="承办机构",
    )
    escalation = models.SmallIntegerField("升级次数", default=0)
    created_at = models.DateTimeField("预警时间", default=timezone.now)
    state_since = models.DateTimeField("进入当前状态", default=timezone.now)
    due_at = models.DateTimeField("办理时限", null=True, blank=True)
    task = models.ForeignKey(
        "cases.VerificationTask",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name="核查任务",
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name="处置案件",
    )
    dismissed_reason = models.TextField("排除理由", blank=True)

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "domain"],
                condition=models.Q(state__in=sorted(OPEN_STATES)),
                name="alerts_one_open_alert_per_firm_domain",
            )
        ]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["firm", "domain"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        """Return the number staff quote, e.g. "YJ-2026-00017"."""
        return f"YJ-{self.created_at:%Y}-{self.pk:05d}"

    @property
    def domain_label(self) -> str:
        """Return the domain's Chinese name."""
        return catalogue().domain_label(self.domain)

    @property
    def is_open(self) -> bool:
        """Return whether the alert still waits on someone."""
        return self.state in OPEN_STATES

    @property
    def overdue(self) -> bool:
        """Return whether the alert has outlived its state's time limit."""
        return self.overdue_at(timezone.now())

    def overdue_at(self, now: datetime) -> bool:
        """Return whether the alert is open and past its time limit at `now`."""
        return self.is_open and self.due_at is not None and self.due_at < now

    def finding_ids(self) -> list[int]:
        """Return the ids of every finding the evidence cites, in order."""
        ids: list[int] = []
        for item in self.evidence:
            ids += [i for i in item.get("findings", []) if i not in ids]
        return ids


class AlertEvent(models.Model):
    """One step in an alert's history: raised, added to, moved, escalated."""

    class Kind(models.TextChoices):
        RAISED = "raised", "产生预警"
        MERGED = "merged", "补充依据"
        VERIFY = "verify", "下达核查"
        CONFIRM = "confirm", "确认预警"
        DISMISS = "dismiss", "排除预警"
        HAND = "hand", "移交处置"
        ESCALATED = "escalated", "逾期升级"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=10, choices=Kind.choices)
    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="办理人",
    )
    from_state = models.CharField("原状态", max_length=10, blank=True)
    to_state = models.CharField("新状态", max_length=10, blank=True)
    note = models.TextField("说明", blank=True)
    detail = models.JSONField("详情", default=dict, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = "预警记录"
        verbose_name_plural = "预警记录"
        ordering = ["at", "id"]


class AlertTrigger(models.Model):
    """A piece of evidence already turned into an alert, so no sweep repeats it.

    `key` names it: "level:<LevelChange id>", "finding:<Finding id>",
    "big01:<firm id>:<signs>".
    """

    key = models.CharField(max_length=200, unique=True)
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="triggers")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "预警触发记录"
        verbose_name_plural = "预警触发记录"


class SweepMark(models.Model):
    """How far a sweep has read a growing table (the highest id it handled)."""

    name = models.CharField(max_length=40, unique=True)
    last_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "预警扫描进度"
        verbose_name_plural = "预警扫描进度"
