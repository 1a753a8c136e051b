"""Patrol staff pages: sites, rounds, findings per site, snapshots, unlinked queue."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.forms import Form
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from finsentry.patrol import browse, evidence, rounds, tasks
from finsentry.patrol.decode import decode_body
from finsentry.patrol.forms import (
    AddSitesForm,
    ManualLinkForm,
    RobotsOverrideForm,
    SiteFilterForm,
)
from finsentry.patrol.models import PatrolRound, Site, Snapshot
from finsentry.patrol.sanitise import VIEWER_CSP, sanitised_page
from finsentry.registry.models import Firm

log = logging.getLogger(__name__)


def _report_errors(request: HttpRequest, form: Form) -> None:
    """Show a form's errors as messages on the page the user is sent back to."""
    for errors in form.errors.values():
        messages.error(request, "；".join(str(e) for e in errors))


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "")
    return int(value) if value.isdigit() and int(value) > 0 else 1


@login_required
def sites(request: HttpRequest) -> HttpResponse:
    """Render the watched sites with their status, last round and findings."""
    form = SiteFilterForm(request.GET or None)
    page = _page_number(request)
    rows, total, more = browse.site_list(form.filters(), page)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "rows": rows,
        "total": total,
        "page": page,
        "more": more,
        "query": params.urlencode(),
        "add_form": AddSitesForm(),
        "latest_round": PatrolRound.objects.first(),
    }
    return render(request, "patrol/sites.html", context)


@login_required
@permission_required("patrol.add_site", raise_exception=True)
@require_POST
def add_sites(request: HttpRequest) -> HttpResponseRedirect:
    """Add pasted or uploaded sites to the watch, reporting bad lines by number."""
    form = AddSitesForm(request.POST, request.FILES)
    if not form.is_valid():
        _report_errors(request, form)
        return redirect("patrol:sites")

    data = form.cleaned_data
    result = rounds.add_sites(
        form.lines(), source=data["source"], user=request.user, note=data["note"]
    )
    messages.success(
        request,
        f"新增网站 {result.added} 个，已在名单中 {result.existing} 个。",
    )
    for problem in result.problems[:20]:
        messages.warning(request, f"第 {problem.line} 行：{problem.message}")
    if len(result.problems) > 20:
        messages.warning(request, f"另有 {len(result.problems) - 20} 行无法识别。")
    return redirect("patrol:sites")


@login_required
@permission_required("patrol.add_site", raise_exception=True)
@require_POST
def import_registry_sites(request: HttpRequest) -> HttpResponseRedirect:
    """Watch every registered firm's website."""
    added = rounds.sites_from_registry()
    messages.success(request, f"已从登记信息加入网站 {added} 个。")
    return redirect("patrol:sites")


@login_required
@permission_required("patrol.add_patrolround", raise_exception=True)
@require_POST
def start_round(request: HttpRequest) -> HttpResponseRedirect:
    """Queue a patrol round over the chosen sites (all active ones by default)."""
    chosen = [int(v) for v in request.POST.getlist("site") if v.isdigit()]
    patrol_round = rounds.start_round(
        chosen or None, trigger=PatrolRound.Trigger.UI, user=request.user
    )
    if patrol_round.sites_total == 0:
        messages.error(request, "没有可巡查的网站：请先添加网站。")
        return redirect("patrol:sites")
    tasks.launch_round(patrol_round.pk)
    log.info(
        "patrol round queued round=%s sites=%s user=%s",
        patrol_round.pk,
        patrol_round.sites_total,
        request.user.get_username(),
    )
    return redirect("patrol:round", pk=patrol_round.pk)


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    """Render recent patrol rounds."""
    recent = PatrolRound.objects.select_related("started_by")[:100]
    return render(request, "patrol/rounds.html", {"rounds": recent})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Render a round's progress, its failures by kind and the failing URLs."""
    patrol_round = get_object_or_404(PatrolRound, pk=pk)
    failures = patrol_round.failures.select_related("site").order_by("kind", "url")
    context = {
        "round": patrol_round,
        "by_kind": browse.round_failures(patrol_round),
        "failures": failures[:500],
        "events": patrol_round.events.select_related("site", "firm")[:200],
    }
    return render(request, "patrol/round.html", context)


@login_required
def round_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """Return a round's counters for the progress bar to poll."""
    r = get_object_or_404(PatrolRound, pk=pk)
    return JsonResponse(
        {
            "state": r.state,
            "state_label": r.get_state_display(),
            "sites_total": r.sites_total,
            "sites_done": r.sites_done,
            "pages_stored": r.pages_stored,
            "pages_failed": r.pages_failed,
            "findings_new": r.findings_new,
        }
    )


@login_required
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Render one site: its firm, findings, changes, last round's pages and failures."""
    site = get_object_or_404(Site.objects.select_related("firm"), pk=pk)
    context = {
        "record": browse.site_record(site),
        "robots_form": RobotsOverrideForm(
            initial={
                "ignore_robots": site.ignore_robots,
                "reason": site.robots_override_reason,
            }
        ),
        "link_form": ManualLinkForm(),
    }
    return render(request, "patrol/site.html", context)


@login_required
@permission_required("patrol.change_site", raise_exception=True)
@require_POST
def robots_override(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Set or clear a site's robots.txt override, recording who and why."""
    site = get_object_or_404(Site, pk=pk)
    form = RobotsOverrideForm(request.POST)
    if not form.is_valid():
        _report_errors(request, form)
        return redirect("patrol:site", pk=pk)

    site.ignore_robots = form.cleaned_data["ignore_robots"]
    site.robots_override_reason = form.cleaned_data["reason"].strip()
    site.robots_override_by = request.user if site.ignore_robots else None  # type: ignore[assignment]
    site.robots_override_at = timezone.now()
    site.save(
        update_fields=[
            "ignore_robots",
            "robots_override_reason",
            "robots_override_by",
            "robots_override_at",
        ]
    )
    log.info(
        "robots override site=%s ignore=%s user=%s",
        site.host,
        site.ignore_robots,
        request.user.get_username(),
    )
    messages.success(request, "已保存 robots.txt 设置。")
    return redirect("patrol:site", pk=pk)


@login_required
@permission_required("patrol.change_site", raise_exception=True)
@require_POST
def link_site(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Link a site to a registered firm by hand; findings follow the firm."""
    site = get_object_or_404(Site, pk=pk)
    form = ManualLinkForm(request.POST)
    firm = None
    if form.is_valid():
        firm = Firm.objects.filter(uscc=form.cleaned_data["uscc"]).first()
    if firm is None:
        messages.error(request, "登记信息中没有该统一社会信用代码的企业。")
        return redirect("patrol:site", pk=pk)

    rounds.link_by_hand(site, firm, request.user)
    messages.success(request, f"已关联到 {firm.name}。")
    return redirect("patrol:site", pk=pk)


@login_required
def unlinked(request: HttpRequest) -> HttpResponse:
    """Render the queue of sites no registered firm is known to run."""
    return render(request, "patrol/unlinked.html", {"sites": browse.unlinked_sites()})


@login_required
def snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    """Render a stored page: what was fetched, its text with findings marked."""
    shot = get_object_or_404(Snapshot.objects.select_related("site", "round"), pk=pk)
    pieces = browse.marked_text(shot.text, browse.snapshot_spans(shot))
    context = {"shot": shot, "pieces": pieces}
    return render(request, "patrol/snapshot.html", context)


def _stored_body(shot: Snapshot) -> bytes | HttpResponse:
    """Return a snapshot's stored bytes, or a refusal when they are gone or altered."""
    try:
        return evidence.load(shot.sha256)
    except evidence.EvidenceMissing as exc:
        raise Http404("证据文件缺失") from exc
    except evidence.EvidenceCorrupt:
        log.error("evidence corrupt snapshot=%s sha256=%s", shot.pk, shot.sha256)
        message = "证据文件已损坏：内容与登记的 SHA-256 不符，请联系系统管理员。"
        return HttpResponse(
            message, status=409, content_type="text/plain; charset=utf-8"
        )


@login_required
def snapshot_render(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the sanitised rendering of a stored page, for a sandboxed frame."""
    shot = get_object_or_404(Snapshot, pk=pk)
    body = _stored_body(shot)
    if isinstance(body, HttpResponse):
        return body
    html, _ = decode_body(body, shot.content_type)
    response = HttpResponse(
        sanitised_page(html), content_type="text/html; charset=utf-8"
    )
    response["Content-Security-Policy"] = VIEWER_CSP
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@login_required
def snapshot_raw(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the stored bytes exactly as fetched, as a download that never renders."""
    shot = get_object_or_404(Snapshot, pk=pk)
    body = _stored_body(shot)
    if isinstance(body, HttpResponse):
        return body
    response = HttpResponse(body, content_type="application/octet-stream")
    response["Content-Disposition"] = (
        f'attachment; filename="snapshot-{shot.pk}-{shot.sha256[:12]}.bin"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    log.info(
        "snapshot download snapshot=%s user=%s", shot.pk, request.user.get_username()
    )
    return response
