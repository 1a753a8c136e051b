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
