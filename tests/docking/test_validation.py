"""Checks of platform report rows: typed values and refusals with reasons."""

import datetime as dt

import pytest

from finsentry.docking.reading import records_batch
from finsentry.docking.validation import check_reports, platform_key
from finsentry.registry.uscc import make_code
from tests.docking.report_files import report

TODAY = dt.date(2020, 1, 15)
CODE = make_code("91", "220102", "MA000001")


def _check(*rows: dict[str, str], seen=None, first: int = 2):
    batch = records_batch([(n, r) for n, r in enumerate(rows, start=first)])
    return check_reports(batch, seen, today=TODAY)


def test_valid_row_is_typed() -> None:
    checked = _check(report(CODE, "2018-03", avg_yield="12.5%", volume="1,200.5"))

    row = checked.table.to_pylist()[0]
    assert checked.rejects == []
    assert row["uscc"] == CODE and row["month"] == "2018-03"
    assert row["avg_yield"] == 12.5 and row["volume"] == 1200.5
    assert row["lenders"] == 800.0 and row["custody_bank"] == "吉林银行"


def test_platform_id_is_kept_without_a_credit_code() -> None:
    assert platform_key(" ppdai ") == ("ppdai", None)
    assert platform_key(CODE.lower()) == (CODE, CODE)
    assert platform_key(CODE[:-1] + "0")[1] is None


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("volume", "很多", "不是数字：很多"),
        ("avg_yield", "120", "超出允许范围（0 至 100）：120"),
        ("balance", "-5", "超出允许范围（0 至 +∞）：-5"),
        ("lenders", "10.5", "应为整数：10.5"),
        ("top10_borrower_share", "", "必填项为空"),
        ("month", "2018-13", "月份不存在：2018-13"),
        ("month", "2018年三月", "无法识别的月份：2018年三月（应为 YYYY-MM）"),
        ("month", "2020-02", "月份不在 2000 年至本月之间：2020-02"),
        ("platform", "", "必填项为空"),
    ],
)
def test_bad_value_is_refused_with_line_column_and_reason(
    column: str, value: str, reason: str
) -> None:
    bad = {**report("p1", "2018-02"), column: value}
    checked = _check(report("p1", "2018-01"), bad)

    assert checked.table.num_rows == 1 and checked.rejected_rows == 1
    [reject] = checked.rejects
    assert (reject.line, reject.column, reject.reason) == (3, column, reason)


def test_every_problem_of_a_row_is_named() -> None:
    checked = _check(report("p1", "2018-01", volume="x", avg_term="0"))

    assert [r.column for r in checked.rejects] == ["volume", "avg_term"]
    assert checked.rejected_rows == 1


def test_optional_values_may_be_empty() -> None:
    row = report("p1", "2018-01", loan_count="", overdue_amount="", custody_bank="")

    stored = _check(row).table.to_pylist()[0]

    assert stored["loan_count"] is None and stored["overdue_amount"] is None
    assert stored["custody_bank"] is None


@pytest.mark.parametrize("month", ["2018/3", "2018年3月", "201803", "2018-03-01"])
def test_month_spellings_are_read(month: str) -> None:
    assert _check(report("p1", month)).table["month"].to_pylist() == ["2018-03"]


def test_repeated_platform_month_names_the_first_line() -> None:
    seen: dict = {}
    _check(report("p1", "2018-01"), seen=seen)

    later = (report("p1", "2018/1"), report("p1", "2018-02"))
    checked = _check(*later, seen=seen, first=3)

    assert checked.table["month"].to_pylist() == ["2018-02"]
    assert checked.rejects[0].reason == "与第 2 行重复（同一平台同一月份）"
