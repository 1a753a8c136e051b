"""Each catalogue code the rules cover: claims that fire, traps that must not.

Texts are plain (no HTML); a short context sentence tells the engine what
kind of site it reads, as the rest of a real page would.
"""

import pytest

from finsentry.registry.licensing import LicenceMatch
from finsentry.rules.engine import detect

P2P = "本平台是网络借贷信息中介，出借人和借款人在此完成借贷撮合，借款项目满标后放款。\n"
CROWD = "众筹平台：创业项目路演、领投跟投、认筹进度一目了然。\n"
INSURANCE = "保险超市：在线投保，保单理赔，各类保险产品保费比价。\n"
WEALTH = "理财产品与基金超市：申购赎回，资产管理，理财规划。\n"
PAYMENT = "商户收款服务：支付、扫码、刷卡。\n"
HOUSING = "新房二手房：楼盘推荐，购房指南，按揭计算。\n"

CASES = [
    # code, text, fires
    ("P2P-01", P2P + "出借人资金先汇集到平台，由平台统一调配给借款人。", True),
    ("P2P-01", P2P + "平台设有资金池，随时可以提现。", True),
    ("P2P-01", P2P + "平台不设资金池，出借资金直接划转给借款人。", False),
    ("P2P-01", P2P + "根据监管规定，平台不得归集出借人资金。", False),
    ("P2P-05", P2P + "出借本金由平台100%兜底，逾期先行垫付。", True),
    ("P2P-05", P2P + "保本保息，稳健出借。", True),
    ("P2P-05", P2P + "本平台不承诺保本保息，出借人自行承担风险。", False),
    ("P2P-05", P2P + "风险提示：出借本金可能遭受损失。", False),
    ("P2P-07", P2P + "将长期借款拆分成一个月的短期标，灵活出借。", True),
    ("P2P-07", P2P + "平台不进行期限拆分，出借期限与借款期限一致。", False),
    ("P2P-08", P2P + "平台已获银监会正式批准，持有网贷牌照。", True),
    ("P2P-08", P2P + "在这里出借零风险，最安全的选择。", True),
    ("P2P-08", P2P + "世上没有零风险的投资，请理性出借。", False),
    ("P2P-08", P2P + "谨防打着“政府批准”旗号的平台。", False),
    ("P2P-10", P2P + "出借收益是银行存款的6倍，财富快速翻倍。", True),
    ("P2P-10", P2P + "项目收益以实际回款为准。", False),
    ("P2P-13", P2P + "银行理财专区上线，1万元起购。", True),
    ("P2P-13", P2P + "平台不代销银行理财和券商资管计划。", False),
    ("P2P-14", P2P + "股票配资，1:5杠杆，随借随还。", True),
    ("P2P-14", P2P + "证监会严厉打击场外配资。", False),
    ("P2P-15", P2P + "股权众筹专区开放，早期项目认购中。", True),
    ("P2P-15", P2P + "本平台不从事股权众筹业务。", False),
    ("P2P-16", P2P + "首付不够？平台为购房人提供首付借款。", True),
    ("P2P-16", P2P + "监管部门叫停首付贷。", False),
    ("P2P-17", P2P + "资金由第三方支付公司托管。", True),
    ("P2P-17", P2P + "银行存管系统正在对接中。", True),
    ("P2P-17", P2P + "出借人资金由吉林银行存管，平台无法触碰。", False),
    (
        "P2P-17",
        P2P + "充值经由宝付支付通道，资金进入用户在吉林银行开立的存管账户。",
        False,
    ),
    ("EC-03", CROWD + "原始股认购，5000元即可成为股东。", True),
    ("EC-03", CROWD + "警惕以原始股为名的非法集资骗局。", False),
    ("EC-03", CROWD + "项目仅向合格投资者展示，投资人数不超过200人。", False),
    ("EC-04", CROWD + "项目估值一年翻五倍，回报可达百倍。", True),
    ("EC-04", CROWD + "创业项目可能失败，平台不承诺任何回报。", False),
    ("EC-07", CROWD + "房产众筹：众筹购买核心地段公寓。", True),
    ("EC-07", CROWD + "多地叫停房产众筹。", False),
    ("INS-01", INSURANCE + "这款保险保证收益，和存款一样安全。", True),
    ("INS-01", INSURANCE + "本产品为保险产品，不是存款，分红是不确定的。", False),
    ("INS-05", WEALTH + "保险公司内部理财，保险公司担保本息。", True),
    ("INS-05", WEALTH + "谨防假借保险公司名义非法集资。", False),
    ("AM-01", WEALTH + "私募基金份额拆分转让，1000元起投。", True),
    ("AM-01", WEALTH + "私募基金仅向合格投资者募集，起投100万元。", False),
    ("AM-04", WEALTH + "稳健理财，保本保收益，零风险。", True),
    ("AM-04", WEALTH + "本产品为非保本浮动收益型，理财有风险，投资须谨慎。", False),
    ("PAY-04", PAYMENT + "个人POS机免费办理，刷卡秒到账。", True),
    ("PAY-04", PAYMENT + "央行通报无证经营支付业务的机构。", False),
    ("RE-01", HOUSING + "楼盘众筹火热进行中，参与即享内部价。", True),
    ("RE-01", HOUSING + "本公司不参与任何形式的房产众筹。", False),
    ("RE-02", HOUSING + "首付不够？首付分期，最长24个月。", True),
    ("RE-02", HOUSING + "首套房最低首付30%，可申请公积金贷款。", False),
    ("AD-01", WEALTH + "稳赚不赔，错过再等一年！", True),
    ("AD-01", WEALTH + "投资有风险，不存在稳赚不赔的产品。", False),
    ("AD-02", "无抵押贷款，最快当天放款，额度50万。", True),
    ("AD-02", "谨防“无抵押贷款”诈骗。", False),
    ("MKT-01", P2P + "新手标预期年化收益率18%。", True),
    ("MKT-01", P2P + "预期年化收益率9.5%，期限6个月。", False),
    ("MKT-01", P2P + "借款年利率24%，按月还款。", False),
    ("MKT-01", P2P + "监管部门叫停年化收益超过20%的产品。", False),
    ("MKT-02", P2P + "注册即送888元体验金，首投加息2%。", True),
    ("MKT-02", P2P + "月息3分，按月付息。", True),
    ("MKT-02", P2P + "平台不提供任何返现或加息活动。", False),
]


@pytest.mark.parametrize(("code", "text", "fires"), CASES)
def test_rule_fires_on_claims_and_not_on_traps(
    code: str, text: str, fires: bool
) -> None:
    codes = {hit.code for hit in detect(text)}
    assert (code in codes) is fires, codes


def test_pos_offered_by_a_licensed_bank_is_lawful() -> None:
    text = PAYMENT + "本行为商户提供POS机办理和收单服务。"
    bank = LicenceMatch("bank", "银行分支机构", "银行长春分行", "name")
    assert "PAY-04" in {h.code for h in detect(text)}
    assert "PAY-04" not in {h.code for h in detect(text, licences=[bank])}


def test_loan_advert_by_a_licensed_bank_is_lawful() -> None:
    text = "个人信用贷款，无抵押，最快当天放款。"
    bank = LicenceMatch("bank", "银行分支机构", "银行长春分行", "name")
    assert "AD-02" not in {h.code for h in detect(text, licences=[bank])}


def test_a_promise_on_an_insurance_site_is_not_a_p2p_code() -> None:
    codes = {h.code for h in detect(INSURANCE + "保本保息，稳赚不赔。")}
    assert "INS-01" in codes and "AD-01" in codes
    assert "P2P-05" not in codes


def test_law_quoting_a_list_of_prohibitions_fires_nothing() -> None:
    text = (
        "网络借贷信息中介机构不得从事下列活动：\n"
        "（一）直接或间接接受、归集出借人的资金；\n"
        "（二）直接或变相向出借人提供担保或者承诺保本保息；\n"
        "（三）将融资项目的期限进行拆分；\n"
        "（四）代销银行理财、券商资管产品；\n"
        "（五）从事股权众筹等业务。"
    )
    assert detect(P2P + text) == []
