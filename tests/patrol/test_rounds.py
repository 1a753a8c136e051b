"""Rounds: choosing sites, queueing, running, re-running, and the console command."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from finsentry.patrol import rounds
from finsentry.patrol.crawler.limits import CrawlLimits
from finsentry.patrol.models import (
    FetchFailure,
    Observation,
    PatrolRound,
    RoundSite,
    Site,
    Snapshot,
)
from finsentry.registry.models import Firm
from finsentry.rules.models import Finding
from tests.patrol.conftest import QUICK, patrol, watch
from tests.patrol.fixture_sites import P2P_NAME, P2P_USCC, FixtureWeb


@pytest.mark.django_db
def test_add_sites_reports_bad_lines_by_number() -> None:
    lines = [
        "# 举报线索",
        "http://www.Example.cn/",
        "",
        "example.cn/about",
        "ftp://files.example.cn/",
        "https://xn--fiqs8s.cn:8443/p2p",
        "不是网址",
    ]

    result = rounds.add_sites(lines, Site.Source.UPLOAD, note="第一批")

    assert (result.added, result.existing) == (2, 0)
    assert [(p.line, p.text) for p in result.problems] == [
        (5, "ftp://files.example.cn/"),
        (7, "不是网址"),
    ]
    hosts = dict(Site.objects.values_list("host", "root_url"))
    assert hosts == {
        "example.cn": "http://www.example.cn/",
        "xn--fiqs8s.cn:8443": "https://xn--fiqs8s.cn:8443/p2p",
    }
    again = rounds.add_sites(["example.cn"], Site.Source.MANUAL)
    assert (again.added, again.existing) == (0, 1)


@pytest.mark.django_db
def test_registry_websites_become_linked_sites() -> None:
    firm = Firm.objects.create(uscc=P2P_USCC, name=P2P_NAME, website="www.xrd.cn")
    Firm.objects.create(uscc="91220101MA00000000", name="无网站公司", website="")
    Site.objects.create(root_url="http://known.cn/", host="known.cn", source="manual")
    Firm.objects.create(uscc="91220101MA0000001X", name="已知", website="known.cn")

    added = rounds.sites_from_registry()

    assert added == 1
    site = Site.objects.get(host="xrd.cn")
    assert (site.firm, site.source, site.link_method) == (firm, "registry", "website")
    assert rounds.sites_from_registry() == 0


@pytest.mark.django_db
def test_start_round_queues_active_sites_with_its_limits() -> None:
    user = User.objects.create_user("inspector")
    ids = watch("http://a.cn/", "http://b.cn/", "http://c.cn/")
    Site.objects.filter(pk=ids[2]).update(active=False)

    queued = rounds.start_round(None, PatrolRound.Trigger.UI, user, limits=QUICK)

    assert queued.state == PatrolRound.State.QUEUED
    assert queued.sites_total == 2 and queued.started_by == user
    assert CrawlLimits.from_dict(queued.limits) == QUICK
    assert set(rounds.round_site_ids(queued.pk)) == set(ids[:2])
    assert rounds.claim_round(queued.pk).state == PatrolRound.State.RUNNING
    with pytest.raises(rounds.RoundNotQueued):
        rounds.claim_round(queued.pk)


def test_limits_read_from_the_environment() -> None:
    env = {
        "FINSENTRY_PATROL_DOWNLOAD_DELAY": "1.5",
        "FINSENTRY_PATROL_OBEY_ROBOTS": "0",
    }

    limits = CrawlLimits.from_env(env)

    assert limits.download_delay == 1.5 and limits.obey_robots is False
    assert limits.max_pages_per_site == CrawlLimits().max_pages_per_site
    with pytest.raises(ValueError, match="FINSENTRY_PATROL_RETRIES"):
        CrawlLimits.from_env({"FINSENTRY_PATROL_RETRIES": "many"})
    with pytest.raises(ValueError, match="main_text"):
        CrawlLimits.from_env({"FINSENTRY_PATROL_MAIN_TEXT": "some"})
    # A typo is refused, not read as "no".
    with pytest.raises(ValueError, match="FINSENTRY_PATROL_OBEY_ROBOTS"):
        CrawlLimits.from_env({"FINSENTRY_PATROL_OBEY_ROBOTS": "ture"})
    with pytest.raises(ValueError, match="FINSENTRY_PATROL_DOWNLOAD_DELAY"):
        CrawlLimits.from_env({"FINSENTRY_PATROL_DOWNLOAD_DELAY": "-1"})


def test_sites_are_dealt_into_chunks() -> None:
    assert rounds.split([1, 2, 3, 4, 5], 2) == [[1, 3, 5], [2, 4]]
    assert rounds.split([1], 4) == [[1]]
    assert rounds.chunked([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]


@pytest.mark.django_db(transaction=True)
def test_rerun_sees_the_same_claims_again_without_new_findings(
    web: FixtureWeb, data_dir: Path
) -> None:
    [site_id] = watch(web["p2p"].url)
    first = patrol([site_id])
    findings = {f.fingerprint: f for f in Finding.objects.all()}
    assert first.findings_new == len(findings) > 0

    second = patrol([site_id])

    again = {f.fingerprint: f for f in Finding.objects.all()}
    assert second.state == PatrolRound.State.DONE and second.findings_new == 0
    assert again.keys() == findings.keys()
    assert all(again[k].last_seen > findings[k].last_seen for k in findings)
    assert all(again[k].first_seen == findings[k].first_seen for k in findings)
    per_round = Observation.objects.filter(round=second).count()
    assert per_round == Observation.objects.filter(round=first).count() == len(again)
    # Each round keeps its own snapshots; the bytes are stored once.
    assert Snapshot.objects.filter(round=second).count() == first.pages_stored
    assert len({s.sha256 for s in Snapshot.objects.all()}) == first.pages_stored


@pytest.mark.django_db(transaction=True)
def test_robots_override_lets_the_crawl_in(web: FixtureWeb, data_dir: Path) -> None:
    [site_id] = watch(web["robots"].url)
    Site.objects.filter(pk=site_id).update(
        ignore_robots=True,
        robots_override_reason="举报线索核查，经领导小组办公室批准",
        robots_override_at=timezone.now(),
    )

    done = patrol([site_id])

    paths = set(Snapshot.objects.filter(round=done).values_list("url", flat=True))
    assert paths == {web["robots"].url, web["robots"].url + "x.html"}
    assert not FetchFailure.objects.filter(round=done).exists()


@pytest.mark.django_db(transaction=True)
def test_console_patrol_runs_a_round_with_progress_and_summary(
    web: FixtureWeb, data_dir: Path
) -> None:
    listing = data_dir / "sites.txt"
    listing.write_text(f"{web['gbk'].url}\n{web['error'].url}\n", encoding="utf-8")
    out = StringIO()

    call_command(
        "patrol", "--file", str(listing), "--site", web["broken"].url, stdout=out
    )

    text = out.getvalue()
    assert "轮巡查开始：网站 3 个" in text
    assert "巡查已完成：网站 3/3" in text and "服务器错误 (5xx) 1" in text
    assert RoundSite.objects.filter(state=RoundSite.State.DONE).count() == 3


@pytest.mark.django_db
def test_console_patrol_refuses_bad_input_with_line_numbers(data_dir: Path) -> None:
    listing = data_dir / "sites.txt"
    listing.write_text("good.cn\nnot a site\n", encoding="utf-8")

    with pytest.raises(CommandError, match="第 2 行"):
        call_command("patrol", "--file", str(listing))
    with pytest.raises(CommandError, match="请指定"):
        call_command("patrol")
    with pytest.raises(CommandError, match="missing.txt"):
        call_command("patrol", "--file", str(data_dir / "missing.txt"))
    assert not PatrolRound.objects.exists()


@pytest.mark.django_db
def test_console_add_sites_adds_nothing_from_a_list_with_bad_lines(
    data_dir: Path,
) -> None:
    listing = data_dir / "tips.txt"
    listing.write_text("tip-one.cn\nhttp://tip-two.cn/a\n", encoding="gb18030")
    out = StringIO()

    call_command("add_sites", "--file", str(listing), "--source", "tip", stdout=out)
    with pytest.raises(CommandError, match="第 2 行"):
        call_command("add_sites", "three.cn", "http://")

    assert "新增网站 2 个" in out.getvalue()
    assert set(Site.objects.values_list("host", "source")) == {
        ("tip-one.cn", "tip"),
        ("tip-two.cn", "tip"),
    }
