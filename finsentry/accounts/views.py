"""Account pages: 我的账号, the second factor, the administrators' audit trail."""

from __future__ import annotations

import logging
import tempfile
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.models import User
from django.db.models import Q
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import (
    content_disposition_header,
    url_has_allowed_host_and_scheme,
)
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from finsentry.accounts import audit, auditlog, scoping, secondfactor
from finsentry.accounts.forms import AuditFilterForm, TokenForm
from finsentry.accounts.models import AuditEntry
from finsentry.accounts.scopetext import scope_text
from finsentry.reports import excel
from finsentry.reports.csvfile import csv_chunks

log = logging.getLogger(__name__)
RECENT_LOGINS = 10


def _next_url(request: HttpRequest, default: str) -> str:
    """Return the safe `next` target of the request, or `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    """Render the user's office, role and scope, second factor and recent logins."""
    user = cast(User, request.user)
    profile = getattr(user, "staff_profile", None)
    mine = Q(user=user, action="auth.login")
    failed = Q(action="auth.login_failed", detail__attempted=user.get_username())
    logins = AuditEntry.objects.filter(mine | failed).order_by("-at")[:RECENT_LOGINS]
    context = {
        "profile": profile,
        "role": scoping.role_of(user),
        "scope": scope_text(scoping.scope_of(user)),
        "device": secondfactor.confirmed_device(user),
        "may_enrol": secondfactor.may_enrol(user),
        "logins": list(logins),
    }
    return render(request, "accounts/account.html", context)


@scoping.requires("account.otp")
def otp_enrol(request: HttpRequest) -> HttpResponseBase:
    """Show a new device's QR code and key; confirm it with its first code."""
    user = cast(User, request.user)
    if secondfactor.confirmed_device(user) is not None:
        messages.info(request, "您已绑定身份验证器。")
        return redirect("accounts:account")

    device = secondfactor.pending_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if secondfactor.confirm(device, form.cleaned_data["token"]):
            otp_login(request, device)
            audit.record(request, "auth.otp_enrolled", device)
            messages.success(request, "身份验证器已绑定，今后登录时需输入动态口令。")
            return redirect(_next_url(request, reverse("accounts:account")))
        audit.record(request, "auth.otp_failed", device, step="enrol")
        form.add_error("token", "动态口令不正确，请核对手机时间后重试。")
    context = {
        "form": form,
        "qr_svg": secondfactor.qr_svg(device),
        "key": secondfactor.key_text(device),
        "next": _next_url(request, ""),
        "required": secondfactor.enrolment_required(user),
    }
    return render(request, "accounts/otp_enrol.html", context)


@login_required
def otp_verify(request: HttpRequest) -> HttpResponseBase:
    """Ask for the code of the user's device after the password; a right code
    completes the login."""
    user = cast(User, request.user)
    device = secondfactor.confirmed_device(user)
    if device is None or user.is_verified():  # type: ignore[attr-defined]
        return redirect(_next_url(request, reverse("registry:dashboard")))

    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["token"].strip()):
            otp_login(request, device)
            audit.record(request, "auth.otp_verified", device)
            return redirect(_next_url(request, reverse("registry:dashboard")))
        audit.record(request, "auth.otp_failed", device, step="login")
        message = "动态口令不正确。" if allowed else "错误次数过多，请稍后再试。"
        form.add_error("token", message)
    context = {"form": form, "next": _next_url(request, "")}
    return render(request, "accounts/otp_verify.html", context)


@require_POST
@scoping.requires("account.otp")
def otp_remove(request: HttpRequest) -> HttpResponseBase:
    """Remove the user's device when the current code confirms it is theirs."""
    user = cast(User, request.user)
    device = secondfactor.confirmed_device(user)
    form = TokenForm(request.POST)
    if device is None:
        return redirect("accounts:account")
    if not form.is_valid() or not device.verify_token(form.cleaned_data["token"]):
        audit.record(request, "auth.otp_failed", device, step="remove")
        messages.error(request, "动态口令不正确，身份验证器未解除。")
        return redirect("accounts:account")
    secondfactor.remove_devices(user)
    audit.record(request, "auth.otp_removed")
    messages.success(request, "已解除身份验证器。")
    return redirect("accounts:account")


class PasswordChange(auth_views.PasswordChangeView):
    """Django's password change, recorded in the audit trail."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        """Save the new password, record it, and tell the user."""
        response = super().form_valid(form)
        audit.record(self.request, "auth.password_changed")
        messages.success(self.request, "密码已修改。")
        return response


def _audit_filters(request: HttpRequest) -> tuple[AuditFilterForm, Any]:
    """Return the audit search form bound to the query and its filters."""
    form = AuditFilterForm(request.GET or None)
    return form, form.filters() if request.GET else auditlog.AuditFilters()


@scoping.requires("audit.view")
def audit_log(request: HttpRequest) -> HttpResponse:
    """Render one page of the audit trail, filtered by user, action, firm and date."""
    form, filters = _audit_filters(request)
    before = request.GET.get("before", "")
    entries, next_before = auditlog.page(
        filters, before=int(before) if before.isdigit() else None
    )
    params = request.GET.copy()
    params.pop("before", None)
    rows = [
        (e, audit.action_label(e.action), auditlog.detail_text(e.detail))
        for e in entries
    ]
    context = {
        "form": form,
        "rows": rows,
        "next_before": next_before,
        "query": params.urlencode(),
    }
    return render(request, "accounts/audit.html", context)


def _audit_export(request: HttpRequest, kind: str) -> tuple[Any, str, str]:
    """Return the export's entries, its visible mark and a file name stem."""
    _, filters = _audit_filters(request)
    now = timezone.localtime()
    user = cast(User, request.user)
    line = excel.header_line(
        user.get_full_name() or user.get_username(), now, filters.describe()
    )
    audit.record(request, "audit.export", format=kind, filters=filters.describe())
    return auditlog.search(filters), line, f"审计日志-{now:%Y%m%d-%H%M}"


@scoping.requires("audit.export")
def audit_export_xlsx(request: HttpRequest) -> FileResponse:
    """Return the filtered audit trail as an .xlsx file marked with who and when."""
    entries, line, stem = _audit_export(request, "xlsx")
    out = tempfile.TemporaryFile()
    excel.write_list(
        out, "审计日志", auditlog.EXPORT_HEADER, auditlog.export_rows(entries), line
    )
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=f"{stem}.xlsx", content_type=excel.XLSX_MIME
    )


@scoping.requires("audit.export")
def audit_export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Return the filtered audit trail as CSV marked with who and when."""
    entries, line, stem = _audit_export(request, "csv")
    chunks = csv_chunks(auditlog.EXPORT_HEADER, auditlog.export_rows(entries), line)
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}.csv")
    return response
