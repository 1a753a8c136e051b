"""Signal receivers that put logins, lockouts and changes made anywhere on record.

Views record their own reads and exports with `audit.record`; what happens
outside them (Django's login and logout, django-axes' lockout, changes in
the admin, role changes however they are made, finding dismissals and rule
pack edits) is recorded here, from the signals those parts send.
"""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest

from finsentry.accounts import audit
from finsentry.accounts.middleware import LOGIN_AT, SEEN_AT
from finsentry.accounts.models import StaffProfile
from finsentry.rules.models import Finding, RulePack

# Admin changes of these models are recorded by their own receivers below.
_OWN_RECEIVERS = {"rules.finding", "rules.rulepack"}


def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    from finsentry.accounts.secondfactor import confirmed_device

    request.session[LOGIN_AT] = request.session[SEEN_AT] = time.time()
    pending = confirmed_device(user) is not None
    with audit.bound_request(request):
        audit.record(user, "auth.login", second_factor="pending" if pending else "")


def _logged_out(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    if user is not None:
        audit.record(user, "auth.logout")


def _login_failed(
    sender: Any,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **_: Any,
) -> None:
    # Django cleanses the password out of `credentials` before sending them.
    attempted = str(credentials.get("username", ""))[:150]
    audit.record(request, "auth.login_failed", attempted=attempted)


def _locked_out(
    sender: Any, request: HttpRequest, username: str, ip_address: str, **_: Any
) -> None:
    audit.record(request, "auth.lockout", attempted=username, ip=ip_address)


def _admin_logged(sender: Any, instance: LogEntry, created: bool, **_: Any) -> None:
    if not created or instance.content_type is None:
        return
    label = f"{instance.content_type.app_label}.{instance.content_type.model}"
    if label in _OWN_RECEIVERS:
        return
    kinds = {1: "add", 2: "change", 3: "delete"}
    audit.record(
        instance.user,
        "admin.change",
        kind=kinds.get(instance.action_flag, str(instance.action_flag)),
        model=label,
        object_id=instance.object_id,
        object=instance.object_repr,
        message=instance.get_change_message(),
    )


def _profile_before(sender: Any, instance: StaffProfile, **_: Any) -> None:
    old = StaffProfile.objects.filter(pk=instance.pk).values("office__code", "role")
    instance._audit_before = old.first() if instance.pk else None  # type: ignore[attr-defined]


def _profile_saved(
    sender: Any, instance: StaffProfile, created: bool, **_: Any
) -> None:
    before = getattr(instance, "_audit_before", None) or {}
    after = {"office__code": instance.office.code, "role": instance.role}
    if before == after:
        return
    audit.record(
        None,
        "account.role",
        instance,
        account=instance.user.get_username(),
        office_before=before.get("office__code", ""),
        role_before=before.get("role", ""),
        office=after["office__code"],
        role=after["role"],
    )


def _profile_deleted(sender: Any, instance: StaffProfile, **_: Any) -> None:
    audit.record(
        None,
        "account.role",
        account=instance.user.get_username(),
        office_before=instance.office.code,
        role_before=instance.role,
        office="",
        role="",
    )


def _finding_before(sender: Any, instance: Finding, **_: Any) -> None:
    dismissing = instance.pk is not None and instance.dismissed_at is not None
    if dismissing:
        was_open = Finding.objects.filter(pk=instance.pk, dismissed_at__isnull=True)
        dismissing = was_open.exists()
    instance._audit_dismissing = dismissing  # type: ignore[attr-defined]


def _finding_saved(sender: Any, instance: Finding, **_: Any) -> None:
    if getattr(instance, "_audit_dismissing", False):
        audit.record(
            instance.dismissed_by,
            "finding.dismiss",
            instance,
            code=instance.code,
            domain=instance.domain,
            reason=instance.dismissed_reason,
        )


def _pack_saved(sender: Any, instance: RulePack, created: bool, **_: Any) -> None:
    audit.record(
        instance.edited_by,
        "rules.edit",
        instance,
        pack=instance.name,
        version=instance.version,
        active=instance.active,
        created=created,
    )


def connect() -> None:
    """Connect every receiver (AccountsConfig.ready)."""
    user_logged_in.connect(_logged_in, dispatch_uid="audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit-login-failed")
    user_locked_out.connect(_locked_out, dispatch_uid="audit-lockout")
    post_save.connect(_admin_logged, sender=LogEntry, dispatch_uid="audit-admin")
    pre_save.connect(_profile_before, sender=StaffProfile, dispatch_uid="audit-p0")
    post_save.connect(_profile_saved, sender=StaffProfile, dispatch_uid="audit-p1")
    post_delete.connect(_profile_deleted, sender=StaffProfile, dispatch_uid="audit-p2")
    pre_save.connect(_finding_before, sender=Finding, dispatch_uid="audit-f0")
    post_save.connect(_finding_saved, sender=Finding, dispatch_uid="audit-f1")
    post_save.connect(_pack_saved, sender=RulePack, dispatch_uid="audit-pack")
