"""Patrol records: watched sites, rounds, page snapshots, failures and events.

A snapshot is evidence: its raw bytes live in the content-addressed evidence
store (`patrol/evidence.py`), named by their SHA-256 and never rewritten; the
row keeps what the fetch saw (URL, final URL, status, headers, time) and the
text extracted from it, against which findings give character offsets.
"""

from django.conf import settings
from django.db import models


class Site(models.Model):
    """A web site under watch, usually run by one registered firm.

    `root_url` is where a patrol round starts; `host` is its lower-cased
    host name (and port), unique among sites. A site with no firm is an
    unlinked lead until someone links it (plan 三(一): find the platforms).
    """

    class Source(models.TextChoices):
        REGISTRY = "registry", "登记网址"
        TIP = "tip", "举报线索"
        MANUAL = "manual", "人工添加"
        UPLOAD = "upload", "批量上传"
        DISCOVERED = "discovered", "巡查发现"

    class Status(models.TextChoices):
        NEW = "new", "待巡查"
        OK = "ok", "正常"
        DARK = "dark", "无法访问"
        REDIRECTED = "redirected", "跳转他处"
        FAILING = "failing", "部分失败"
        BLOCKED = "blocked", "robots.txt 禁止"

    class LinkMethod(models.TextChoices):
        NONE = "", "未关联"
        USCC = "uscc", "页面信用代码"
        ICP = "icp", "ICP备案号"
        WEBSITE = "website", "登记网址"
        NAME = "name", "企业名称"
        MANUAL = "manual", "人工关联"

    root_url = models.URLField("起始网址", max_length=500)
    host = models.CharField("主机", max_length=255, unique=True)
    firm = models.ForeignKey(
        "registry.Firm",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sites",
    )
    link_method = models.CharField(
        "关联方式", max_length=16, choices=LinkMethod.choices, blank=True
    )
    link_evidence = models.JSONField("关联依据", default=dict, blank=True)
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    note = models.TextField("备注", blank=True)
    active = models.BooleanField("巡查中", default=True)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.NEW
    )
    added_at = models.DateTimeField("添加时间", auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Robots.txt is honoured unless someone overrides it for this site, and the
    # override records who and why (the issue asks for it to be accountable).
    ignore_robots = models.BooleanField("忽略 robots.txt", default=False)
    robots_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    robots_override_reason = models.TextField("忽略原因", blank=True)
    robots_override_at = models.DateTimeField(null=True, blank=True)
    last_round = models.ForeignKey(
        "PatrolRound",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_crawled_at = models.DateTimeField("最近巡查", null=True, blank=True)

    class Meta:
        verbose_name = "巡查网站"
        verbose_name_plural = "巡查网站"
        indexes = [models.Index(fields=["firm"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.host


class PatrolRound(models.Model):
    """One patrol of a set of sites, started from the console, a schedule or the UI.

    Counters move as pages are stored, so the UI can show progress while the
    round runs; `limits` keeps the crawl settings the round used.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "巡查中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    class Trigger(models.TextChoices):
        CONSOLE = "console", "命令行"
        SCHEDULE = "schedule", "定时"
        UI = "ui", "界面"

    state = models.CharField(
        "状态", max_length=16, choices=State.choices, default=State.QUEUED
    )
    trigger = models.CharField("发起方式", max_length=16, choices=Trigger.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    limits = models.JSONField("巡查参数", default=dict)
    sites_total = models.IntegerField("网站数", default=0)
    sites_done = models.IntegerField("已完成网站", default=0)
    pages_stored = models.IntegerField("已存页面", default=0)
    pages_failed = models.IntegerField("失败页面", default=0)
    findings_new = models.IntegerField("新发现", default=0)
    error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = "巡查轮次"
        verbose_name_plural = "巡查轮次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"round {self.pk}"


class Snapshot(models.Model):
    """One page as fetched in one round: the evidence findings point at.

    The body is stored compressed under its SHA-256 and never modified; this
    row is written once and never updated. `text` is the whole visible text
    of the page (footer included), the text detectors read and whose
    character offsets findings carry.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="snapshots")
    round = models.ForeignKey(
        PatrolRound, on_delete=models.CASCADE, related_name="snapshots"
    )
    url = models.URLField("网址", max_length=2000)
    final_url = models.URLField("最终网址", max_length=2000)
    status_code = models.IntegerField("状态码")
    headers = models.JSONField("响应头", default=dict)
    fetched_at = models.DateTimeField("抓取时间")
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.IntegerField("字节数")
    content_type = models.CharField(max_length=200, blank=True)
    encoding = models.CharField("编码", max_length=40, blank=True)
    depth = models.IntegerField("深度", default=0)
    title = models.CharField("标题", max_length=500, blank=True)
    text = models.TextField("页面文本", blank=True)
    main_text = models.TextField("正文", blank=True)
    text_sha256 = models.CharField(max_length=64, blank=True)
    facts = models.JSONField("页面要素", default=dict)

    class Meta:
        verbose_name = "页面快照"
        verbose_name_plural = "页面快照"
        constraints = [
            # Per site: a site that redirects into another watched site reads
            # the same URLs, and each site's crawl keeps its own evidence.
            models.UniqueConstraint(
                fields=["round", "site", "url"], name="snapshot_once_per_site"
            )
        ]
        indexes = [
            models.Index(fields=["site", "round"]),
            models.Index(fields=["sha256"]),
        ]

    def __str__(self) -> str:
        return self.url


class FetchFailure(models.Model):
    """A URL a round could not fetch, and why: data, not a log line."""

    class Kind(models.TextChoices):
        DNS = "dns", "域名解析失败"
        REFUSED = "refused", "连接被拒绝"
        TIMEOUT = "timeout", "超时"
        HTTP_4XX = "http_4xx", "客户端错误 (4xx)"
        HTTP_5XX = "http_5xx", "服务器错误 (5xx)"
        TOO_LARGE = "too_large", "页面过大"
        REDIRECTS = "redirects", "跳转过多"
        ROBOTS = "robots", "robots.txt 禁止"
        OTHER = "other", "其他错误"

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="failures")
    round = models.ForeignKey(
        PatrolRound, on_delete=models.CASCADE, related_name="failures"
    )
    url = models.URLField("网址", max_length=2000)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    status_code = models.IntegerField("状态码", null=True, blank=True)
    message = models.TextField("说明", blank=True)
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "抓取失败"
        verbose_name_plural = "抓取失败"
        indexes = [models.Index(fields=["round", "kind"])]


class Observation(models.Model):
    """A finding seen on one snapshot, at character offsets of its text.

    The finding itself is made once (its fingerprint is the site, the code,
    the rule and the claim); each round that sees it again adds an
    observation, which is how change detection tells new claims from
    vanished ones.
    """

    finding = models.ForeignKey(
        "rules.Finding", on_delete=models.CASCADE, related_name="observations"
    )
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="observations"
    )
    round = models.ForeignKey(
        PatrolRound, on_delete=models.CASCADE, related_name="observations"
    )
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="observations"
    )
    start = models.IntegerField()
    end = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["finding", "round"], name="observation_once_per_round"
            )
        ]
        indexes = [models.Index(fields=["site", "round"])]


class SiteEvent(models.Model):
    """Something that happened to a site between rounds, shown on the firm's dossier.

    Kinds: a site went dark or came back, now redirects elsewhere, its
    content changed, a finding appeared or vanished.
    """

    class Kind(models.TextChoices):
        WENT_DARK = "went_dark", "网站无法访问"
        BACK_ONLINE = "back_online", "网站恢复访问"
        REDIRECTED = "redirected", "跳转至其他网站"
        CONTENT_CHANGED = "content_changed", "内容变化"
        FINDING_NEW = "finding_new", "出现新的违规表述"
        FINDING_VANISHED = "finding_vanished", "违规表述消失"

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="events")
    firm = models.ForeignKey(
        "registry.Firm",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="site_events",
    )
    round = models.ForeignKey(
        PatrolRound, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("类型", max_length=24, choices=Kind.choices)
    detail = models.JSONField("详情", default=dict)
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "网站事件"
        verbose_name_plural = "网站事件"
        ordering = ["-at"]
        indexes = [models.Index(fields=["firm", "at"]), models.Index(fields=["site"])]


class RoundSite(models.Model):
    """One site's part in one patrol round: who crawled it and how it ended.

    Written when the round is queued (state pending) and closed when the
    site's crawl ends; `root_failure` is the failure kind of the home page
    (empty when it was read) and `final_url` where the home page ended after
    redirects, which is what change detection compares between rounds.
    """

    class State(models.TextChoices):
        PENDING = "pending", "待巡查"
        CRAWLING = "crawling", "巡查中"
        DONE = "done", "已完成"

    round = models.ForeignKey(
        PatrolRound, on_delete=models.CASCADE, related_name="round_sites"
    )
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(
        "状态", max_length=16, choices=State.choices, default=State.PENDING
    )
    # Which worker crawled it: a Celery worker's name, or the host and process.
    worker = models.CharField("执行节点", max_length=200, blank=True)
    pages_stored = models.IntegerField("已存页面", default=0)
    pages_failed = models.IntegerField("失败页面", default=0)
    pages_duplicate = models.IntegerField("重复页面", default=0)
    findings_new = models.IntegerField("新发现", default=0)
    root_failure = models.CharField("首页失败类型", max_length=16, blank=True)
    final_url = models.URLField("首页最终网址", max_length=2000, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "轮次网站"
        verbose_name_plural = "轮次网站"
        constraints = [
            models.UniqueConstraint(fields=["round", "site"], name="round_site_once")
        ]
        indexes = [models.Index(fields=["site", "round"])]

    def __str__(self) -> str:
        return f"round {self.round_id} site {self.site_id}"


class IcpFiling(models.Model):
    """One entry of an imported ICP filing list (ICP备案): who holds which filing.

    `number` is the filing as the list writes it, in normal form
    (吉ICP备12345678号-1); `base` drops the site suffix, so that a page showing
    吉ICP备12345678号 finds every site filed under it. The holder is named by
    its credit code where the list gives one, else by name only.
    """

    number = models.CharField("备案号", max_length=64, unique=True)
    base = models.CharField("主体备案号", max_length=64, db_index=True)
    domain = models.CharField("域名", max_length=255, blank=True, db_index=True)
    holder_name = models.CharField("主办单位名称", max_length=300, blank=True)
    holder_uscc = models.CharField(
        "统一社会信用代码", max_length=18, blank=True, db_index=True
    )
    source = models.CharField("来源文件", max_length=300, blank=True)
    imported_at = models.DateTimeField("导入时间")

    class Meta:
        verbose_name = "ICP备案"
        verbose_name_plural = "ICP备案"

    def __str__(self) -> str:
        return self.number
