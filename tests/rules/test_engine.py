"""The engine: offsets, snippets, versions, windows, scope and licences."""

import pytest

from finsentry.rules.engine import analyse, detect
from finsentry.rules.licences import operator_names, page_licences
from finsentry.rules.packs import parse_pack
from finsentry.rules.ruleset import compile_packs, packaged_ruleset

P2P = "网络借贷信息中介平台，出借人与借款人撮合借贷。\n"


def _pack(rules: str, scope: str = "[any]") -> str:
    return f'pack: t\nversion: "9"\nscope: {scope}\nrules:\n{rules}'


def _ruleset(rules: str, scope: str = "[any]"):  # type: ignore[no-untyped-def]
    return compile_packs([parse_pack(_pack(rules, scope), "t.yaml")])


def test_offsets_are_characters_of_the_text_whatever_its_bytes() -> None:
    text = "😀 Ｐ２Ｐ cafe\u0301 说明：\n" + P2P + "本平台保本保息，稳健出借。"
    hits = [h for h in detect(text) if h.code == "P2P-05"]
    assert hits
    for hit in hits:
        assert text[hit.start : hit.end] == hit.snippet
        assert text[hit.match_start : hit.match_end] == "保本保息"
        assert hit.start <= hit.match_start < hit.match_end <= hit.end


def test_hit_names_code_domain_rule_and_pack_version() -> None:
    (hit,) = [h for h in detect(P2P + "保本保息。") if h.code == "P2P-05"]
    ruleset = packaged_ruleset()
    assert hit.domain == "p2p"
    assert hit.rule == "p2p-guarantee-words"
    assert hit.rule_version == f"p2p@{ruleset.versions['p2p']}"
    assert hit.detail["matched"] == "保本保息"


def test_snippet_is_the_sentence_or_forty_characters_around() -> None:
    short = P2P + "第一句。我们保本保息，请放心。第三句。"
    (hit,) = [h for h in detect(short) if h.code == "P2P-05"]
    assert hit.snippet == "我们保本保息，请放心。"
    long = P2P + "甲" * 200 + "保本保息" + "乙" * 200
    (hit,) = [h for h in detect(long) if h.code == "P2P-05"]
    assert hit.snippet == "甲" * 40 + "保本保息" + "乙" * 40


def test_full_width_text_matches_ascii_phrases() -> None:
    text = P2P + "ＨＯＭＳ系统分仓，股票配资。"
    assert "P2P-14" in {h.code for h in detect(text)}


def test_proximity_in_fixed_order_and_within_reach() -> None:
    rs = _ruleset(
        "  - id: near\n    code: P2P-01\n"
        "    proximity:\n      - {a: [甲], b: [乙], within: 3, order: a_first}\n"
    )
    assert [h.rule for h in detect("甲一二乙", ruleset=rs)] == ["near"]
    assert detect("乙一二甲", ruleset=rs) == []
    assert detect("甲一二三四乙", ruleset=rs) == []
    assert detect("甲。乙", ruleset=rs) == []


@pytest.mark.parametrize(
    ("window", "text", "fires"),
    [
        ("{before: 3, phrases: [不]}", "我不保本", False),
        ("{before: 3, phrases: [不]}", "不，我们保本", True),  # another clause
        ("{before: 3, phrases: [不]}", "不得了吧保本", True),  # too far back
        ("{after: 3, phrases: [除外]}", "保本除外", False),
        ("{around: 2, phrases: [不]}", "保本不", False),
        ("{sentence: true, phrases: [叫停]}", "叫停了各种保本的宣传", False),
        ("{sentence: true, phrases: [叫停]}", "叫停了。保本", True),
        ("{page: true, phrases: [风险]}", "保本。\n\n投资有风险", False),
        (
            "{before: 200, cross: true, phrases: [下列]}",
            "下列行为：\n（一）保本",
            False,
        ),
        ("{before: 6, phrases: [不], except: [不仅]}", "不仅保本", True),
        ("{before: 6, phrases: [不]}", "不参与股票、期货、保本", False),
    ],
)
def test_exclusion_windows(window: str, text: str, fires: bool) -> None:
    rs = _ruleset(
        "  - id: word\n    code: P2P-05\n    phrases: [保本]\n"
        f"    exclude:\n      - {window}\n"
    )
    assert bool(detect(text, ruleset=rs)) is fires


def test_scope_keeps_a_rule_to_pages_about_its_domain() -> None:
    rs = _ruleset("  - id: word\n    code: P2P-05\n    phrases: [保本]\n", "[p2p]")
    assert detect("保本", ruleset=rs) == []
    assert [h.rule for h in detect(P2P + "保本", ruleset=rs)] == ["word"]


def test_one_sentence_gives_one_hit_per_rule() -> None:
    rs = _ruleset("  - id: word\n    code: P2P-05\n    phrases: [保本, 保息]\n")
    assert len(detect("保本又保息，保本保息。", ruleset=rs)) == 1


def test_yields_compare_with_the_benchmark_of_the_page_domain() -> None:
    figure = "预期年化收益率12%。"
    on_p2p = analyse(P2P + figure)
    assert on_p2p.yield_domain == "p2p"
    assert "MKT-01" not in {h.code for h in on_p2p.hits}
    bare = analyse(figure)
    assert bare.yield_domain == "deposit"
    (hit,) = [h for h in bare.hits if h.code == "MKT-01"]
    assert hit.detail["benchmark"] == 2.0 and hit.detail["annual_high"] == 12.0
    assert {"MKT-01", "MKT-02"} <= {h.code for h in bare.hits}


def test_crowdfunding_pages_take_the_p2p_benchmark() -> None:
    page = "众筹平台，领投跟投，认筹项目，路演。\n年化回报12%。"
    assert analyse(page).yield_domain == "crowdfunding"
    assert "MKT-01" not in {h.code for h in detect(page)}


def test_operator_is_the_firm_beside_the_copyright_line() -> None:
    text = (
        "资金由吉林某某银行股份有限公司长春分行存管。\n"
        "版权所有 © 长春某某网络科技有限公司"
    )
    names = ["吉林某某银行股份有限公司长春分行", "长春某某网络科技有限公司"]
    assert operator_names(text, names) == ["长春某某网络科技有限公司"]
    assert page_licences(names, text=text) == []
    bank_page = "版权所有 吉林某某银行股份有限公司长春分行"
    (licence,) = page_licences(names[:1], text=bank_page)
    assert licence.kind == "bank"


def test_a_payment_licence_statement_counts_unless_denied() -> None:
    held = "本公司持有中国人民银行颁发的《支付业务许可证》。"
    denied = "本公司未取得《支付业务许可证》。"
    assert [lic.kind for lic in page_licences([], text=held)] == ["payment"]
    assert page_licences([], text=denied) == []
