"""Platforms that report monthly operating data (网站对接) and their reports."""

from django.db import models


class Platform(models.Model):
    """A lending platform as it names itself in its reports.

    `key` is the credit code when the report gave a valid one, otherwise the
    platform id as written; a platform with a credit code is linked to the
    firm of that code as soon as the firm is in the registry, one with an id
    waits until staff link it.
    """

    key = models.CharField("平台编号", max_length=64, unique=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    firm = models.ForeignKey(
        "registry.Firm",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="platforms",
        verbose_name="运营企业",
    )
    name = models.CharField("平台名称", max_length=200, blank=True)
    first_month = models.CharField("首次报送月份", max_length=7, blank=True)
    last_month = models.CharField("最近报送月份", max_length=7, blank=True)
    created_at = models.DateTimeField("首次报送", auto_now_add=True)

    class Meta:
        verbose_name = "对接平台"
        verbose_name_plural = "对接平台"
        ordering = ["key"]
        indexes = [models.Index(fields=["uscc"])]

    def __str__(self) -> str:
        return self.name or self.key


class PlatformReport(models.Model):
    """One platform's operating data for one month, as last submitted.

    There is one row per platform and month: a re-submission of the month
    replaces the values, and `import_run` names the import that wrote them.
    """

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="reports"
    )
    month = models.CharField("月份", max_length=7)
    volume = models.FloatField("当月成交额（万元）")
    balance = models.FloatField("月末借贷余额（万元）")
    lenders = models.IntegerField("活跃出借人数")
    borrowers = models.IntegerField("活跃借款人数")
    avg_yield = models.FloatField("平均年化收益率（%）")
    avg_term = models.FloatField("平均借款期限（月）")
    avg_lend_amount = models.FloatField("人均出借金额（万元）")
    avg_borrow_amount = models.FloatField("人均借款金额（万元）")
    fill_minutes = models.FloatField("平均满标时间（分钟）")
    net_inflow_30d = models.FloatField("近30日资金净流入（万元）")
    top10_lender_share = models.FloatField("前十大出借人待收占比（%）")
    top10_borrower_share = models.FloatField("前十大借款人待还占比（%）")
    loan_count = models.IntegerField("借款笔数", null=True, blank=True)
    overdue_amount = models.FloatField("逾期金额（万元）", null=True, blank=True)
    custody_bank = models.CharField("资金存管银行", max_length=100, blank=True)
    import_run = models.ForeignKey(
        "ReportImport", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField("最近更新")

    class Meta:
        verbose_name = "平台月度运营数据"
        verbose_name_plural = "平台月度运营数据"
        ordering = ["platform", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "month"], name="docking_report_platform_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform_id} {self.month}"


class ReportImport(models.Model):
    """One submission of reports (a file or an API call): counts and how it ended."""

    STATUS_CHOICES = [
        ("running", "进行中"),
        ("finished", "完成"),
        ("failed", "失败"),
    ]

    source_name = models.CharField("来源", max_length=500)
    source_sha256 = models.CharField(max_length=64, blank=True)
    encoding = models.CharField("编码", max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default="running")
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    rows_read = models.IntegerField("读取行数", default=0)
    rows_inserted = models.IntegerField("新增", default=0)
    rows_updated = models.IntegerField("更新", default=0)
    rows_unchanged = models.IntegerField("未变", default=0)
    rows_rejected = models.IntegerField("拒收", default=0)
    batches_committed = models.IntegerField(default=0)
    rejects_path = models.CharField("拒收清单", max_length=500, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "运营数据导入批次"
        verbose_name_plural = "运营数据导入批次"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source_name}（{self.get_status_display()}）"
