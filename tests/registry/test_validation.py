"""Validating registry batches: rejects with reasons, warnings, placement, websites."""

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from finsentry.registry import fields, repeats, validation
from finsentry.registry.sources import RawBatch, open_source, parse_csv_block
from finsentry.registry.uscc import make_code
from finsentry.registry.validation import validate_batch
from tests.registry.registry_files import code


def batch(rows: list[dict[str, str]]) -> RawBatch:
    columns = {}
    for column in (
        "uscc",
        "name",
        "scope",
        "region",
        "established",
        "registered_capital",
        "status",
        "website",
    ):
        columns[column] = pa.array([r.get(column, "") for r in rows], type=pa.string())
    return RawBatch(np.arange(2, len(rows) + 2, dtype=np.int64), columns)


def test_lowercase_code_is_normalised_not_rejected() -> None:
    valid = validation.validate_batch(batch([{"uscc": code(1).lower(), "name": "甲"}]))

    assert valid.rejects == []
    assert valid.table["uscc"].to_pylist() == [code(1)]


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ({"uscc": "", "name": "甲"}, "uscc"),
        (
            {"uscc": code(1)[:-1] + ("0" if code(1)[-1] != "0" else "1"), "name": "甲"},
            "uscc",
        ),
        ({"uscc": code(1), "name": ""}, "name"),
        ({"uscc": code(1), "name": "甲", "established": "2016-13-40"}, "established"),
        (
            {"uscc": code(1), "name": "甲", "registered_capital": "很多钱"},
            "registered_capital",
        ),
    ],
)
def test_bad_value_rejects_row_with_line_and_column(row: dict, column: str) -> None:
    valid = validation.validate_batch(batch([{"uscc": code(9), "name": "乙"}, row]))

    assert valid.table.num_rows == 1
    assert [(r.line, r.column) for r in valid.rejects] == [(3, column)]
    assert valid.rejects[0].reason


def test_unknown_region_is_a_warning_not_a_reject() -> None:
    odd = code(1, region="229999")

    valid = validation.validate_batch(
        batch([{"uscc": odd, "name": "甲", "scope": "餐饮"}])
    )

    assert valid.rejects == []
    assert "229999" in valid.table["warnings"][0].as_py()
    assert valid.warned == 1


def test_historic_region_files_under_todays_city() -> None:
    firm = code(1, region="220381")

    valid = validation.validate_batch(
        batch([{"uscc": firm, "name": "甲", "scope": "x"}])
    )

    assert valid.table["city_code"].to_pylist() == ["2201"]
    assert valid.table["county_code"].to_pylist() == ["220184"]
    assert valid.table["warnings"].to_pylist() == [""]


def test_capital_and_date_are_parsed() -> None:
    row = {
        "uscc": code(1),
        "name": "甲",
        "scope": "x",
        "established": "2016年5月3日",
        "registered_capital": "50万美元",
    }

    table = validation.validate_batch(batch([row])).table

    assert table["established"].to_pylist() == ["2016-05-03"]
    assert table["capital_currency"].to_pylist() == ["USD"]
    assert float(table["capital_wan"][0].as_py()) == 50


WEBSITES = [
    "www.Abc.com",
    "http://x.cn/a?b=1#f",
    "abc.com.cn",
    "",
    "无",
    "https://a-b.c/path",
    "HTTP://X.COM",
    "www.x.com:8080",
    "xn--abc.com",
    "吉林.中国",
    "ftp://x.com",
    "not a url",
]


def test_website_fast_path_equals_the_parser() -> None:
    result = validation._websites(pa.array(WEBSITES)).to_pylist()

    for raw, got in zip(WEBSITES, result, strict=True):
        try:
            expected = fields.parse_website(raw) or ""
        except fields.FieldError:
            expected = raw
        assert got == expected, raw


def test_repeated_code_across_batches_names_its_first_line() -> None:
    guard = repeats.DuplicateGuard()
    first = pa.table({"uscc": [code(1), code(2)], "line": [2, 3]})
    second = pa.table({"uscc": [code(3), code(2), code(3)], "line": [9, 10, 11]})

    kept_first, none = guard.drop_repeats(first)
    kept, rejects = guard.drop_repeats(second)

    assert none == [] and kept_first.num_rows == 2
    assert kept["line"].to_pylist() == [9]
    assert [(r.line, r.reason) for r in rejects] == [
        (10, "统一社会信用代码与第 3 行重复"),
        (11, "统一社会信用代码与第 9 行重复"),
    ]


def test_digest_collision_falls_back_to_comparing_codes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every code gets the same digest: the guard must still compare codes.
    monkeypatch.setattr(
        repeats, "code_digests", lambda codes: np.zeros(len(codes), np.uint64)
    )
    guard = repeats.DuplicateGuard()
    first = pa.table({"uscc": [code(1), code(2)], "line": [2, 3]})
    second = pa.table({"uscc": [code(4), code(1)], "line": [4, 5]})

    kept_first, first_rejects = guard.drop_repeats(first)
    kept, rejects = guard.drop_repeats(second)

    assert kept_first.num_rows == 2 and first_rejects == []
    assert kept["uscc"].to_pylist() == [code(4)]
    assert [(r.line, r.reason) for r in rejects] == [
        (5, "统一社会信用代码与第 2 行重复")
    ]


def test_code_digests_tell_codes_apart_and_match_equal_ones() -> None:
    codes = [code(i) for i in range(1, 2000)]
    digests = repeats.code_digests(pa.array(codes + codes[:5]))

    assert len(set(digests[:-5].tolist())) == len(codes)
    assert digests[-5:].tolist() == digests[:5].tolist()
    odd = repeats.code_digests(pa.array(["short", "short", "other"]))
    assert odd[0] == odd[1] != odd[2]


def test_kept_columns_are_equal_to_a_full_validation() -> None:
    rows = [
        {"uscc": code(1), "name": "甲", "scope": "", "region": "229999"},
        {"uscc": code(2), "name": "乙", "scope": "x", "established": "昨天"},
        {"uscc": code(3), "name": "丙", "scope": "x", "website": "www.A.com"},
        {"uscc": code(3)[:-1] + "0", "name": "丁", "scope": "x"},
    ]
    kept = ["uscc", "name", "region_code", "city_code", "line"]

    full = validation.validate_batch(batch(rows))
    part = validation.validate_batch(batch(rows), kept)

    assert set(part.table.column_names) == {*kept, "name_normalized", "scope"}
    for column in part.table.column_names:
        assert part.table[column].equals(full.table[column]), column
    assert part.rejects == full.rejects
    assert part.warned == full.warned == 1


def test_old_extracts_with_a_split_scope_and_noted_headers(tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    header = "统一社会信用代码/注册号,企业名称（字号）,一般经营项目,许可经营项目\n"
    rows = [
        f"{make_code('91', '220102', 'MA000001')},甲公司,餐饮服务,\n",
        f"{make_code('91', '220102', 'MA000002')},乙公司,技术开发,网络借贷信息中介\n",
        f"{make_code('91', '220102', 'MA000003')},丙公司,,融资担保\n",
    ]
    path.write_text(header + "".join(rows), encoding="utf-8")

    info, blocks = open_source(path)
    [valid] = [validate_batch(parse_csv_block(b, info)) for b in blocks]

    assert valid.table["scope"].to_pylist() == [
        "餐饮服务",
        "技术开发；网络借贷信息中介",
        "融资担保",
    ]
