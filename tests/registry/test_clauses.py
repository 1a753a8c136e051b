import pytest

from finsentry.registry import clauses
from finsentry.registry.clauses import exclusion_spans, inside


def _excluded(scope: str) -> list[str]:
    return [scope[s:e] for s, e in exclusion_spans(scope)]


def _word_excluded(scope: str, word: str) -> bool:
    start = scope.index(word)
    return inside(exclusion_spans(scope), start, start + len(word))


@pytest.mark.parametrize(
    ("scope", "word"),
    [
        (
            "企业管理咨询（不得从事吸收存款、集资收款、受托贷款、发放贷款等国家金融监管及财政信用业务）",
            "金融",
        ),
        ("技术开发（不含金融、类金融业务）", "金融"),
        ("技术开发，不含金融、类金融业务", "金融"),
        ("不得从事理财、非法集资、非法吸储、贷款等业务", "理财"),
        (
            "未经金融监管部门批准，不得从事吸收存款、融资担保、代客理财等金融业务",
            "金融",
        ),
        (
            "未经金融监管部门批准，不得从事吸收存款、融资担保、代客理财等金融业务",
            "理财",
        ),
        ("技术咨询（金融、证券、期货、保险除外）", "金融"),
        ("技术咨询(金融、证券、期货、保险除外)", "金融"),
        ("技术咨询，金融、证券、期货除外；软件开发", "金融"),
        ("商务信息咨询（除金融、证券业务外）", "金融"),
        ("除金融、证券业务以外的商务信息咨询", "金融"),
        ("不得从事吸收存款，融资担保，代客理财等金融业务；软件开发", "理财"),
        ("严禁非法集资、P2P网络借贷", "P2P"),
        ("未经批准不得开展基金募集", "基金"),
        ("须经金融监管部门批准后方可经营", "金融"),
        ("非金融类投资咨询", "金融"),
        ("吸收存款、发放贷款等金融业务不得从事；软件开发", "金融"),
        ("软件开发(不得从事（吸收存款）等金融业务)", "金融"),
    ],
)
def test_finance_word_inside_exclusion_clause_is_excluded(
    scope: str, word: str
) -> None:
    assert _word_excluded(scope, word)


@pytest.mark.parametrize(
    ("scope", "word"),
    [
        ("投资咨询（不含金融）；理财产品销售", "理财"),
        ("投资咨询(不含金融);理财产品销售", "理财"),
        ("投资咨询（不含金融），理财产品销售", "理财"),
        ("不含金融，理财产品销售", "理财"),
        (
            "互联网金融信息服务（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
            "金融",
        ),
        ("理财咨询；除尘设备销售、户外用品", "理财"),
        ("技术咨询（金融、证券除外）；资产管理", "资产管理"),
        ("除金融、证券业务外的企业管理咨询；财富管理", "财富管理"),
        ("基金募集、基金销售和中国证监会许可的其他业务", "基金"),
        ("清除金融垃圾外包服务", "金融"),
        ("非法集资风险防范宣传；P2P平台开发", "P2P"),
    ],
)
def test_real_activity_outside_clause_is_kept(scope: str, word: str) -> None:
    assert not _word_excluded(scope, word)


@pytest.mark.parametrize(
    "scope",
    [
        "依法须经批准的项目，经相关部门批准后方可开展经营活动",
        "法律、法规禁止的不得经营；国家限制的取得许可后方可经营",
        "法律、行政法规、国务院决定禁止的，不得经营",
    ],
)
def test_boilerplate_is_covered_whole(scope: str) -> None:
    covered = sum(e - s for s, e in exclusion_spans(scope))
    punctuation = sum(ch in "，；" for ch in scope)
    assert covered >= len(scope) - punctuation - 1


def test_scope_without_clause_has_no_span() -> None:
    assert exclusion_spans("计算机软件开发；互联网金融信息服务；理财产品销售") == []


def test_spans_are_sorted_and_disjoint() -> None:
    scope = "咨询（不含金融）、（金融除外）；未经批准，不得从事理财；非金融类服务"
    spans = exclusion_spans(scope)
    assert spans == sorted(spans)
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert _excluded("咨询（不含金融）") == ["不含金融"]


def test_piecewise_spans_equal_whole_scope_analysis() -> None:
    from finsentry.demo.generator import generate_firms

    scopes = [f.scope for f in generate_firms(3000, seed=7)]
    scopes += [
        "投资咨询（不含金融）；理财产品销售",
        "（不得从事吸收存款；集资收款等金融业务）理财",
        "a）b（c；金融",
        "不得从事金融，理财等业务；支付结算",
        "理财。除金融、证券外；P2P",
    ]

    for scope in scopes:
        assert clauses.exclusion_spans(scope) == clauses._find_spans(scope), scope
