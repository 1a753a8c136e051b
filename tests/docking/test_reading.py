"""Reading report files: encodings, Chinese headers, exact lines, XLSX."""

from pathlib import Path

import openpyxl
import pytest

from finsentry.docking.columns import CANONICAL
from finsentry.docking.reading import open_reports
from finsentry.docking.validation import check_reports
from finsentry.registry.errors import SourceError
from tests.docking.report_files import report, write_reports

CHINESE = ["平台", "月份", "成交额", "借贷余额", "出借人数", "借款人数", "平均收益率",
           "平均借款期限", "人均出借金额", "人均借款金额", "平均满标时间", "资金净流入",
           "前十大出借人待收占比", "前十大借款人待还占比", "借款笔数", "逾期金额",
           "存管银行"]  # fmt: skip


def _read(path: Path):
    info, batches = open_reports(path)
    checked = [check_reports(b) for b in batches]
    return info, checked


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_each_encoding_with_chinese_headers(tmp_path: Path, encoding) -> None:
    rows = [report("吉林某贷", "2018-01"), report("吉林某贷", "2018-02")]
    path = write_reports(tmp_path / "r.csv", rows, encoding, header=CHINESE)

    info, [checked] = _read(path)

    assert info.encoding == ("gb18030" if encoding == "gbk" else "utf-8")
    assert checked.table["platform"].to_pylist() == ["吉林某贷", "吉林某贷"]
    assert checked.table["line"].to_pylist() == [2, 3]


def test_title_above_the_header_keeps_file_lines(tmp_path: Path) -> None:
    path = write_reports(tmp_path / "r.csv", [report("吉林某贷", "2018-01")])
    path.write_text("2018年1月网贷平台运营数据报送表\n" + path.read_text())

    info, [checked] = _read(path)

    assert info.header_line == 2
    assert checked.table["line"].to_pylist() == [3]


def test_missing_required_column_names_file_and_column(tmp_path: Path) -> None:
    path = write_reports(tmp_path / "r.csv", [], header=list(CANONICAL[:5]))

    with pytest.raises(SourceError) as caught:
        open_reports(path)

    assert str(path) in caught.value.message and "第 1 行" in caught.value.message
    assert "borrowers（活跃借款人数）" in caught.value.message


def test_short_row_and_quoted_newline_keep_exact_lines(tmp_path: Path) -> None:
    path = write_reports(tmp_path / "r.csv", [report("p1", "2018-01")])
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write("p1,2018-02,1,2\n")
        row = report("p1", "2018-03", custody_bank='"吉林\n银行"')
        handle.write(",".join(row[c] for c in CANONICAL) + "\n")
        handle.write(",".join(report("p1", "2018-04")[c] for c in CANONICAL) + "\n")

    _, [checked] = _read(path)

    assert checked.table["line"].to_pylist() == [2, 4, 6]
    assert [(r.line, r.reason) for r in checked.rejects] == [
        (3, "列数不符：应为 17 列，实为 4 列")
    ]
    assert checked.rejected_rows == 1


def test_undecodable_line_is_refused_alone(tmp_path: Path) -> None:
    rows = [report("吉林某贷", m) for m in ("2018-01", "2018-02", "2018-03")]
    path = write_reports(tmp_path / "r.csv", rows, "gbk", header=CHINESE)
    data = path.read_bytes().split(b"\n")
    data[2] = data[2].replace("吉林".encode("gbk"), b"\xff\xfe")
    path.write_bytes(b"\n".join(data))

    _, [checked] = _read(path)

    assert checked.table["line"].to_pylist() == [2, 4]
    assert checked.rejects[0].line == 3 and "解码" in checked.rejects[0].reason


def test_xlsx_first_sheet_is_read_with_dates_as_months(tmp_path: Path) -> None:
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(CANONICAL))
    row = report("p1", "x")
    values = [row[c] for c in CANONICAL]
    values[1] = dt.datetime(2018, 5, 1)
    values[2] = 1200.0
    sheet.append(values)
    path = tmp_path / "r.xlsx"
    book.save(path)

    _, [checked] = _read(path)

    assert checked.rejects == []
    assert checked.table.to_pylist()[0]["month"] == "2018-05"
    assert checked.table.to_pylist()[0]["volume"] == 1200.0


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="文件不存在"):
        open_reports(tmp_path / "none.csv")
