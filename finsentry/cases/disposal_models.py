"""Disposal records of a case: classifications, orders, rechecks, referrals.

Imported by `models.py`; foreign keys name "cases.Case" by string so that the
two modules do not import each other. Every row is written once by
`services.py` and never edited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from finsentry.cases.deadlines import DayKind, Deadline
from finsentry.rules.catalogue import catalogue

USER = settings.AUTH_USER_MODEL


class Classification(models.Model):
    """A decision placing the firm in one of the four dispositions (plan 四(三)).

    It cites the findings and the verification tasks that justify it; a case
    classified again (a refused rectification becomes a closure) keeps each.
    """

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="classifications"
    )
    disposition = models.CharField("处置类型", max_length=16)
    reasoning = models.TextField("认定理由")
    findings = models.ManyToManyField("rules.Finding", related_name="+", blank=True)
    tasks = models.ManyToManyField(
        "cases.VerificationTask", related_name="classifications", blank=True
    )
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("认定时间")

    class Meta:
        verbose_name = "分类认定"
        verbose_name_plural = "分类认定"
        ordering = ["decided_at", "id"]

    @property
    def disposition_label(self) -> str:
        """Return the disposition's Chinese name."""
        return catalogue().dispositions.get(self.disposition, self.disposition)


class RectificationOrder(models.Model):
    """A rectification order (整改通知): demands and a deadline.

    `due_date` was counted from `served_on` by `deadlines.due_date` when the
    order was issued and is stored, so that a later calendar update never
    moves a deadline already served. `sequence` is 1 for the first order of
    a case and counts up when the office orders rectification again.
    """

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="orders"
    )
    sequence = models.PositiveSmallIntegerField("序号", default=1)
    served_on = models.DateField("送达日期")
    days = models.PositiveSmallIntegerField("期限天数")
    day_kind = models.CharField(
        "计算方式",
        max_length=10,
        choices=[(DayKind.CALENDAR.value, "自然日"), (DayKind.WORKING.value, "工作日")],
    )
    due_date = models.DateField("整改期限")
    deadline_note = models.CharField("期限说明", max_length=200, blank=True)
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("下达时间")

    class Meta:
        verbose_name = "整改通知"
        verbose_name_plural = "整改通知"
        ordering = ["case", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "sequence"], name="cases_order_sequence_once"
            )
        ]

    @property
    def deadline(self) -> Deadline:
        """Return the stored period as the value the deadline arithmetic uses."""
        return Deadline(
            self.served_on,
            self.days,
            DayKind(self.day_kind),
            self.due_date,
            note=self.deadline_note,
        )


class Demand(models.Model):
    """One rectification demand of an order, in the order's numbering."""

    order = models.ForeignKey(
        RectificationOrder, on_delete=models.PROTECT, related_name="demands"
    )
    position = models.PositiveSmallIntegerField("序号")
    text = models.TextField("整改要求")

    class Meta:
        verbose_name = "整改要求"
        verbose_name_plural = "整改要求"
        ordering = ["order", "position"]


class Recheck(models.Model):
    """The look back at an order (回头看, plan 四(四)1): was each demand met?"""

    order = models.ForeignKey(
        RectificationOrder, on_delete=models.PROTECT, related_name="rechecks"
    )
    passed = models.BooleanField("整改到位")
    notes = models.TextField("回头看情况", blank=True)
    checked_on = models.DateField("检查日期")
    checked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("填报时间")

    class Meta:
        verbose_name = "回头看"
        verbose_name_plural = "回头看"
        ordering = ["recorded_at", "id"]


class DemandCheck(models.Model):
    """Whether one demand was met, as the recheck found."""

    recheck = models.ForeignKey(Recheck, on_delete=models.PROTECT, related_name="items")
    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="checks")
    met = models.BooleanField("已整改")
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        ordering = ["demand__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["recheck", "demand"], name="cases_demand_checked_once"
            )
        ]


class Referral(models.Model):
    """A referral to a judicial organ: to whom, when, with which evidence package.

    `package` is the evidence package as stored when the referral was made;
    its SHA-256 is what the receiving organ can check the file against.
    """

    class Organ(models.TextChoices):
        PUBLIC_SECURITY = "public_security", "公安机关"
        PROCURATORATE = "procuratorate", "人民检察院"
        OTHER = "other", "其他司法机关"

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="referrals"
    )
    organ_kind = models.CharField("移送机关类别", max_length=20, choices=Organ.choices)
    organ_name = models.CharField("接收机关", max_length=200)
    referred_on = models.DateField("移送日期")
    reference = models.CharField("移送文号", max_length=100, blank=True)
    package = models.ForeignKey(
        "cases.Document", on_delete=models.PROTECT, related_name="+"
    )
    package_sha256 = models.CharField("证据包 SHA-256", max_length=64)
    referred_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("填报时间")

    class Meta:
        verbose_name = "移送记录"
        verbose_name_plural = "移送记录"
        ordering = ["recorded_at", "id"]


class Acceptance(models.Model):
    """The acceptance (验收, plan 四(五)) that closed a case."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="acceptances"
    )
    conclusion = models.TextField("验收意见")
    accepted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField("验收时间")

    class Meta:
        verbose_name = "验收记录"
        verbose_name_plural = "验收记录"
        ordering = ["accepted_at", "id"]


class Reminder(models.Model):
    """A reminder sent for an order or a task at one threshold, at most once.

    `threshold` is the number of days before the deadline the reminder was
    for, and `OVERDUE` (-1) the notice that the deadline has passed; the
    unique constraints make `send-reminders` safe to run any number of times.
    """

    OVERDUE = -1

    order = models.ForeignKey(
        RectificationOrder,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    task = models.ForeignKey(
        "cases.VerificationTask",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    threshold = models.SmallIntegerField("提前天数")
    due_date = models.DateField("期限")
    sent_at = models.DateTimeField("发送时间")
    recipients = models.PositiveIntegerField("收件人数", default=0)

    class Meta:
        verbose_name = "到期提醒"
        verbose_name_plural = "到期提醒"
        constraints = [
            models.UniqueConstraint(
                fields=["order", "threshold"],
                condition=models.Q(order__isnull=False),
                name="cases_reminder_once_per_order_threshold",
            ),
            models.UniqueConstraint(
                fields=["task", "threshold"],
                condition=models.Q(task__isnull=False),
                name="cases_reminder_once_per_task_threshold",
            ),
        ]
