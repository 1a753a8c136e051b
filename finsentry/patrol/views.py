"""Patrol staff pages: sites, rounds, findings per site, snapshots, unlinked queue."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
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

from finsentry.accounts import audit, scoping
from finsentry.accounts.scoping import requires
from finsentry.patrol import browse, evidence, rounds, tasks
from finsentry.patrol.decode import decode_body
from finsentry.patrol.forms import (
    AddSitesForm,
    ManualLinkForm,
    RobotsOverrideForm,
    SiteFilterForm,
)
from finsentry.patrol.models import FetchFailure, PatrolRound, Site, Snapshot
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


def _sites(request: HttpRequest) -> QuerySet[Site]:
    """Return the sites the user sees: those of visible firms, and unlinked sites
    for offices without a region limit (accounts.scoping.sees_unlinked)."""
    return scoping.visible_records(request.user, Site.objects.all(), unlinked=True)


@dataclass(frozen=True)
class ScopedSiteFilters(browse.SiteFilters):
    """The site list's filters, narrowed first to the sites `user` sees."""

    user: Any = None

    def apply(self, sites: QuerySet[Site]) -> QuerySet[Site]:
        """Return the visible `sites` narrowed by the filters."""
        visible = scoping.visible_records(self.user, sites, unlinked=True)
        return super().apply(visible)


def _site_or_404(request: HttpRequest, pk: int) -> Site:
    """Return the site `pk` if the user sees it; else 404 as if it did not exist."""
    return scoping.record_or_404(
        request.user, Site.objects.select_related("firm"), unlinked=True, pk=pk
    )


def _snapshot_or_404(request: HttpRequest, pk: int) -> Snapshot:
    """Return the snapshot `pk` if the user sees its site; else 404."""
    shots = Snapshot.objects.select_related("site", "round")
    return scoping.record_or_404(
        request.user, shots, via="site__firm", unlinked=True, pk=pk
    )


@requires("patrol.view")
def sites(request: HttpRequest) -> HttpResponse:
    """Render the watched sites the user sees with their status, last round and
    findings."""
    form = SiteFilterForm(request.GET or None)
    page = _page_number(request)
    filters = ScopedSiteFilters(**asdict(form.filters()), user=request.user)
    rows, total, more = browse.site_list(filters, page)
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


@require_POST
@requires("patrol.manage")
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
    audit.record(
        request,
        "patrol.sites_added",
        added=result.added,
        existing=result.existing,
        problems=len(result.problems),
        source=data["source"],
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


@require_POST
@requires("patrol.manage")
def import_registry_sites(request: HttpRequest) -> HttpResponseRedirect:
    """Watch every registered firm's website."""
    if not scoping.scope_of(request.user).everything:
        raise PermissionDenied("只有全省范围的账号才能从全部登记信息添加网站")
    added = rounds.sites_from_registry()
    audit.record(request, "patrol.sites_from_registry", added=added)
    messages.success(request, f"已从登记信息加入网站 {added} 个。")
    return redirect("patrol:sites")


@require_POST
@requires("patrol.manage")
def start_round(request: HttpRequest) -> HttpResponseRedirect:
    """Queue a patrol round over the chosen sites (all active ones by default),
    among those the user sees."""
    chosen = [int(v) for v in request.POST.getlist("site") if v.isdigit()]
    if chosen or not scoping.scope_of(request.user).everything:
        visible = _sites(request)
        if chosen:
            visible = visible.filter(pk__in=chosen)
        else:
            visible = visible.filter(active=True)
        chosen = list(visible.values_list("pk", flat=True))
        if not chosen:
            messages.error(request, "没有可巡查的网站：请先添加网站。")
            return redirect("patrol:sites")
    patrol_round = rounds.start_round(
        chosen or None, trigger=PatrolRound.Trigger.UI, user=request.user
    )
    if patrol_round.sites_total == 0:
        messages.error(request, "没有可巡查的网站：请先添加网站。")
        return redirect("patrol:sites")
    audit.record(request, "patrol.round", patrol_round, sites=patrol_round.sites_total)
    tasks.launch_round(patrol_round.pk)
    log.info(
        "patrol round queued round=%s sites=%s user=%s",
        patrol_round.pk,
        patrol_round.sites_total,
        request.user.get_username(),
    )
    return redirect("patrol:round", pk=patrol_round.pk)


@requires("patrol.view")
def round_list(request: HttpRequest) -> HttpResponse:
    """Render recent patrol rounds (their counters only; failing sites are shown
    on a round's page within the user's scope)."""
    recent = PatrolRound.objects.select_related("started_by")[:100]
    return render(request, "patrol/rounds.html", {"rounds": recent})


def _failures_by_kind(failures: QuerySet[FetchFailure]) -> list[tuple[str, str, int]]:
    """Return failures counted by kind: (kind, label, count), most first."""
    labels = dict(FetchFailure.Kind.choices)
    counts = failures.values("kind").annotate(n=Count("id")).order_by("-n")
    return [(r["kind"], labels.get(r["kind"], r["kind"]), r["n"]) for r in counts]


@requires("patrol.view")
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Render a round's progress, its failures by kind and the failing URLs of
    the sites the user sees."""
    patrol_round = get_object_or_404(PatrolRound, pk=pk)
    if scoping.scope_of(request.user).everything:
        failures = patrol_round.failures.all()
        by_kind = browse.round_failures(patrol_round)
    else:
        failures = patrol_round.failures.filter(site__in=_sites(request))
        by_kind = _failures_by_kind(failures)
    events = scoping.visible_records(
        request.user, patrol_round.events.all(), via="site__firm", unlinked=True
    )
    context = {
        "round": patrol_round,
        "by_kind": by_kind,
        "failures": failures.select_related("site").order_by("kind", "url")[:500],
        "events": events.select_related("site", "firm")[:200],
    }
    return render(request, "patrol/round.html", context)


@requires("patrol.view")
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


@requires("patrol.view")
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Render one site: its firm, findings, changes, last round's pages and failures."""
    site = _site_or_404(request, pk)
    audit.record(request, "patrol.site_view", site)
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


@require_POST
@requires("patrol.manage")
def robots_override(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Set or clear a site's robots.txt override, recording who and why."""
    site = _site_or_404(request, pk)
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
    audit.record(
        request,
        "patrol.robots",
        site,
        ignore_robots=site.ignore_robots,
        reason=site.robots_override_reason,
    )
    messages.success(request, "已保存 robots.txt 设置。")
    return redirect("patrol:site", pk=pk)


@require_POST
@requires("patrol.manage")
def link_site(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Link a site to a registered firm (one the user sees) by hand; findings
    follow the firm."""
    site = _site_or_404(request, pk)
    form = ManualLinkForm(request.POST)
    firm = None
    if form.is_valid():
        wanted = Firm.objects.filter(uscc=form.cleaned_data["uscc"])
        firm = scoping.visible_firms(request.user, wanted).first()
    if firm is None:
        messages.error(request, "登记信息中没有该统一社会信用代码的企业。")
        return redirect("patrol:site", pk=pk)

    before = site.firm.uscc if site.firm is not None else ""
    rounds.link_by_hand(site, firm, request.user)
    audit.record(request, "patrol.link", site, firm=firm, previous=before)
    messages.success(request, f"已关联到 {firm.name}。")
    return redirect("patrol:site", pk=pk)


@requires("patrol.view")
def unlinked(request: HttpRequest) -> HttpResponse:
    """Render the queue of sites no registered firm is known to run, for offices
    without a region limit."""
    if not scoping.sees_unlinked(request.user):
        raise PermissionDenied(
            "未关联企业的网站尚无所属地区，仅省级和分领域办公室可以查看"
        )
    return render(request, "patrol/unlinked.html", {"sites": browse.unlinked_sites()})


@requires("patrol.view")
def snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    """Render a stored page: what was fetched, its text with findings marked."""
    shot = _snapshot_or_404(request, pk)
    audit.record(request, "patrol.snapshot_view", shot, firm=shot.site.firm)
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


@requires("patrol.view")
def snapshot_render(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the sanitised rendering of a stored page, for a sandboxed frame."""
    shot = _snapshot_or_404(request, pk)
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


@requires("evidence.download")
def snapshot_raw(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the stored bytes exactly as fetched, as a download that never renders."""
    shot = _snapshot_or_404(request, pk)
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
    audit.record(
        request,
        "patrol.snapshot_download",
        shot,
        firm=shot.site.firm,
        sha256=shot.sha256,
    )
    return response
