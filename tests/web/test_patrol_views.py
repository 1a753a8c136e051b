"""The patrol pages: sites, a round's progress, a site's findings, snapshots."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from finsentry.accounts.roles import Role
from finsentry.accounts.services import create_staff
from finsentry.patrol import evidence
from finsentry.patrol.models import (
    FetchFailure,
    Observation,
    PatrolRound,
    Site,
    SiteEvent,
    Snapshot,
)
from finsentry.registry.models import Firm
from finsentry.rules.models import Finding
from tests.web.conftest import PASSWORD

AT = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
PAGE = (
    "<html><head><title>鑫融贷 - 首页</title>"
    "<script>document.title='hacked'</script></head>"
    '<body onload="alert(1)"><h1>鑫融贷</h1>'
    "<p>平台承诺保本保息，年化收益率18%。</p>"
    '<a href="javascript:alert(2)">点击</a><img src="http://evil.example/x.png">'
    "<footer>吉ICP备12345678号</footer></body></html>"
).encode()
TEXT = "鑫融贷\n平台承诺保本保息，年化收益率18%。\n点击\n吉ICP备12345678号"


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path: Path) -> Path:
    """Keep each test's evidence store in its own folder."""
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    return settings.EVIDENCE_DIR


@pytest.fixture
def patrolled(firms: dict[str, Firm]) -> dict[str, object]:
    """Return a finished round over two sites, one linked with a finding, one not."""
    firm = next(iter(firms.values()))
    patrol_round = PatrolRound.objects.create(
        state=PatrolRound.State.DONE,
        trigger=PatrolRound.Trigger.CONSOLE,
        started_at=AT,
        finished_at=AT,
        sites_total=2,
        sites_done=2,
        pages_stored=1,
        pages_failed=1,
    )
    linked = Site.objects.create(
        root_url="http://xinrongdai.example/",
        host="xinrongdai.example",
        firm=firm,
        link_method=Site.LinkMethod.ICP,
        source=Site.Source.REGISTRY,
        status=Site.Status.OK,
        last_round=patrol_round,
        last_crawled_at=AT,
    )
    lonely = Site.objects.create(
        root_url="http://caifu-lonely.example/",
        host="caifu-lonely.example",
        source=Site.Source.TIP,
        status=Site.Status.DARK,
        last_round=patrol_round,
        last_crawled_at=AT,
    )
    stored = evidence.store(PAGE)
    shot = Snapshot.objects.create(
        site=linked,
        round=patrol_round,
        url="http://xinrongdai.example/",
        final_url="http://xinrongdai.example/",
        status_code=200,
        headers={"Content-Type": "text/html; charset=utf-8"},
        fetched_at=AT,
        sha256=stored.sha256,
        size=len(PAGE),
        content_type="text/html; charset=utf-8",
        encoding="utf-8",
        title="鑫融贷 - 首页",
        text=TEXT,
        facts={"icps": ["吉ICP备12345678号"]},
    )
    start = TEXT.index("承诺保本保息")
    finding = Finding.objects.create(
        firm=firm,
        code="P2P-05",
        domain="p2p",
        source="patrol",
        summary="网站承诺保本保息",
        evidence={"snapshot": shot.pk, "site": linked.pk, "round": patrol_round.pk},
        snippet="承诺保本保息",
        start=start,
        end=start + 6,
        rule="p2p.guarantee",
        rule_version="p2p@1",
        fingerprint="f" * 64,
        first_seen=AT,
        last_seen=AT,
    )
    Observation.objects.create(
        finding=finding,
        site=linked,
        round=patrol_round,
        snapshot=shot,
        start=start,
        end=start + 6,
    )
    FetchFailure.objects.create(
        site=lonely,
        round=patrol_round,
        url=lonely.root_url,
        kind=FetchFailure.Kind.DNS,
        message="no such host",
        at=AT,
    )
    SiteEvent.objects.create(
        site=lonely,
        round=patrol_round,
        kind=SiteEvent.Kind.WENT_DARK,
        detail={"summary": "首页无法解析域名"},
        at=AT,
    )
    return {"round": patrol_round, "linked": linked, "lonely": lonely, "shot": shot}


def test_pages_need_login(client: Client, db: None) -> None:
    response = client.get(reverse("patrol:sites"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_site_list_shows_status_firm_and_finding_count(
    staff_client: Client, patrolled: dict
) -> None:
    response = staff_client.get(reverse("patrol:sites"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "xinrongdai.example" in html
    assert "caifu-lonely.example" in html
    assert "无法访问" in html
    assert patrolled["linked"].firm.name in html

    unlinked_only = staff_client.get(reverse("patrol:sites"), {"linked": "no"})
    assert "xinrongdai.example" not in unlinked_only.content.decode()


def test_site_page_lists_findings_with_snapshot_link(
    staff_client: Client, patrolled: dict
) -> None:
    site = patrolled["linked"]
    html = staff_client.get(reverse("patrol:site", args=[site.pk])).content.decode()
    assert "P2P-05" in html
    assert "承诺保本保息" in html
    assert reverse("patrol:snapshot", args=[patrolled["shot"].pk]) in html


def test_snapshot_marks_the_finding_in_the_text(
    staff_client: Client, patrolled: dict
) -> None:
    shot = patrolled["shot"]
    html = staff_client.get(reverse("patrol:snapshot", args=[shot.pk])).content.decode()
    finding_id = shot.observations.get().finding_id
    assert f'<span class="anchor" id="finding-{finding_id}"></span><mark' in html
    assert ">承诺保本保息</mark>" in html
    assert shot.sha256 in html


def test_raw_snapshot_is_the_fetched_bytes_as_a_download(
    staff_client: Client, patrolled: dict
) -> None:
    shot = patrolled["shot"]
    response = staff_client.get(reverse("patrol:snapshot_raw", args=[shot.pk]))
    assert response.status_code == 200
    assert response.content == PAGE
    assert hashlib.sha256(response.content).hexdigest() == shot.sha256
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_rendering_runs_nothing_from_the_stored_page(
    staff_client: Client, patrolled: dict
) -> None:
    shot = patrolled["shot"]
    response = staff_client.get(reverse("patrol:snapshot_render", args=[shot.pk]))
    html = response.content.decode()
    assert (
        "script" in response["Content-Security-Policy"]
        or "sandbox" in response["Content-Security-Policy"]
    )
    assert "承诺保本保息" in html
    for active in ("<script", "onload", "javascript:", "evil.example", "<img"):
        assert active not in html


def test_round_page_counts_failures_by_kind(
    staff_client: Client, patrolled: dict
) -> None:
    patrol_round = patrolled["round"]
    html = staff_client.get(
        reverse("patrol:round", args=[patrol_round.pk])
    ).content.decode()
    assert "域名解析失败 1" in html
    assert "首页无法解析域名" in html
    progress = staff_client.get(
        reverse("patrol:round_progress", args=[patrol_round.pk])
    ).json()
    assert progress["state"] == "done"
    assert progress["sites_done"] == 2


def test_unlinked_queue_holds_sites_without_a_firm(
    staff_client: Client, patrolled: dict
) -> None:
    html = staff_client.get(reverse("patrol:unlinked")).content.decode()
    assert "caifu-lonely.example" in html
    assert "xinrongdai.example" not in html


def test_robots_override_needs_a_reason_and_records_who(
    staff: User, staff_client: Client, patrolled: dict
) -> None:
    site = patrolled["lonely"]
    url = reverse("patrol:robots", args=[site.pk])

    staff_client.post(url, {"ignore_robots": "on", "reason": ""})
    site.refresh_from_db()
    assert site.ignore_robots is False

    staff_client.post(url, {"ignore_robots": "on", "reason": "举报线索核查需要"})
    site.refresh_from_db()
    assert site.ignore_robots is True
    assert site.robots_override_by == staff
    assert site.robots_override_reason == "举报线索核查需要"


def test_actions_need_permission(patrolled: dict) -> None:
    leader = create_staff("boss", PASSWORD, "province", Role.LEADER)
    leader_client = Client()
    leader_client.force_login(leader)
    site = patrolled["lonely"]
    response = leader_client.post(
        reverse("patrol:robots", args=[site.pk]),
        {"ignore_robots": "on", "reason": "x"},
    )
    assert response.status_code == 403
    response = leader_client.post(reverse("patrol:start_round"))
    assert response.status_code == 403


def test_firm_dossier_shows_its_sites_and_patrol_findings(
    staff_client: Client, patrolled: dict
) -> None:
    firm = patrolled["linked"].firm
    html = staff_client.get(reverse("registry:firm", args=[firm.uscc])).content.decode()
    assert "网上巡查" in html
    assert "xinrongdai.example" in html
    assert "P2P-05" in html
