import datetime as dt
from decimal import Decimal

import pytest

from finsentry.registry.fields import (
    STATUS_LABELS,
    Capital,
    FieldError,
    parse_capital,
    parse_date,
    parse_phone,
    parse_status,
    parse_website,
)

TODAY = dt.date(2024, 6, 30)


@pytest.mark.parametrize(
    "raw",
    [
        "2016-05-03",
        "2016/5/3",
        "20160503",
        "2016年5月3日",
        "2016年05月03",
        "2016.05.03",
        "42493",
        "42493.5",
        "2016-05-03 10:20:30",
        "2016/5/3 0:00",
        "2016-05-03T08:00:00",
        " ２０１６－０５－０３ ",
    ],
)
def test_parse_date_reads_common_spellings(raw: str) -> None:
    assert parse_date(raw, today=TODAY) == dt.date(2016, 5, 3)


@pytest.mark.parametrize("raw", [None, "", "  ", "-", "无"])
def test_parse_date_empty_is_none(raw: str | None) -> None:
    assert parse_date(raw, today=TODAY) is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2016-02-30", "日期不存在"),
        ("1899-12-31", "日期不合理"),
        ("2024-07-01", "日期不合理"),
        ("2016", "无法识别的日期"),
        ("五月三日", "无法识别的日期"),
        ("2016-13-01", "日期不存在"),
    ],
)
def test_parse_date_rejects_impossible_or_implausible(raw: str, reason: str) -> None:
    with pytest.raises(FieldError, match=reason):
        parse_date(raw, today=TODAY)


@pytest.mark.parametrize(
    ("raw", "amount", "currency"),
    [
        ("100万元人民币", "100", "CNY"),
        ("100.5万人民币", "100.5", "CNY"),
        ("100万美元", "100", "USD"),
        ("1000000元", "100", "CNY"),
        ("100(万元)", "100", "CNY"),
        ("100（万元）", "100", "CNY"),
        ("100", "100", "CNY"),
        ("100万元 人民币", "100", "CNY"),
        ("1,000万元", "1000", "CNY"),
        ("1.5亿元", "15000", "CNY"),
        ("500万港元", "500", "HKD"),
        ("200万欧元", "200", "EUR"),
        ("3000万日元", "3000", "JPY"),
        ("50万 USD", "50", "USD"),
        ("壹佰万元", "100", "CNY"),
        ("伍仟万元人民币", "5000", "CNY"),
        ("一亿二千万元", "12000", "CNY"),
        ("5000万元整", "5000", "CNY"),
        ("伍仟万元整", "5000", "CNY"),
    ],
)
def test_parse_capital_reads_amount_and_currency(
    raw: str, amount: str, currency: str
) -> None:
    capital = parse_capital(raw)
    assert capital == Capital(Decimal(amount), currency, raw)


def test_parse_capital_empty_is_none() -> None:
    assert parse_capital("") is None
    assert parse_capital(None) is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("-100万元", "负数"),
        ("abc", "无法识别"),
        ("万元", "无法识别"),
        ("100万亿x", "无法识别"),
    ],
)
def test_parse_capital_rejects_negative_or_unreadable(raw: str, reason: str) -> None:
    with pytest.raises(FieldError, match=reason):
        parse_capital(raw)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("存续", "active"),
        ("存续（在营、开业、在册）", "active"),
        ("在业", "active"),
        ("开业", "active"),
        ("吊销", "revoked"),
        ("吊销，未注销", "revoked"),
        ("撤销", "revoked"),
        ("注销", "cancelled"),
        ("迁出", "moved"),
        ("停业", "suspended"),
        ("清算", "liquidating"),
        ("其他", "other"),
        ("", "other"),
    ],
)
def test_parse_status_maps_words_to_codes(raw: str, code: str) -> None:
    assert parse_status(raw) == code
    assert code in STATUS_LABELS


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("0431-88888888", "043188888888"),
        ("(0431) 8888 8888", "043188888888"),
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "+8613812345678"),
        ("0431-8888888转123", "04318888888转123"),
        ("13812345678/0431-88888888", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
    ],
)
def test_parse_phone_strips_separators(raw: str, phone: str) -> None:
    assert parse_phone(raw) == phone


@pytest.mark.parametrize("raw", ["123", "电话", "0431-8888abc"])
def test_parse_phone_rejects_garbage(raw: str) -> None:
    with pytest.raises(FieldError, match="电话号码"):
        parse_phone(raw)


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ("www.Example.COM", "http://www.example.com"),
        ("HTTPS://WWW.EXAMPLE.COM/Path?q=1", "https://www.example.com/Path?q=1"),
        (" example.com.cn/ ", "http://example.com.cn/"),
        ("example.com:8080/a", "http://example.com:8080/a"),
        ("http://例子.中国", "http://例子.中国"),
        ("1.2.3.4", "http://1.2.3.4"),
    ],
)
def test_parse_website_normalises(raw: str, url: str) -> None:
    assert parse_website(raw) == url


@pytest.mark.parametrize(
    "raw", ["不详网站", "http://", "ftp://example.com", "abc", "a.b:x"]
)
def test_parse_website_rejects_invalid(raw: str) -> None:
    with pytest.raises(FieldError, match="网址"):
        parse_website(raw)


def test_parse_website_placeholder_is_none() -> None:
    assert parse_website("无") is None
