"""Offices of the campaign and the staff profile that places a user in one."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

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
