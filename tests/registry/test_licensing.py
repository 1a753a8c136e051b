import pytest

from finsentry.registry.licensing import (
    LICENCE_KINDS,
    NAME_TRIGGERS,
    LicenceIndex,
    recognise_licensed,
)

FUND_SCOPE = "基金募集、基金销售、特定客户资产管理、资产管理和中国证监会许可的其他业务"
BANK_SCOPE = "吸收公众存款；发放短期、中期和长期贷款；办理国内外结算"


@pytest.mark.parametrize(
    ("name", "scope", "kind"),
    [
        ("中国工商银行股份有限公司长春西安大路支行", "", "bank"),
        ("吉林银行股份有限公司长春分行", "", "bank"),
        ("中国农业发展银行吉林省分行", "", "bank"),
        ("吉林九台农村商业银行股份有限公司卡伦支行", "", "bank"),
        ("吉林银行股份有限公司", BANK_SCOPE, "bank"),
        ("九台市农村信用合作联社", "", "rural_credit"),
        ("吉林省农村信用社联合社", "", "rural_credit"),
        ("中国人民财产保险股份有限公司长春市朝阳支公司", "", "insurer"),
        ("中国人寿保险股份有限公司吉林省分公司", "", "insurer"),
        ("某某人寿保险有限公司长春营销服务部", "", "insurer"),
        ("东北证券股份有限公司长春同志街证券营业部", "", "securities"),
        ("某某期货有限公司长春营业部", "", "futures"),
        ("华夏基金管理有限公司", FUND_SCOPE, "public_fund"),
    ],
)
def test_recognises_licensed_institution(name: str, scope: str, kind: str) -> None:
    match = recognise_licensed(name, scope)
    assert match is not None
    assert match.kind == kind
    assert match.evidence


@pytest.mark.parametrize(
    ("name", "scope"),
    [
        ("吉林银行卡服务有限公司", ""),
        ("长春市银行街餐饮店", ""),
        ("长春市银行街营业部", ""),
        ("吉林银行股份有限公司", ""),  # a head office needs its licensed scope
        ("长春某某数据银行有限公司", "数据存储服务"),
        ("长春某某股权投资基金管理有限公司", FUND_SCOPE),
        ("长春某某创业投资基金管理有限公司", "受托管理创业投资基金"),
        ("华夏基金管理有限公司", "基金管理咨询"),  # no 证监会-licensed scope
        ("吉林某某保险代理有限公司", "保险代理"),
        ("吉林某某保险经纪有限公司长春分公司", ""),
        ("吉林某某互联网保险信息服务有限公司", ""),
        ("某某保险有限公司", "未经保险监督管理部门批准，不得从事保险业务"),
        ("长春某某小额贷款股份有限公司", "发放小额贷款"),
        ("吉林某某融资担保有限公司", "融资担保"),
        ("长春某某典当有限责任公司", "典当"),
        ("吉林某某融资租赁有限公司", "融资租赁"),
        ("吉林某某商业保理有限公司", "商业保理"),
        ("吉林股权交易所股份有限公司", "股权登记托管"),
        ("长春某某证券投资咨询有限公司", "证券投资咨询"),
        ("长春某某支付科技有限公司", "网络支付"),
    ],
)
def test_name_alone_never_licenses_these(name: str, scope: str) -> None:
    assert recognise_licensed(name, scope) is None


def test_scope_evidence_is_reported_with_the_name() -> None:
    match = recognise_licensed("吉林银行股份有限公司长春分行", BANK_SCOPE)
    assert match is not None
    assert match.basis == "name_scope"
    assert "吸收公众存款" in match.evidence


def test_every_pattern_needs_a_name_trigger() -> None:
    assert recognise_licensed("长春市某某科技有限公司", BANK_SCOPE) is None
    assert "银行" in NAME_TRIGGERS


def test_licence_kinds_cover_the_plan_institutions() -> None:
    expected = {
        "bank",
        "rural_credit",
        "insurer",
        "insurance_intermediary",
        "securities",
        "futures",
        "public_fund",
        "private_fund",
        "microcredit",
        "financing_guarantee",
        "pawn",
        "financial_leasing",
        "commercial_factoring",
        "regional_equity",
        "payment",
    }
    assert expected <= set(LICENCE_KINDS)
    assert LICENCE_KINDS["microcredit"] == "小额贷款公司"


def test_index_finds_by_code_then_by_normalised_name() -> None:
    index = LicenceIndex.from_entries(
        [
            ("91220101MA0Y00001A", "长春某某小额贷款股份有限公司", "microcredit"),
            ("", "吉林某某股权投资基金管理（长春）有限公司", "private_fund"),
        ]
    )
    by_code = index.lookup(" 91220101ma0y00001a ", "别的名字")
    by_name = index.lookup("", "吉林某某股权投资基金管理(长春)有限公司 ")
    assert by_code is not None and by_code.kind == "microcredit"
    assert by_name is not None and by_name.kind == "private_fund"
    assert index.lookup("91220101MA0Y99999X", "无关公司") is None


def test_index_rejects_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown licence kind"):
        LicenceIndex.from_entries([("", "某某公司", "casino")])
