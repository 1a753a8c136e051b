"""Reading dates, capital and status: in bulk exactly as the parsers read."""

import pyarrow as pa
import pytest

from finsentry.registry import field_values

DATES = [
    "2016-05-03",
    "2016-02-29",
    "2015-02-29",
    "2000-02-29",
    "1900-02-29",
    "1899-12-31",
    "1900-01-01",
    "2016-13-01",
    "2016-00-10",
    "2016-04-31",
    "2016-04-00",
    "2999-01-01",
    "2016/5/3",
    "2016年5月3日",
    "20160503",
    "42000",
    "",
    "无",
    "２０１６-０５-０３",
    "2016-05-03 10:00",
    "not a date",
    # The other shapes a whole extract may use, each also impossible or late.
    "2016/05/03",
    "2016.5.3",
    "2016-5-3",
    "2016/2/29",
    "2015/2/29",
    "2016/4/31",
    "2016/13/1",
    "1899/12/31",
    "2999/1/1",
    "2016/5/3 10:00",
    "2016/005/3",
    "2016/5-3",
    "2016年05月03日",
    "2016年5月3",
    "2016年2月30日",
    "2016年5月3日 上午",
    "20160230",
    "18991231",
    "201605031",
    "２０１６/５/３",
]


CAPITALS = [
    "100万元人民币",
    "100万元",
    "100万人民币",
    "100万",
    "100",
    "50万美元",
    "50美元",
    "1.50万元",
    "0.5万元人民币",
    "0万元",
    "0.000001万元",
    "0.0000001万元",
    "012万元",
    "100元",
    "1000000元人民币",
    "1亿元",
    "伍仟万元整",
    "100万元整",
    "100(万元)",
    "1,000万元",
    "100万港元",
    "100万欧元",
    "100万 元",
    "１００万元",
    "RMB100万",
    "-5万元",
    "很多钱",
    "",
    "无",
]


@pytest.mark.parametrize(
    ("read", "parser", "kind", "cases"),
    [
        (field_values.read_dates, field_values.date_text, pa.string(), DATES),
        (
            field_values.read_capitals,
            field_values.capital,
            field_values.CAPITAL_TYPE,
            CAPITALS,
        ),
    ],
    ids=["dates", "capital"],
)
def test_bulk_reading_equals_the_parser(read, parser, kind, cases: list[str]) -> None:
    values = pa.array(cases * 3)

    got, got_failed = read(values)
    expected, failed = field_values.map_distinct(values, parser, kind)

    assert got.to_pylist() == expected.to_pylist()
    assert got_failed.tolist() == failed.tolist()
    assert failed.any() and not failed.all()


def test_an_extract_of_slashed_dates_is_read_in_bulk() -> None:
    # 2016/5/3 throughout (a common export) must not send every distinct
    # date through the per-value parser (which caches what it has read).
    values = pa.array([f"2016/{m}/{d}" for m in range(1, 13) for d in range(1, 29)])
    field_values.date_text.cache_clear()

    got, failed = field_values.read_dates(values)

    assert got[0].as_py() == "2016-01-01" and got[-1].as_py() == "2016-12-28"
    assert not failed.any()
    assert field_values.date_text.cache_info().currsize <= 1  # the blank only


def test_an_extract_of_odd_amounts_is_read_in_bulk() -> None:
    values = pa.array([f"{n / 100:g}万元人民币" for n in range(1, 20001)])
    field_values.capital.cache_clear()

    got, failed = field_values.read_capitals(values)

    assert got[0].as_py() == {"amount": "0.01", "currency": "CNY"}
    assert not failed.any()
    assert field_values.capital.cache_info().currsize <= 1  # the blank only
