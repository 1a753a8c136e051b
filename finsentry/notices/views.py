"""The staff member's own notices: list them, open one, mark them read."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from finsentry.notices import services
from finsentry.notices.models import Notice

PAGE = 100


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Render the user's latest notices, unread first in bold."""
    unread_only = request.GET.get("unread") == "1"
    notices = services.notices_for(cast(User, request.user), unread_only)[:PAGE]
    context = {"notices": notices, "unread_only": unread_only}
    return render(request, "notices/inbox.html", context)


@login_required
def open_notice(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Mark one of the user's notices read and go where it points."""
    notice = Notice.objects.filter(pk=pk, recipient_id=request.user.pk).first()
    if notice is None:
        # The same answer whether the notice is someone else's or gone.
        messages.info(request, "该通知不存在或不是发给您的。")
        return redirect("notices:inbox")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    safe = url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None)
    return redirect(notice.url if notice.url and safe else "notices:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponseRedirect:
    """Mark every notice of the user read."""
    services.mark_read(cast(User, request.user))
    return redirect("notices:inbox")
