"""Credit codes, ICP numbers, phones, company names and addresses in page text."""

import json

import pytest

from finsentry.patrol.facts import (
    PageFacts,
    find_addresses,
    find_company_names,
    find_facts,
    find_icps,
    find_phones,
    find_usccs,
    icp_base,
    normalize_icp,
)
from finsentry.registry.uscc import make_code

CODE = make_code("91", "220102", "MA000005")


def test_credit_codes_are_validated_and_upper_cased() -> None:
    bad_check = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")
    full_width = CODE.translate({ord(c): ord(c) + 0xFEE0 for c in CODE})
    text = (
        f"统一社会信用代码：{CODE.lower()} 另一个：{bad_check} "
        f"订单号 {CODE}12345 全角：{full_width}"
    )

    assert list(find_usccs(text)) == [CODE]
    assert find_facts(text).usccs == (CODE,)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("吉ICP备12345678号", "吉ICP备12345678号"),
        ("吉ICP备12345678号-1", "吉ICP备12345678号-1"),
        ("京ICP证030173号", "京ICP证030173号"),
        ("粤 icp 备 2021012345 号 - 2", "粤ICP备2021012345号-2"),
        ("沪ICP备05002571号", "沪ICP备05002571号"),
        ("陇ICP备1700001号-3", "陇ICP备1700001号-3"),
        ("黑ICP备12345678", "黑ICP备12345678号"),
        ("新ICP备12345678号－2", "新ICP备12345678号-2"),
    ],
)
def test_icp_numbers_are_normalised(text: str, number: str) -> None:
    assert list(find_icps(f"备案：{text} 版权所有")) == [number]
    assert normalize_icp(text) == number


def test_icp_base_drops_site_suffix() -> None:
    assert icp_base("吉ICP备12345678号-2") == "吉ICP备12345678号"
    assert icp_base("京ICP证030173号") == "京ICP证030173号"


def test_not_icp_numbers() -> None:
    assert list(find_icps("ICP备案中 港ICP备12345678号 吉ICP备123号")) == []
    assert normalize_icp("12345678") is None


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("手机：13912345678。", "13912345678"),
        ("手机 139 1234 5678", "13912345678"),
        ("电话：0431-88888888", "0431-88888888"),
        ("电话：(0431)8888 8888", "0431-88888888"),
        ("电话：（0431）88888888转801", "0431-88888888"),
        ("北京：010-66666666", "010-66666666"),
        ("热线：400-800-1234", "4008001234"),
        ("热线：800 810 8888", "8008108888"),
        ("全角：０４３１－８５６７８９０１", "0431-85678901"),
    ],
)
def test_phone_forms(text: str, phone: str) -> None:
    assert find_facts(text).phones == (phone,)


@pytest.mark.parametrize(
    "text",
    ["订单号9139123456789", "金额 12000000000 元", "日期 2016-01-13", "编号 04310000"],
)
def test_not_phones(text: str) -> None:
    assert list(find_phones(text)) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("版权所有：长春鑫汇贷网络科技有限公司", ["长春鑫汇贷网络科技有限公司"]),
        ("版权所有长春鑫汇贷网络科技有限公司", ["长春鑫汇贷网络科技有限公司"]),
        ("主办单位：吉林融通金融服务股份有限公司", ["吉林融通金融服务股份有限公司"]),
        ("本网站由吉林融通金融服务有限责任公司主办", ["吉林融通金融服务有限责任公司"]),
        ("©2016长春某某科技有限公司", ["长春某某科技有限公司"]),
        ("百度在线网络技术（北京）有限公司", ["百度在线网络技术（北京）有限公司"]),
        ("百度在线网络技术(北京)有限公司", ["百度在线网络技术（北京）有限公司"]),
        ("（以下简称长春金桥投资管理有限公司）", ["长春金桥投资管理有限公司"]),
        (
            "吉林宏达投资有限公司吉林鑫汇商贸有限公司",
            ["吉林宏达投资有限公司", "吉林鑫汇商贸有限公司"],
        ),
        (
            "中国农业银行股份有限公司长春分行",
            ["中国农业银行股份有限公司", "中国农业银行股份有限公司长春分行"],
        ),
        ("长春东方农民专业合作社", ["长春东方农民专业合作社"]),
        (
            "吉林某某股权投资基金合伙企业（有限合伙）",
            ["吉林某某股权投资基金合伙企业（有限合伙）"],
        ),
    ],
)
def test_company_names(text: str, names: list[str]) -> None:
    assert list(find_company_names(text)) == names


@pytest.mark.parametrize(
    "text",
    [
        "技术支持：长春易网科技有限公司",
        "网站建设 长春易网科技有限公司",
        "技术支持长春易网科技有限公司",
        "本公司与子公司、有限公司、投资有限公司",
    ],
)
def test_site_builders_and_generic_words_are_not_names(text: str) -> None:
    assert list(find_company_names(text)) == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("地址：吉林省长春市朝阳区人民大街1234号", "吉林省长春市朝阳区人民大街1234号"),
        (
            "公司地址长春市南关区解放大路88号华府大厦15楼1501室",
            "长春市南关区解放大路88号华府大厦15楼1501室",
        ),
        ("北京市海淀区上地十街10号", "北京市海淀区上地十街10号"),
        ("吉林省松原市宁江区沿江路８号", "吉林省松原市宁江区沿江路8号"),
    ],
)
def test_addresses(text: str, address: str) -> None:
    assert find_facts(text).addresses == (address,)


@pytest.mark.parametrize(
    "text",
    ["在深圳证券交易所上市第1号公告", "长春市3号", "第100号文件"],
)
def test_not_addresses(text: str) -> None:
    assert list(find_addresses(text)) == []


def test_facts_are_unique_in_page_order_and_round_trip_as_json() -> None:
    text = (
        "客服 13912345678 版权所有：长春鑫汇贷网络科技有限公司\n"
        "再次 13912345678 0431-88888888 长春鑫汇贷网络科技有限公司"
    )

    facts = find_facts(text)
    stored = json.loads(json.dumps(facts.as_dict()))

    assert facts.phones == ("13912345678", "0431-88888888")
    assert facts.company_names == ("长春鑫汇贷网络科技有限公司",)
    assert set(stored) == {"usccs", "icps", "phones", "company_names", "addresses"}
    assert PageFacts.from_dict(stored) == facts
    assert PageFacts.from_dict({}) == PageFacts()
