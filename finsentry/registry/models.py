"""Registered market entities, their change history, imports and licences."""

from django.db import models

from finsentry.registry.fields import STATUS_LABELS


class Firm(models.Model):
    """A registered entity keyed by its unified social credit code (GB 32100-2015).

    Registry columns hold the latest imported values; earlier values of the
    name, scope and status live in `FirmChange`. Screening columns hold the
    result of the last keyword screening (plan 三(二), 四(二)2).
    """

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=300)
    # Searched with contains, which no b-tree serves: an index would only
    # slow imports down.
    name_normalized = models.CharField(max_length=300)
    scope = models.TextField("经营范围", blank=True)
    region_code = models.CharField("登记地区划代码", max_length=6, blank=True)
    city_code = models.CharField("市（州）", max_length=4, blank=True)
    county_code = models.CharField("县（市、区）", max_length=6, blank=True)
    established = models.DateField("成立日期", null=True, blank=True)
    capital_wan = models.DecimalField(
        "注册资本（万）", max_digits=20, decimal_places=4, null=True, blank=True
    )
    capital_currency = models.CharField("币种", max_length=3, blank=True)
    legal_rep = models.CharField("法定代表人", max_length=100, blank=True)
    address = models.CharField("住所", max_length=500, blank=True)
    phone = models.CharField("电话", max_length=100, blank=True)
    website = models.CharField("网址", max_length=500, blank=True)
    status = models.CharField("登记状态", max_length=20, blank=True)
    warnings = models.TextField("导入提示", blank=True)

    is_market_entity = models.BooleanField("市场主体", default=True)
    flagged = models.BooleanField("重点监管对象", default=False)
    licensed = models.BooleanField("持牌机构", default=False)
    licence_kind = models.CharField("持牌类型", max_length=40, blank=True)
    domains = models.CharField("领域", max_length=200, blank=True)
    keywords = models.CharField("命中字样", max_length=500, blank=True)
    reasons = models.TextField("筛查理由", blank=True)
    screened_at = models.DateTimeField("筛查时间", null=True, blank=True)
    screening_version = models.CharField(max_length=40, blank=True)

    created_at = models.DateTimeField("首次导入", auto_now_add=True)
    updated_at = models.DateTimeField("最近更新", auto_now=True)

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        indexes = [
            models.Index(fields=["flagged", "city_code", "county_code"]),
            models.Index(fields=["city_code", "county_code"]),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.uscc}）"

    @property
    def status_label(self) -> str:
        """Return the registration status in Chinese, as staff read it."""
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def domain_list(self) -> list[str]:
        """Return the screened domains as a list of catalogue codes."""
        return [d for d in self.domains.split(";") if d]


class FirmChange(models.Model):
    """One change of a tracked registry field seen between two imports."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField("字段", max_length=30)
    old_value = models.TextField("原值", blank=True)
    new_value = models.TextField("新值", blank=True)
    import_run = models.ForeignKey(
        "ImportRun", on_delete=models.SET_NULL, null=True, related_name="changes"
    )
    changed_at = models.DateTimeField("变更发现时间")

    class Meta:
        verbose_name = "登记变更"
        verbose_name_plural = "登记变更"
        ordering = ["-changed_at", "-id"]


class ImportRun(models.Model):
    """One import of a registry file: what was read, kept, refused, how it ended."""

    STATUS_CHOICES = [
        ("running", "进行中"),
        ("finished", "完成"),
        ("failed", "失败"),
    ]

    source_name = models.CharField("文件", max_length=500)
    source_sha256 = models.CharField(max_length=64, blank=True)
    encoding = models.CharField("编码", max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default="running")
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    rows_read = models.BigIntegerField("读取行数", default=0)
    rows_inserted = models.BigIntegerField("新增", default=0)
    rows_updated = models.BigIntegerField("更新", default=0)
    rows_unchanged = models.BigIntegerField("未变", default=0)
    rows_rejected = models.BigIntegerField("拒收", default=0)
    rows_warned = models.BigIntegerField("有提示", default=0)
    batches_committed = models.IntegerField(default=0)
    rejects_path = models.CharField("拒收清单", max_length=500, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-started_at"]


class LicenceEntry(models.Model):
    """An entry of an imported licence list (持牌机构名录)."""

    uscc = models.CharField(
        "统一社会信用代码", max_length=18, blank=True, db_index=True
    )
    name = models.CharField("名称", max_length=300)
    kind = models.CharField("持牌类型", max_length=40)
    source = models.CharField("来源", max_length=300, blank=True)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "持牌机构名录"
        verbose_name_plural = "持牌机构名录"
        constraints = [
            models.UniqueConstraint(
                fields=["uscc", "name", "kind"], name="licence_unique"
            )
        ]


class ScreeningWord(models.Model):
    """An editable screening word: its plan list and the domain it suggests."""

    word = models.CharField("字样", max_length=50, unique=True)
    domain = models.CharField("领域", max_length=16, blank=True)
    lists = models.CharField("来源清单", max_length=100, blank=True)
    role = models.CharField(
        "作用",
        max_length=20,
        default="finance",
        choices=[("finance", "金融字样"), ("real_estate", "房地产语境词")],
    )
    active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "筛查字样"
        verbose_name_plural = "筛查字样"
        ordering = ["word"]
