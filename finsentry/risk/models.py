"""Risk scores of firms and platform months, their history, and the weights."""

from django.conf import settings
from django.db import models

LEVEL_CHOICES = [
    ("low", "低"),
    ("watch", "关注"),
    ("high", "高"),
    ("critical", "严重"),
]


class WeightsVersion(models.Model):
    """A version of the score's weights and thresholds that staff saved.

    `yaml_text` passed validation when it was saved and `version` is the
    version it declares; a version is never edited, a change is a new one.
    At most one is active: the one scoring uses instead of the packaged file.
    """

    version = models.CharField("版本", max_length=40, unique=True)
    yaml_text = models.TextField("权重（YAML）")
    active = models.BooleanField("启用", default=True)
    note = models.CharField("修改说明", max_length=300, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="修改人",
    )
    created_at = models.DateTimeField("保存时间", auto_now_add=True)

    class Meta:
        verbose_name = "风险评分权重"
        verbose_name_plural = "风险评分权重"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"],
                condition=models.Q(active=True),
                name="risk_weights_one_active",
            )
        ]

    def __str__(self) -> str:
        return self.version


class Rescore(models.Model):
    """One scoring of every firm: the weights version, counts and how it ended."""

    STATUS_CHOICES = [("running", "进行中"), ("finished", "完成"), ("failed", "失败")]

    weights_version = models.CharField("权重版本", max_length=40)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default="running")
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    firms = models.BigIntegerField("评分企业数", default=0)
    firms_with_points = models.BigIntegerField("有得分企业数", default=0)
    level_changes = models.BigIntegerField("等级变化数", default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "重新评分批次"
        verbose_name_plural = "重新评分批次"
        ordering = ["-started_at"]


class FirmScore(models.Model):
    """A firm's current risk score (0-100), its level and what gave each point.

    `breakdown` lists the counted items (dimension, points, the findings by
    id and the facts behind them); their points add up to `score`. A firm
    with no evidence has score 0, level low and an empty breakdown.
    """

    firm = models.OneToOneField(
        "registry.Firm",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="risk_score",
    )
    score = models.SmallIntegerField("风险分")
    level = models.CharField("风险等级", max_length=8, choices=LEVEL_CHOICES)
    weights_version = models.CharField("权重版本", max_length=40)
    operating_month = models.CharField("运营数据月份", max_length=7, blank=True)
    breakdown = models.JSONField("得分构成", null=True, blank=True)
    computed_at = models.DateTimeField("评分时间")

    class Meta:
        verbose_name = "企业风险分"
        verbose_name_plural = "企业风险分"
        indexes = [models.Index(fields=["level", "score"])]


class LevelChange(models.Model):
    """A firm's level moving between two scorings, for alerts to pick up."""

    firm = models.ForeignKey(
        "registry.Firm", on_delete=models.CASCADE, related_name="risk_level_changes"
    )
    rescore = models.ForeignKey(
        Rescore, on_delete=models.CASCADE, related_name="changes"
    )
    old_level = models.CharField("原等级", max_length=8, choices=LEVEL_CHOICES)
    new_level = models.CharField("新等级", max_length=8, choices=LEVEL_CHOICES)
    old_score = models.SmallIntegerField("原分数")
    new_score = models.SmallIntegerField("新分数")
    weights_version = models.CharField("权重版本", max_length=40)
    changed_at = models.DateTimeField("变化时间")

    class Meta:
        verbose_name = "风险等级变化"
        verbose_name_plural = "风险等级变化"
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["firm", "changed_at"])]


class PlatformMonthScore(models.Model):
    """The operating-data score of one platform in one month, from data up to it."""

    platform = models.ForeignKey(
        "docking.Platform", on_delete=models.CASCADE, related_name="month_scores"
    )
    month = models.CharField("月份", max_length=7)
    score = models.SmallIntegerField("运营数据分")
    level = models.CharField("等级", max_length=8, choices=LEVEL_CHOICES)
    weights_version = models.CharField("权重版本", max_length=40)

    class Meta:
        verbose_name = "平台月度运营评分"
        verbose_name_plural = "平台月度运营评分"
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "month"], name="risk_platform_month_score"
            )
        ]
