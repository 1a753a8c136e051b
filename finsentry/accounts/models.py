"""Offices of the campaign and the staff profile that places a user in one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from finsentry.accounts.roles import (
    OFFICE_KIND_LABELS,
    ROLE_LABELS,
    OfficeKind,
    Role,
    Scope,
    role_fits_office,
    scope_for,
)


class Office(models.Model):
    """An office of the campaign (plan 四(一)1): provincial, domain, city or county.

    Offices are data, written from the shipped division codes by
    `services.ensure_offices` (after every migrate), never typed in by hand.
    A domain office has `domain` set; a city office a four-digit and a county
    office a six-digit `region_code`; the provincial office neither.
    """

    code = models.CharField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=200)
    kind = models.CharField(
        "类型",
        max_length=12,
        choices=[(k.value, label) for k, label in OFFICE_KIND_LABELS.items()],
    )
    domain = models.CharField("领域", max_length=16, blank=True)
    region_code = models.CharField("区划代码", max_length=6, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级",
    )

    class Meta:
        verbose_name = "工作机构"
        verbose_name_plural = "工作机构"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def office_kind(self) -> OfficeKind:
        """Return the kind as the enum the pure logic uses."""
        return OfficeKind(self.kind)


class StaffProfile(models.Model):
    """What makes a login a member of campaign staff: one office and one role.

    A user without a profile (other than a superuser) sees no firm at all.
    The role must fit the office (roles.ROLE_OFFICES): an inspector sits in
    a city or county group, a domain officer in a domain office.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name="用户",
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="members", verbose_name="机构"
    )
    role = models.CharField(
        "角色",
        max_length=20,
        choices=[(r.value, label) for r, label in ROLE_LABELS.items()],
    )
    phone = models.CharField("联系电话", max_length=40, blank=True)

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"

    def __str__(self) -> str:
        return f"{self.user} · {self.office} · {self.role_label}"

    @property
    def role_enum(self) -> Role:
        """Return the role as the enum the pure logic uses."""
        return Role(self.role)

    @property
    def role_label(self) -> str:
        """Return the role's Chinese name."""
        return ROLE_LABELS[self.role_enum]

    def clean(self) -> None:
        """Refuse a role that does not fit the office's kind."""
        if self.office_id and not role_fits_office(
            self.role_enum, self.office.office_kind
        ):
            raise ValidationError(
                {"role": f"“{self.role_label}”不能隶属于“{self.office.name}”"}
            )

    def scope(self) -> Scope:
        """Return the scope of firms this member sees."""
        return scope_for(
            self.role_enum,
            self.office.office_kind,
            self.office.region_code,
            self.office.domain,
        )


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    """Audit entries refuse bulk changes: the trail is append-only."""

    def update(self, **kwargs: object) -> int:
        """Refuse: an audit entry is never changed."""
        raise AuditEntryReadOnly("audit entries are never updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        """Refuse: entries go only through `finsentry prune-audit`."""
        raise AuditEntryReadOnly("audit entries are deleted only by prune-audit")


class AuditEntryReadOnly(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditEntry(models.Model):
    """One act of a user (a read, an export, a change), written once, never changed.

    Plan 一(二)5 asks for strict confidentiality inside the campaign: who saw or
    did what, when and from where is kept here for at least six months
    (`audit.RETENTION_DAYS`). The user and firm are kept by value as well as
    by reference, so that an entry still says who and what after the login
    or the firm is gone; the references carry no database constraint so that
    no cascade ever rewrites an entry. Database triggers refuse UPDATE and
    the DELETE of entries younger than the retention (migration 0002).
    """

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="用户",
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=60)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    firm = models.ForeignKey(
        "registry.Firm",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="企业",
    )
    firm_uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    detail = models.JSONField("详情", default=dict, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["username", "at"]),
            models.Index(fields=["action", "at"]),
            models.Index(fields=["firm_uscc", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert a new entry; refuse to save one that is already stored."""
        if self.pk is not None and not self._state.adding:
            raise AuditEntryReadOnly("audit entries are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Refuse: entries go only through `finsentry prune-audit`."""
        raise AuditEntryReadOnly("audit entries are deleted only by prune-audit")
