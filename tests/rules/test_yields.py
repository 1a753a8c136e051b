"""Yield extraction: every form sites use, as a simple annual percentage."""

import pytest

from finsentry.rules.yields import chinese_number, extract_yields


@pytest.mark.parametrize(
    ("text", "figure", "period", "annual"),
    [
        ("预期年化收益率12%，期限6个月", "年化收益率12%", "year", 12.0),
        ("年化12%-14%", "年化12%-14%", "year", 14.0),
        ("年化收益8.5%~12.5%", "年化收益8.5%~12.5%", "year", 12.5),
        ("月息2分", "月息2分", "month", 24.0),
        ("月息一分五", "月息一分五", "month", 18.0),
        ("月利率1.5%", "月利率1.5%", "month", 18.0),
        ("日息千分之一", "日息千分之一", "day", 36.5),
        ("日利率0.05%", "日利率0.05%", "day", 18.25),
        ("日息5厘", "日息5厘", "day", 18.25),
        ("每万份收益1.2元", "万份收益1.2元", "day", 4.38),
        ("七日年化 3.5%", "七日年化 3.5%", "year", 3.5),
        ("享受15%的年化回报", "15%的年化回报", "year", 15.0),
        ("年息1分", "年息1分", "year", 10.0),
        ("民间常说的2分利", "2分利", "month", 24.0),
        ("收益率１２％", "收益率１２％", "year", 12.0),
        ("存一万元年息一千五", "一万元年息一千五", "year", 15.0),
        ("年分红不低于20%", "年分红不低于20%", "year", 20.0),
    ],
)
def test_yield_forms_become_simple_annual_percentages(
    text: str, figure: str, period: str, annual: float
) -> None:
    (found,) = extract_yields(text)
    assert found.text == figure
    assert text[found.start : found.end] == figure
    assert found.period == period
    assert found.annual_high == pytest.approx(annual)
    assert found.kind == "return"


def test_range_keeps_both_ends() -> None:
    (found,) = extract_yields("出借年化9%至13.5%")
    assert (found.low, found.high) == (9.0, 13.5)
    assert (found.annual_low, found.annual_high) == (9.0, 13.5)


@pytest.mark.parametrize(
    "text",
    [
        "借款年利率8%起，按月还款",
        "贷款利率低至月息0.8%",
        "逾期罚息为日利率0.05%",
        "借款人需按年化3%支付服务费",
    ],
)
def test_borrower_costs_are_kept_apart(text: str) -> None:
    assert [y.kind for y in extract_yields(text)] == ["cost"]


@pytest.mark.parametrize(
    "text",
    [
        "收益十分可观",
        "利润增长5%",
        "出借本金和利息由风险准备金100%兜底",
        "100%本息保障",
        "平台收益同比增长12%",
        "上年度分红实现率高达130%",
        "2016年12月",
    ],
)
def test_shares_changes_and_words_are_no_yields(text: str) -> None:
    assert extract_yields(text) == []


def test_offsets_are_characters_after_wide_and_ascii_text() -> None:
    text = "Ｐ２Ｐ平台 ABC😀，预期年化收益率１８％。"
    (found,) = extract_yields(text)
    assert text[found.start : found.end] == "年化收益率１８％"
    assert found.annual_high == 18.0


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("十二", 12),
        ("一点五", 1.5),
        ("一千五", 1500),
        ("一千零五", 1005),
        ("两万三", 23000),
    ],
)
def test_chinese_numbers(words: str, value: float) -> None:
    assert chinese_number(words) == value
