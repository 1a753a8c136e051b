"""Findings: coded evidence that a firm may be doing one thing in the catalogue."""

from django.conf import settings
from django.db import models


class Finding(models.Model):
    """One piece of evidence for one catalogue code against one firm.

    The same evidence seen again (a re-screen, the next patrol round) moves
    `last_seen`; it never makes a second finding, which `fingerprint` enforces.
    Findings are never edited: a wrong one is dismissed with a reason.
    """

    firm = models.ForeignKey(
        "registry.Firm",
        on_delete=models.CASCADE,
        related_name="findings",
        null=True,
        blank=True,
    )
    code = models.CharField("违规代码", max_length=16)
    domain = models.CharField("领域", max_length=16)
    source = models.CharField("来源", max_length=16)
    summary = models.CharField("摘要", max_length=500)
    evidence = models.JSONField("证据", default=dict)
    snippet = models.TextField("片段", blank=True)
    start = models.IntegerField(null=True, blank=True)
    end = models.IntegerField(null=True, blank=True)
    rule = models.CharField("规则", max_length=100)
    rule_version = models.CharField("规则版本", max_length=40)
    fingerprint = models.CharField(max_length=64, unique=True)
    first_seen = models.DateTimeField("首次发现")
    last_seen = models.DateTimeField("最近发现")
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_reason = models.TextField(blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "发现"
        verbose_name_plural = "发现"
        indexes = [
            models.Index(fields=["code", "domain", "firm"]),
            models.Index(fields=["firm", "code"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.summary}"


class RulePack(models.Model):
    """A rule pack edited by staff, replacing the packaged pack of the same name.

    `yaml_text` always passed validation and compiled when it was saved (the
    admin form refuses anything else); `name` and `version` are the `pack`
    and `version` it declares. At most one pack of a name is active: it is
    the one detection uses, in place of the packaged file. Inactive rows keep
    the history of edits.
    """

    name = models.CharField("规则包", max_length=64)
    version = models.CharField("版本", max_length=40)
    yaml_text = models.TextField("规则（YAML）")
    active = models.BooleanField("启用", default=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="修改人",
    )
    edited_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "规则包"
        verbose_name_plural = "规则包"
        ordering = ["name", "-edited_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(active=True),
                name="rules_rulepack_one_active_per_name",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}@{self.version}"
