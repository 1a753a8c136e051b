"""Cases: verification, classified disposal, rectification, referral, acceptance.

One firm has one dossier (一户一档); in it, one case per domain follows the
firm through the workflow of `transitions.py`. Every record here is written
by `services.py`, which checks each step against the state machine and the
user's role and scope, and writes a `TimelineEntry` for it. Nothing here is
edited after the fact: a correction is a new record.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

# The disposal records (orders, rechecks, referrals, acceptances, reminders)
# live in their own module to keep this one readable; importing them here is
# what registers them with Django.
from finsentry.cases.disposal_models import (
    Acceptance,
    Classification,
    Demand,
    DemandCheck,
    Recheck,
    RectificationOrder,
    Referral,
    Reminder,
)
from finsentry.cases.transitions import (
    OPEN_STATES,
    STATE_LABELS,
    TASK_STATE_LABELS,
    State,
    TaskState,
)
from finsentry.rules.catalogue import catalogue

USER = settings.AUTH_USER_MODEL
# Short domain marks for case numbers, after the catalogue's code prefixes.
DOMAIN_MARKS = {
    "p2p": "P2P",
    "crowdfunding": "EC",
    "insurance": "INS",
    "asset_mgmt": "AM",
    "payment": "PAY",
    "real_estate": "RE",
    "advertising": "AD",
    "cross": "X",
}


def _choices(labels: dict[Any, str]) -> list[tuple[str, str]]:
    return [(str(k), v) for k, v in labels.items()]


class Case(models.Model):
    """The disposal of one firm in one domain (plan 四(三)).

    A firm has at most one open case per domain (a firm can be compliant in
    one domain and under rectification in another); a closed case stays in
    the dossier and a new one may be opened later. `disposition` is the
    latest classification (one of `violations.yaml` dispositions), empty
    while the firm is being verified. `office` is the office in charge.
    """

    firm = models.ForeignKey(
        "registry.Firm", on_delete=models.PROTECT, related_name="cases"
    )
    domain = models.CharField("领域", max_length=16)
    state = models.CharField(
        "状态", max_length=24, choices=_choices(STATE_LABELS), default=State.VERIFYING
    )
    disposition = models.CharField("处置类型", max_length=16, blank=True)
    office = models.ForeignKey(
        "accounts.Office",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name="承办机构",
    )
    summary = models.TextField("立案事由", blank=True)
    origin = models.CharField("来源", max_length=100, blank=True)
    opened_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name="立案人"
    )
    opened_at = models.DateTimeField("立案时间")
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    findings = models.ManyToManyField(
        "rules.Finding", related_name="cases", blank=True, verbose_name="依据发现"
    )

    class Meta:
        verbose_name = "处置案件"
        verbose_name_plural = "处置案件"
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "domain"],
                condition=models.Q(state__in=sorted(OPEN_STATES)),
                name="cases_one_open_case_per_firm_domain",
            )
        ]
        indexes = [
            models.Index(fields=["state", "domain"]),
            models.Index(fields=["firm", "domain"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.firm.name}"

    @property
    def reference(self) -> str:
        """Return the case number staff quote, e.g. "2026-P2P-00012"."""
        mark = DOMAIN_MARKS.get(self.domain, self.domain.upper())
        return f"{self.opened_at:%Y}-{mark}-{self.pk:05d}"

    @property
    def state_enum(self) -> State:
        """Return the state as the enum the workflow uses."""
        return State(self.state)

    @property
    def domain_label(self) -> str:
        """Return the domain's Chinese name."""
        return catalogue().domain_label(self.domain)

    @property
    def disposition_label(self) -> str:
        """Return the disposition's Chinese name, or "" before classification."""
        return catalogue().dispositions.get(self.disposition, self.disposition)

    @property
    def is_open(self) -> bool:
        """Return whether the case has not been closed by acceptance."""
        return self.state in OPEN_STATES


class VerificationTask(models.Model):
    """A check of one firm by one of the four methods of plan 四(二)3.

    Assigned by an office to a city or county office (and, optionally, one
    inspector in it) with a due date, usually citing findings; always part of
    a case, which assigning a task opens when the firm has none in the domain.
    `origin` names what it came from ("alert:17") for the app that made it.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks")
    firm = models.ForeignKey(
        "registry.Firm", on_delete=models.PROTECT, related_name="verification_tasks"
    )
    domain = models.CharField("领域", max_length=16)
    method = models.CharField("核查方式", max_length=16)
    instructions = models.TextField("核查要求", blank=True)
    due_date = models.DateField("完成期限")
    state = models.CharField(
        "状态",
        max_length=12,
        choices=_choices(TASK_STATE_LABELS),
        default=TaskState.ASSIGNED,
    )
    assigned_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name="下达人"
    )
    assigned_by_office = models.ForeignKey(
        "accounts.Office",
        on_delete=models.PROTECT,
        related_name="tasks_given",
        verbose_name="下达机构",
    )
    assignee_office = models.ForeignKey(
        "accounts.Office",
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name="承办机构",
    )
    assignee = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verification_tasks",
        verbose_name="核查人员",
    )
    findings = models.ManyToManyField(
        "rules.Finding", related_name="verification_tasks", blank=True
    )
    origin = models.CharField("来源", max_length=100, blank=True)
    created_at = models.DateTimeField("下达时间")
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    cancelled_reason = models.TextField("撤销理由", blank=True)

    class Meta:
        verbose_name = "核查任务"
        verbose_name_plural = "核查任务"
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["assignee_office", "state", "due_date"]),
            models.Index(fields=["assignee", "state"]),
            models.Index(fields=["firm", "domain"]),
        ]

    def __str__(self) -> str:
        return f"{self.method_label} {self.firm.name}"

    @property
    def method_label(self) -> str:
        """Return the method's Chinese name (公告确认, 电话联系, …)."""
        return catalogue().verification_methods.get(self.method, self.method)

    @property
    def is_open(self) -> bool:
        """Return whether the task still waits for a result."""
        return self.state == TaskState.ASSIGNED


class VerificationRecord(models.Model):
    """What the inspector found: one record of a task, never edited.

    The first record completes the task; later ones add to it (a second
    visit). `confirmed_codes` are the catalogue codes the check confirmed,
    each also written as a finding of source "verify".
    """

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", "核实存在违规行为"
        NOT_CONFIRMED = "not_confirmed", "未发现违规行为"
        NOT_OPERATING = "not_operating", "未实际经营或人去楼空"
        UNREACHABLE = "unreachable", "无法联系或拒绝配合"

    task = models.ForeignKey(
        VerificationTask, on_delete=models.PROTECT, related_name="records"
    )
    outcome = models.CharField("核查结论", max_length=16, choices=Outcome.choices)
    notes = models.TextField("核查情况")
    checked_on = models.DateField("核查日期")
    place = models.CharField("核查地点", max_length=300, blank=True)
    people = models.CharField("参与人员", max_length=300, blank=True)
    confirmed_codes = models.JSONField("核实的违规代码", default=list, blank=True)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name="填报人"
    )
    recorded_at = models.DateTimeField("填报时间")

    class Meta:
        verbose_name = "核查记录"
        verbose_name_plural = "核查记录"
        ordering = ["recorded_at", "id"]


class Document(models.Model):
    """A file of the dossier: an attachment, an order, an evidence package.

    The bytes live in the content-addressed evidence store under `sha256`
    (patrol/evidence.py), written once and read back only after their hash
    is checked again; this row is never updated. Uploading a changed file
    adds a row, it never replaces one.
    """

    class Kind(models.TextChoices):
        ATTACHMENT = "attachment", "核查附件"
        CASE_FILE = "case_file", "案件材料"
        EVIDENCE_PACKAGE = "evidence_package", "证据包"

    firm = models.ForeignKey(
        "registry.Firm", on_delete=models.PROTECT, related_name="documents"
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    task = models.ForeignKey(
        VerificationTask,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    record = models.ForeignKey(
        VerificationRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    name = models.CharField("文件名", max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField("字节数")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "档案文件"
        verbose_name_plural = "档案文件"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class TimelineEntry(models.Model):
    """One thing that happened in a firm's case work, for the dossier's timeline.

    Written by the services in the same transaction as the change it
    records, and never updated: `save` refuses to rewrite a stored entry.
    """

    firm = models.ForeignKey(
        "registry.Firm", on_delete=models.PROTECT, related_name="case_timeline"
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="timeline"
    )
    task = models.ForeignKey(
        VerificationTask,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="timeline",
    )
    kind = models.CharField("事项", max_length=32)
    title = models.CharField("标题", max_length=200)
    note = models.TextField("说明", blank=True)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24, blank=True)
    actor = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    at = models.DateTimeField("时间")
    detail = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["firm", "at"]), models.Index(fields=["case"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Store a new entry; refuse to rewrite one (the timeline is append-only)."""
        if not self._state.adding:
            raise ValueError("timeline entries are append-only")
        super().save(*args, **kwargs)


__all__ = [
    "Acceptance",
    "Case",
    "Classification",
    "Demand",
    "DemandCheck",
    "Document",
    "Recheck",
    "RectificationOrder",
    "Referral",
    "Reminder",
    "TimelineEntry",
    "VerificationRecord",
    "VerificationTask",
]
