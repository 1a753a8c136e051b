"""Linking sites to the firms that run them, and the ICP filing list import."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from finsentry.patrol.facts import PageFacts
from finsentry.patrol.linking import (
    Candidate,
    LinkSignals,
    accept_name,
    choose_firm,
    host_in_domain,
    link_site,
    normalize_host,
    site_wide,
    website_index,
)
from finsentry.patrol.models import IcpFiling, Observation, Site, SiteEvent
from finsentry.patrol.services import follow_link
from finsentry.registry import services
from finsentry.registry.matching import NameMatch
from finsentry.registry.models import Firm
from finsentry.registry.normalize import normalize_name
from finsentry.registry.uscc import make_code
from finsentry.rules.models import Finding
from tests.accounts.matrix.world import AT, build_world

A = make_code("91", "220104", "MA000001")
B = make_code("91", "220104", "MA000002")
C = make_code("91", "220104", "MA000003")


def match(key: str, name: str, score: float) -> NameMatch:
    return NameMatch(key=key, name=name, score=score, why="")


# ---- the decision -----------------------------------------------------------


def test_credit_code_of_a_registered_firm_links() -> None:
    signals = LinkSignals(code_firms=(Candidate(A, "uscc", A, "甲公司"),))

    decision = choose_firm(signals)

    assert (decision.firm_uscc, decision.method, decision.outcome) == (
        A,
        "uscc",
        "linked",
    )
    assert decision.evidence["basis"][0]["detail"] == A


def test_two_credit_codes_are_ambiguous_and_keep_candidates() -> None:
    signals = LinkSignals(
        code_firms=(Candidate(A, "uscc", A, "甲"), Candidate(B, "uscc", B, "乙")),
        website_firms=(Candidate(A, "website", "a.cn", "甲"),),
    )

    decision = choose_firm(signals)

    assert decision.firm_uscc is None
    assert decision.method == ""
    assert decision.outcome == "ambiguous"
    assert [c["uscc"] for c in decision.candidates] == [A, B, A]
    assert "多个" in decision.evidence["reason"]


def test_credit_code_and_icp_holder_disagreeing_is_ambiguous() -> None:
    signals = LinkSignals(
        code_firms=(Candidate(A, "uscc", A),),
        icp_firms=(Candidate(B, "icp", "吉ICP备16001234号"),),
    )

    decision = choose_firm(signals)

    assert decision.firm_uscc is None
    assert decision.outcome == "ambiguous"
    assert "不一致" in decision.evidence["reason"]


def test_agreeing_code_and_icp_link_by_code_with_both_as_basis() -> None:
    signals = LinkSignals(
        code_firms=(Candidate(A, "uscc", A),),
        icp_firms=(Candidate(A, "icp", "吉ICP备16001234号"),),
    )

    decision = choose_firm(signals)

    assert (decision.firm_uscc, decision.method) == (A, "uscc")
    assert [b["via"] for b in decision.evidence["basis"]] == ["uscc", "icp"]


def test_icp_links_when_no_code_is_shown() -> None:
    signals = LinkSignals(
        icp_firms=(Candidate(B, "icp", "吉ICP备16001234号-1"),),
        website_firms=(Candidate(C, "website", "b.cn"),),
    )

    decision = choose_firm(signals)

    assert (decision.firm_uscc, decision.method) == (B, "icp")
    assert decision.evidence["disagreeing"][0]["uscc"] == C


def test_website_registered_by_two_firms_is_ambiguous() -> None:
    signals = LinkSignals(
        website_firms=(Candidate(A, "website", "a.cn"), Candidate(B, "website", "a.cn"))
    )

    assert choose_firm(signals).outcome == "ambiguous"


def test_name_links_only_an_exact_name_or_a_clear_winner() -> None:
    exact = LinkSignals(
        name_matches=(
            (
                "吉林鑫汇贷网络科技有限公司",
                (match(A, "吉林鑫汇贷网络科技有限公司", 70),),
            ),
        )
    )
    winner = LinkSignals(
        name_matches=(("鑫汇贷网络科技", (match(A, "甲", 95), match(B, "乙", 80))),)
    )
    close = LinkSignals(
        name_matches=(("鑫汇贷网络科技", (match(A, "甲", 93), match(B, "乙", 91))),)
    )
    weak = LinkSignals(name_matches=(("鑫汇贷", (match(A, "甲", 85),)),))

    assert choose_firm(exact).firm_uscc == A
    assert choose_firm(winner).firm_uscc == A
    assert choose_firm(winner).method == "name"
    assert choose_firm(close).outcome == "unknown"
    assert choose_firm(weak).outcome == "unknown"


def test_two_firms_with_the_page_name_are_ambiguous() -> None:
    name = "长春鑫汇商贸有限公司"
    matches = (match(A, name, 100), match(B, "长春鑫汇商贸有限公司", 100))

    assert accept_name(name, matches) == matches
    assert choose_firm(LinkSignals(name_matches=((name, matches),))).outcome == (
        "ambiguous"
    )


def test_nothing_found_is_unknown_with_notes() -> None:
    signals = LinkSignals(notes={"usccs_unregistered": [A]})

    decision = choose_firm(signals)

    assert decision.firm_uscc is None
    assert decision.outcome == "unknown"
    assert decision.evidence["usccs_unregistered"] == [A]


@pytest.mark.parametrize(
    ("value", "host"),
    [
        ("http://WWW.XinHuiDai.cn/index.html", "xinhuidai.cn"),
        ("www.xinhuidai.cn", "xinhuidai.cn"),
        ("https://p2p.example.cn:443/a?b", "p2p.example.cn"),
        ("127.0.0.1:8001", "127.0.0.1:8001"),
        ("http://例子.中国/", "xn--fsqu00a.xn--fiqs8s"),
        ("", ""),
        ("http://[bad", ""),
    ],
)
def test_hosts_compare_without_scheme_www_path_or_default_port(
    value: str, host: str
) -> None:
    assert normalize_host(value) == host


def test_host_in_filed_domain_includes_sub_domains() -> None:
    assert host_in_domain("www.xinhuidai.cn", "xinhuidai.cn")
    assert host_in_domain("m.xinhuidai.cn", "other.cn xinhuidai.cn")
    assert not host_in_domain("fakexinhuidai.cn", "xinhuidai.cn")


def test_site_wide_names_come_first() -> None:
    pages = [("新闻里的甲公司", "页脚公司"), ("页脚公司",), ("页脚公司", "乙")]

    assert site_wide(pages, 2)[0] == "页脚公司"


# ---- on the database ----------------------------------------------------------


@pytest.fixture
def registry(tmp_path: Path, settings) -> Iterator[None]:
    """Registered firms and a fresh name index in a temporary data directory."""
    settings.DATA_DIR = tmp_path
    services._index = None
    firms = [
        (A, "吉林鑫汇贷网络科技有限公司", "http://www.xinhuidai.cn/"),
        (B, "长春金桥投资管理有限公司", ""),
        (C, "长春丰禾商贸有限公司", "https://fenghe.example.cn:8443/home"),
    ]
    for uscc, name, website in firms:
        Firm.objects.create(
            uscc=uscc, name=name, name_normalized=normalize_name(name), website=website
        )
    yield
    services._index = None


def site(host: str, **fields: object) -> Site:
    return Site.objects.create(
        root_url=f"http://{host}/", host=host, source="manual", **fields
    )


@pytest.mark.django_db
def test_link_site_by_credit_code_records_evidence(registry: None) -> None:
    watched = site("p2p.example.cn")

    decision = link_site(watched, [PageFacts(usccs=(A,)), PageFacts()])

    watched.refresh_from_db()
    assert watched.firm is not None and watched.firm.uscc == A
    assert watched.link_method == Site.LinkMethod.USCC
    assert watched.link_evidence["outcome"] == "linked"
    assert watched.link_evidence["name"] == "吉林鑫汇贷网络科技有限公司"
    assert decision.firm_uscc == A


@pytest.mark.django_db
def test_unregistered_code_leaves_site_in_unlinked_queue(registry: None) -> None:
    stranger = make_code("91", "110105", "MA000009")
    watched = site("stranger.example.cn")

    link_site(watched, [PageFacts(usccs=(stranger,))])

    watched.refresh_from_db()
    assert watched.firm is None
    assert watched.link_evidence["usccs_unregistered"] == [stranger]
    assert list(Site.objects.filter(firm__isnull=True)) == [watched]


@pytest.mark.django_db
def test_two_codes_on_pages_leave_site_unlinked_with_candidates(registry: None) -> None:
    watched = site("two.example.cn", firm=Firm.objects.get(uscc=C), link_method="name")

    link_site(watched, [PageFacts(usccs=(A,)), PageFacts(usccs=(B,))])

    watched.refresh_from_db()
    assert watched.firm is None
    assert watched.link_method == ""
    assert watched.link_evidence["outcome"] == "ambiguous"
    assert {c["uscc"] for c in watched.link_evidence["candidates"]} == {A, B}


@pytest.mark.django_db
def test_link_by_icp_filing_for_this_domain(registry: None) -> None:
    IcpFiling.objects.create(
        number="吉ICP备16001234号-1",
        base="吉ICP备16001234号",
        domain="jinqiao.example.cn",
        holder_uscc=B,
        imported_at="2016-05-01T00:00:00Z",
    )
    watched = site("www.jinqiao.example.cn")

    decision = link_site(watched, [PageFacts(icps=("吉ICP备16001234号",))])

    assert (decision.firm_uscc, decision.method) == (B, "icp")
    assert decision.evidence["basis"][0]["detail"] == "吉ICP备16001234号-1"


@pytest.mark.django_db
def test_icp_filed_for_another_domain_is_noted_not_linked(registry: None) -> None:
    IcpFiling.objects.create(
        number="吉ICP备16001234号",
        base="吉ICP备16001234号",
        domain="jinqiao.example.cn",
        holder_uscc=B,
        imported_at="2016-05-01T00:00:00Z",
    )
    watched = site("copycat.example.cn")

    decision = link_site(
        watched, [PageFacts(icps=("吉ICP备16001234号-1", "吉ICP备99999999号"))]
    )

    assert decision.firm_uscc is None
    assert decision.evidence["icps_other_domain"] == [
        "吉ICP备16001234号（jinqiao.example.cn）"
    ]
    assert decision.evidence["icps_unfiled"] == ["吉ICP备99999999号"]


@pytest.mark.django_db
def test_icp_holder_known_by_name_only_is_found_by_exact_name(registry: None) -> None:
    IcpFiling.objects.create(
        number="吉ICP备17000001号",
        base="吉ICP备17000001号",
        holder_name="长春丰禾商贸有限公司",
        imported_at="2016-05-01T00:00:00Z",
    )

    decision = link_site(
        site("fh.example.cn"), [PageFacts(icps=("吉ICP备17000001号",))]
    )

    assert (decision.firm_uscc, decision.method) == (C, "icp")


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["xinhuidai.cn", "www.xinhuidai.cn"])
def test_link_by_registered_website(registry: None, host: str) -> None:
    watched = site(host)

    decision = link_site(watched, [PageFacts()])

    watched.refresh_from_db()
    assert (watched.firm.uscc if watched.firm else None, watched.link_method) == (
        A,
        "website",
    )
    assert decision.evidence["basis"][0]["detail"] == "xinhuidai.cn"


@pytest.mark.django_db
def test_website_index_serves_many_sites(registry: None) -> None:
    index = website_index()

    assert index["fenghe.example.cn:8443"] == [(C, "长春丰禾商贸有限公司")]
    decision = link_site(site("fenghe.example.cn:8443"), [], websites=index)
    assert decision.firm_uscc == C


@pytest.mark.django_db
def test_link_by_company_name_through_the_matcher(registry: None) -> None:
    pages = [
        PageFacts(
            company_names=("长春金桥投资管理有限公司", "中国工商银行股份有限公司")
        ),
        PageFacts(company_names=("长春金桥投资管理有限公司",)),
    ]

    decision = link_site(site("jq.example.cn"), pages)

    assert (decision.firm_uscc, decision.method) == (B, "name")


@pytest.mark.django_db
def test_manual_link_is_never_overwritten(registry: None) -> None:
    firm = Firm.objects.get(uscc=C)
    watched = site("manual.example.cn", firm=firm, link_method="manual")

    decision = link_site(watched, [PageFacts(usccs=(A,))])

    watched.refresh_from_db()
    assert decision.firm_uscc == A
    assert (watched.firm, watched.link_method) == (firm, "manual")


@pytest.mark.django_db
def test_site_gone_dark_keeps_its_earlier_link(registry: None) -> None:
    firm = Firm.objects.get(uscc=B)
    watched = site("dark.example.cn", firm=firm, link_method="uscc")

    link_site(watched, [])

    watched.refresh_from_db()
    assert (watched.firm, watched.link_method) == (firm, "uscc")


def test_site_wide_ties_keep_page_order() -> None:
    assert site_wide([("乙公司", "甲公司", "乙公司"), ("丙公司",)], 3) == [
        "乙公司",
        "甲公司",
        "丙公司",
    ]


@pytest.mark.django_db
def test_site_that_drops_its_credit_code_keeps_its_earlier_link(
    registry: None,
) -> None:
    firm = Firm.objects.get(uscc=B)
    watched = site("scrubbed.example.cn", firm=firm, link_method="uscc")

    link_site(watched, [PageFacts(), PageFacts(company_names=("某某科技有限公司",))])

    watched.refresh_from_db()
    assert (watched.firm, watched.link_method) == (firm, "uscc")


@pytest.mark.django_db
def test_findings_and_events_follow_a_relinked_site(
    tmp_path: Path, settings: Any
) -> None:
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    world = build_world()
    site = world.yanji_site
    claim = Finding.objects.create(
        firm=world.yanji,
        code="P2P-05",
        domain="p2p",
        source="patrol",
        summary="承诺保本保息",
        fingerprint="relink-test",
        first_seen=AT,
        last_seen=AT,
    )
    Observation.objects.create(
        finding=claim,
        site=site,
        round=world.patrol_round,
        snapshot=world.yanji_shot,
        start=0,
        end=4,
    )

    site.firm = world.changchun
    site.save()
    follow_link(site)

    claim.refresh_from_db()
    assert claim.firm_id == world.changchun.pk
    assert set(SiteEvent.objects.filter(site=site).values_list("firm", flat=True)) == {
        world.changchun.pk
    }
    # A link dropped as ambiguous sends them back to the unlinked queue.
    site.firm = None
    site.save()
    follow_link(site)
    claim.refresh_from_db()
    assert claim.firm_id is None
    assert not SiteEvent.objects.filter(site=site, firm__isnull=False).exists()
