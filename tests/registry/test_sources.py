"""Reading registry files: encodings, headers, exact lines, malformed records."""

import json
from pathlib import Path

import pytest

from finsentry.registry import sources
from finsentry.registry.errors import SourceError
from finsentry.registry.sources import open_source
from tests.registry.registry_files import HEADER, code, firm_row, write_csv


def read_all(path: Path) -> tuple[list[int], dict[str, list[str]], list]:
    info, items = open_source(path)
    lines: list[int] = []
    values: dict[str, list[str]] = {}
    rejects = []
    for item in items:
        batch = sources.parse_csv_block(item, info) if info.kind == "csv" else item
        lines += batch.lines.tolist()
        rejects += batch.rejects
        for column, array in batch.columns.items():
            values.setdefault(column, []).extend(array.to_pylist())
    return lines, values, rejects


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_reads_each_encoding(tmp_path: Path, encoding: str) -> None:
    rows = [firm_row(1, "吉林鑫汇金融信息服务有限公司", "金融信息服务；软件开发")]
    path = write_csv(tmp_path / "r.csv", rows, encoding=encoding)

    lines, values, rejects = read_all(path)

    assert lines == [2]
    assert values["name"] == ["吉林鑫汇金融信息服务有限公司"]
    assert rejects == []


def test_maps_chinese_headers(tmp_path: Path) -> None:
    header = ["统一社会信用代码", "企业名称", "经营范围", "成立日期", "备注"]
    path = write_csv(
        tmp_path / "r.csv",
        [[code(1), "长春甲公司", "餐饮服务", "2020-01-02", "x"]],
        header=header,
    )

    info, items = open_source(path)
    list(items)

    assert info.positions == {"uscc": 0, "name": 1, "scope": 2, "established": 3}
    assert info.unknown_headers == ["备注"]


def test_missing_required_column_names_file_and_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [[code(1), "甲"]], header=["uscc", "name"])

    with pytest.raises(SourceError) as caught:
        open_source(path)

    assert "r.csv" in str(caught.value)
    assert "scope" in str(caught.value) and "经营范围" in str(caught.value)


def test_quoted_newlines_keep_lines_exact(tmp_path: Path) -> None:
    rows = [
        firm_row(1, "甲公司", "第一行\n第二行\n第三行"),
        firm_row(2, "乙公司", "餐饮"),
    ]
    path = write_csv(tmp_path / "r.csv", rows)

    lines, values, _ = read_all(path)

    assert lines == [2, 5]
    assert values["scope"][0] == "第一行\n第二行\n第三行"


def test_short_row_and_blank_line_are_named_by_line(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    good = ",".join(firm_row(1, "甲公司", "餐饮"))
    later = ",".join(firm_row(3, "丙公司", "商贸"))
    path.write_text(
        ",".join(HEADER) + "\n" + good + "\n\n" + f"{code(2)},乙公司\n" + later + "\n",
        encoding="utf-8",
    )

    lines, values, rejects = read_all(path)

    assert lines == [2, 5]
    assert values["name"] == ["甲公司", "丙公司"]
    assert [(r.line, r.uscc) for r in rejects] == [(4, code(2))]
    assert "列数不符" in rejects[0].reason


def test_undecodable_line_is_rejected_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    head = ",".join(HEADER) + "\n" + ",".join(firm_row(1, "甲公司", "餐饮")) + "\n"
    broken = ",".join(firm_row(2, "乙公司", "商贸")).encode() + b"\xff\xfe\n"
    path.write_bytes(head.encode() * 1 + b"" + broken)
    # A valid UTF-8 head followed by a broken line: detection says UTF-8.
    lines, _, rejects = read_all(path)

    assert lines == [2]
    assert [r.line for r in rejects] == [3]


def test_blocks_split_only_between_records(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sources, "BLOCK_BYTES", 64)
    rows = [
        firm_row(i, f"公司{i}", "很长的经营范围\n带换行" * (i % 3 + 1))
        for i in range(1, 40)
    ]
    path = write_csv(tmp_path / "r.csv", rows)

    lines, values, rejects = read_all(path)

    assert rejects == []
    assert values["name"] == [f"公司{i}" for i in range(1, 40)]
    expected, line = [], 2
    for i in range(1, 40):
        expected.append(line)
        line += 1 + (i % 3 + 1)
    assert lines == expected


def test_a_file_cut_short_while_read_is_an_error_not_a_crash(
    tmp_path: Path, monkeypatch
) -> None:
    # Blocks are mapped from the file: a page past a new end would kill the
    # process, so a file that shrinks is refused with a message first.
    monkeypatch.setattr(sources, "BLOCK_BYTES", 256)
    rows = [firm_row(i, f"公司{i}", "日用百货销售") for i in range(1, 60)]
    path = write_csv(tmp_path / "r.csv", rows)
    info, blocks = open_source(path)
    first = next(blocks)
    assert sources.parse_csv_block(first, info).lines.tolist()[0] == 2

    with path.open("r+b") as handle:
        handle.truncate(first.stop + 10)
    with pytest.raises(SourceError, match="截短"):
        list(blocks)
    late = sources.CsvBlock(str(path), first.stop, first.stop + 200, 3)
    with pytest.raises(SourceError, match="截短"):
        sources.parse_csv_block(late, info)


def test_jsonl_lines_and_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    good = {"统一社会信用代码": code(1), "企业名称": "甲公司", "经营范围": "餐饮"}
    path.write_text(
        json.dumps(good, ensure_ascii=False) + "\n{oops\n" + json.dumps([1]) + "\n",
        encoding="utf-8",
    )

    lines, values, rejects = read_all(path)

    assert lines == [1]
    assert values["uscc"] == [code(1)]
    assert [r.line for r in rejects] == [2, 3]


def test_xlsx_rows_carry_sheet_lines(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["统一社会信用代码", "企业名称", "经营范围", "成立日期"])
    sheet.append([code(1), "甲公司", "餐饮", None])
    sheet.append([None, None, None, None])
    sheet.append([code(2), "乙公司", "商贸", 20160503])
    path = tmp_path / "r.xlsx"
    book.save(path)

    lines, values, _ = read_all(path)

    assert lines == [2, 4]
    assert values["established"] == ["", "20160503"]


def test_title_lines_above_the_header_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    rows = [",".join(firm_row(i, f"公司{i}", "餐饮")) for i in (1, 2)]
    title = "吉林省市场主体登记信息（导出日期：2026-11-30）\n\n"
    path.write_text(title + ",".join(HEADER) + "\n" + "\n".join(rows) + "\n")

    info, _ = open_source(path)
    lines, values, rejects = read_all(path)

    assert info.header_line == 3
    assert lines == [4, 5] and rejects == []
    assert values["name"] == ["公司1", "公司2"]


def test_xlsx_title_row_above_the_header(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["附件1：重点监管对象名单"])
    sheet.append(["统一社会信用代码", "企业名称", "经营范围"])
    sheet.append([code(1), "甲公司", "餐饮"])
    path = tmp_path / "r.xlsx"
    book.save(path)

    lines, values, _ = read_all(path)

    assert lines == [3]
    assert values["name"] == ["甲公司"]


def test_xlsx_extract_continues_on_further_sheets(tmp_path: Path) -> None:
    import openpyxl

    from finsentry.registry.validation import validate_batch

    book = openpyxl.Workbook()
    first = book.active
    first.append(["统一社会信用代码", "企业名称", "经营范围"])
    first.append([code(1), "甲公司", "餐饮"])
    second = book.create_sheet("第二页")
    second.append(["统一社会信用代码", "企业名称", "经营范围"])
    second.append([code(2)[:-1] + "0", "乙公司", "商贸"])
    third = book.create_sheet("第三页")
    third.append([code(3), "丙公司", "零售"])
    path = tmp_path / "r.xlsx"
    book.save(path)

    _, batches = open_source(path)
    checked = [validate_batch(batch) for batch in batches]

    assert [b.table["name"].to_pylist() for b in checked] == [
        ["甲公司"],
        [],
        ["丙公司"],
    ]
    assert [b.table["line"].to_pylist() for b in checked] == [[2], [], [1]]
    [refused] = checked[1].rejects
    assert (refused.line, refused.column) == (2, "第二页!uscc")


def test_no_header_near_the_top_is_named_at_line_one(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("说明\n" * 12 + ",".join(HEADER) + "\n")

    with pytest.raises(SourceError, match="缺少必需列") as caught:
        open_source(path)

    assert caught.value.line == 1


def test_header_only_file_has_no_blocks(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [])

    info, items = open_source(path)

    assert list(items) == []


def test_last_record_without_newline_and_blank_tail(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    rows = [",".join(firm_row(i, f"公司{i}", "餐饮")) for i in (1, 2)]
    path.write_text(",".join(HEADER) + "\n" + "\n".join(rows), encoding="utf-8")

    lines, values, rejects = read_all(path)

    assert lines == [2, 3] and rejects == []
    assert values["name"] == ["公司1", "公司2"]


def test_file_cut_inside_a_character_rejects_its_last_line(tmp_path: Path) -> None:
    # A copy cut short ends in the middle of a UTF-8 sequence, in a short row.
    path = tmp_path / "r.csv"
    rows = [",".join(firm_row(i, f"公司{i}", "餐饮")) for i in (1, 2)]
    text = (",".join(HEADER) + "\n" + "\n".join(rows) + "\n").encode()
    path.write_bytes(text + ",".join(firm_row(3, "丙公司", "餐饮")).encode()[:-40])

    lines, _, rejects = read_all(path)

    assert lines == [2, 3]
    assert [r.line for r in rejects] == [4]


def test_kept_columns_are_the_only_ones_parsed(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [firm_row(1, "甲公司", "餐饮")])
    info, items = open_source(path)

    batch = sources.parse_csv_block(next(iter(items)), info, {"uscc", "name"})

    assert set(batch.columns) == {"uscc", "name"}
    assert batch.lines.tolist() == [2]
