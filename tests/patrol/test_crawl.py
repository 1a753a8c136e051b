"""Crawling: one round over every kind of fixture site, stored as evidence.

The round runs once for the module (it takes a few seconds: the slow site
must time out, twice); the tests read what it left.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import override_settings

from finsentry.patrol import evidence
from finsentry.patrol.models import (
    FetchFailure,
    Observation,
    PatrolRound,
    RoundSite,
    Site,
    Snapshot,
)
from finsentry.rules.models import Finding
from tests.patrol.conftest import patrol, watch
from tests.patrol.fixture_sites import P2P_ICP, P2P_USCC, FixtureWeb

# Transactional: the round's child processes must see committed rows. The
# flush after each test leaves the module's record, read into memory, alone.
pytestmark = pytest.mark.django_db(transaction=True)

# A port nothing listens on: connections are refused.
GONE = "http://127.0.0.1:9/"


@dataclass
class Crawl:
    """What the module's round left, read back once into memory."""

    round: PatrolRound
    sites: dict[str, Site]
    round_sites: dict[str, RoundSite]
    pages: dict[str, dict[str, Snapshot]]
    failures: dict[str, dict[str, FetchFailure]]
    findings: list[Finding]
    observations: list[Observation]
    hits: dict[str, list[str]]
    evidence_root: Path


def _path(url: str) -> str:
    return urlsplit(url).path or "/"


@pytest.fixture(scope="module")
def crawl(
    web: FixtureWeb, django_db_setup: None, django_db_blocker, tmp_path_factory
) -> Iterator[Crawl]:  # type: ignore[no-untyped-def]
    data = tmp_path_factory.mktemp("crawl")
    names = {**{s.host: n for n, s in web.sites.items()}, "127.0.0.1:9": "gone"}
    with (
        django_db_blocker.unblock(),
        override_settings(DATA_DIR=data, EVIDENCE_DIR=data / "evidence"),
    ):
        ids = watch(*(s.url for s in web.sites.values()), GONE)
        done = patrol(ids)
        sites = {names[s.host]: s for s in Site.objects.all()}
        by_id = {s.pk: names[s.host] for s in sites.values()}
        pages: dict[str, dict[str, Snapshot]] = {n: {} for n in sites}
        for shot in Snapshot.objects.filter(round=done):
            pages[by_id[shot.site_id]][_path(shot.url)] = shot
        failures: dict[str, dict[str, FetchFailure]] = {n: {} for n in sites}
        for failure in FetchFailure.objects.filter(round=done):
            failures[by_id[failure.site_id]][_path(failure.url)] = failure
        yield Crawl(
            round=done,
            sites=sites,
            round_sites={by_id[r.site_id]: r for r in RoundSite.objects.all()},
            pages=pages,
            failures=failures,
            findings=list(Finding.objects.filter(source="patrol")),
            observations=list(Observation.objects.all()),
            hits={n: list(s.hits) for n, s in web.sites.items()},
            evidence_root=data / "evidence",
        )
        Finding.objects.all().delete()
        Site.objects.all().delete()
        PatrolRound.objects.all().delete()


def test_round_finishes_despite_bad_sites(crawl: Crawl) -> None:
    assert crawl.round.state == PatrolRound.State.DONE
    assert crawl.round.sites_total == crawl.round.sites_done == 9
    assert crawl.round.pages_stored == sum(len(p) for p in crawl.pages.values())
    assert crawl.round.pages_failed == sum(len(f) for f in crawl.failures.values())
    assert {r.state for r in crawl.round_sites.values()} == {RoundSite.State.DONE}
    assert all(r.worker for r in crawl.round_sites.values())


@pytest.mark.parametrize(
    ("site", "path", "kind", "status"),
    [
        ("loop", "/", "redirects", None),
        ("slow", "/", "timeout", None),
        ("huge", "/big.html", "too_large", None),
        ("huge", "/chunked.html", "too_large", None),
        ("robots", "/", "robots", None),
        ("error", "/", "http_5xx", 500),
        ("p2p", "/missing.html", "http_4xx", 404),
        ("gone", "/", "refused", None),
    ],
)
def test_failure_recorded_with_its_kind(
    crawl: Crawl, site: str, path: str, kind: str, status: int | None
) -> None:
    failure = crawl.failures[site][path]

    assert (failure.kind, failure.status_code) == (kind, status)
    assert failure.message


def test_site_status_follows_its_home_page(crawl: Crawl) -> None:
    statuses = {name: site.status for name, site in crawl.sites.items()}

    assert statuses == {
        "p2p": "failing",
        "gbk": "ok",
        "broken": "ok",
        "loop": "failing",
        "slow": "dark",
        "huge": "failing",
        "robots": "blocked",
        "error": "dark",
        "gone": "dark",
    }
    assert all(s.last_round_id == crawl.round.pk for s in crawl.sites.values())


def test_robots_txt_forbidding_all_stops_the_crawl_at_the_door(crawl: Crawl) -> None:
    assert crawl.hits["robots"] == ["/robots.txt"]
    assert crawl.pages["robots"] == {}


def test_snapshot_keeps_the_bytes_their_hash_and_the_text(crawl: Crawl, web) -> None:  # type: ignore[no-untyped-def]
    shot = crawl.pages["p2p"]["/"]
    served = web["p2p"].pages["/"].body

    assert shot.sha256 == hashlib.sha256(served).hexdigest()
    assert shot.size == len(served)
    assert evidence.load(shot.sha256, crawl.evidence_root) == served
    assert shot.status_code == 200
    assert shot.final_url == shot.url
    assert shot.headers["Content-Type"] == "text/html; charset=utf-8"
    assert shot.title == "鑫融贷 - 安全稳健的网络借贷平台"
    assert "承诺保本保息" in shot.text and P2P_ICP in shot.text
    assert shot.text_sha256 == hashlib.sha256(shot.text.encode()).hexdigest()
    assert "保本保息" in shot.main_text
    # Main text is kept for pages with findings only (the default).
    assert crawl.pages["broken"]["/next.html"].main_text == ""
    assert P2P_USCC in shot.facts["usccs"]
    assert shot.depth == 0 and crawl.pages["p2p"]["/products.html"].depth == 1


def test_gbk_pages_decode_whatever_the_header_says(crawl: Crawl) -> None:
    declared_utf8 = crawl.pages["gbk"]["/"]
    undeclared = crawl.pages["gbk"]["/plain.html"]

    assert "保本保息，年化收益15%" in declared_utf8.text
    assert declared_utf8.encoding in {"gbk", "gb18030"}
    assert "财富管理与资产配置" in undeclared.text


def test_broken_html_is_still_read_and_followed(crawl: Crawl) -> None:
    assert "稳赚不赔" in crawl.pages["broken"]["/"].text
    assert "/next.html" in crawl.pages["broken"]


def test_same_body_under_another_url_is_stored_once(crawl: Crawl) -> None:
    assert "/index.html" in crawl.hits["p2p"]
    assert "/index.html" not in crawl.pages["p2p"]
    assert crawl.round_sites["p2p"].pages_duplicate == 1


def test_only_pages_of_the_site_are_followed(crawl: Crawl) -> None:
    pdf = crawl.pages["p2p"]["/terms"]

    assert set(crawl.pages["p2p"]) == {
        "/", "/products.html", "/about.html", "/news.html", "/terms"
    }  # fmt: skip
    assert (pdf.text, pdf.content_type) == ("", "application/pdf")
    assert "/hidden.html" not in crawl.hits["p2p"]
    assert "/logo.png" not in crawl.hits["p2p"]


def test_findings_point_at_the_snippet_in_the_snapshot_text(crawl: Crawl) -> None:
    shots = {s.pk: s for pages in crawl.pages.values() for s in pages.values()}
    p2p = crawl.sites["p2p"]

    codes = {f.code for f in crawl.findings if f.evidence["site"] == p2p.pk}
    assert {"P2P-01", "MKT-01"} <= codes
    for finding in crawl.findings:
        shot = shots[finding.evidence["snapshot"]]
        assert shot.text[finding.start : finding.end] == finding.snippet
        assert finding.evidence["round"] == crawl.round.pk
        assert finding.rule and finding.rule_version
    assert len(crawl.observations) == len(crawl.findings)
    assert crawl.round.findings_new == len(crawl.findings)
