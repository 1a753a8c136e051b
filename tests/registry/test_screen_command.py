"""`finsentry screen FILE`: a file alone in, screened rows and rejects out."""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pv
import pytest

from finsentry.registry import sources
from finsentry.registry.filescreen import (
    BOM,
    HEADER_OPTIONS,
    OUT_COLUMNS,
    OUT_SCHEMA,
    ROW_OPTIONS,
    screen_file,
)
from finsentry.registry.pipeline import Screener, screened_batches
from finsentry.registry.screening import WordList
from tests.registry.registry_files import HEADER, code, firm_row, write_csv


def run_screen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "finsentry", "screen", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def read(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_screen_writes_results_and_rejects(tmp_path: Path) -> None:
    rows = [
        firm_row(1, "吉林 鑫汇金融信息服务有限公司", "Ｐ２Ｐ网络借贷信息中介"),
        firm_row(2, "长春丰禾商贸有限公司", "日用百货（不含金融、类金融业务）"),
        firm_row(3, "坏公司", "餐饮", uscc="91220102MA00000XXX"),
        firm_row(4, "吉林省鑫汇慈善基金会", "资助", uscc=code(4, kind="53")),
    ]
    source = write_csv(tmp_path / "in.csv", rows, encoding="gb18030")
    out, rejects = tmp_path / "out.csv", tmp_path / "rej.csv"

    done = run_screen(
        str(source), "--out", str(out), "--rejects", str(rejects), "--workers", "2"
    )

    assert done.returncode == 0, done.stderr
    result = {r["uscc"]: r for r in read(out)}
    assert list(read(out)[0])[:7] == [
        "uscc",
        "name",
        "flagged",
        "licensed",
        "domains",
        "keywords",
        "reasons",
    ]
    assert result[code(1)]["flagged"] == "1"
    assert "p2p" in result[code(1)]["domains"].split(";")
    assert "金融" in result[code(1)]["keywords"].split(";")
    assert result[code(2)]["flagged"] == "0"
    assert result[code(4, kind="53")]["flagged"] == "0"
    assert result[code(4, kind="53")]["reasons"]
    assert [(r["line"], r["column"]) for r in read(rejects)] == [("4", "uscc")]


def test_screen_fails_clearly_on_unreadable_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"

    done = run_screen(str(missing), "--out", str(tmp_path / "o.csv"))

    assert done.returncode != 0
    assert "nope.csv" in done.stderr


def test_screen_names_missing_columns(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [["a", "b"]], header=["编号", "企业名称"])

    done = run_screen(str(source), "--out", str(tmp_path / "o.csv"))

    assert done.returncode != 0
    assert "uscc" in done.stderr and "scope" in done.stderr


def test_a_file_whose_every_row_is_refused_still_completes(tmp_path: Path) -> None:
    # Every record lacks the last column: no row survives validation.
    source = tmp_path / "in.csv"
    rows = [",".join(firm_row(i, f"公司{i}", "餐饮")[:-1]) for i in (1, 2)]
    source.write_text(",".join(HEADER) + "\n" + "\n".join(rows) + "\n")

    done = run_screen(str(source), "--out", str(tmp_path / "o.csv"), "--rejects",
                      str(tmp_path / "r.csv"))  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert read(tmp_path / "o.csv") == []
    assert [r["line"] for r in read(tmp_path / "r.csv")] == ["2", "3"]


def _table_rendering(source: Path) -> bytes:
    """Return OUT.csv as the table path writes it: header, then each batch."""
    sink = pa.BufferOutputStream()
    pv.write_csv(OUT_SCHEMA.empty_table(), sink, HEADER_OPTIONS)
    _, batches = screened_batches(source, Screener(WordList.default()), 1, OUT_COLUMNS)
    for batch in batches:
        table = batch.table.select(OUT_COLUMNS).cast(OUT_SCHEMA)
        pv.write_csv(table, sink, ROW_OPTIONS)
    return BOM + sink.getvalue().to_pybytes()


def _records(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("newline_in_name", [False, True])
def test_repeated_codes_are_cut_from_rendered_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, newline_in_name: bool
) -> None:
    monkeypatch.setattr(sources, "BLOCK_BYTES", 600)
    rows = [
        firm_row(i % 23 + 1, f"长春{i}号金融服务有限公司", "投资咨询；日用百货")
        for i in range(60)
    ]
    if newline_in_name:
        rows[30][1] = "吉林\n鑫汇理财有限公司"
    source = write_csv(tmp_path / "in.csv", rows)
    out, rejects = tmp_path / "out.csv", tmp_path / "rej.csv"

    summary = screen_file(source, out, rejects, Screener(WordList.default()), 1)

    # Blocks are quoted only where they need it: the same records either way.
    assert _records(out.read_bytes()) == _records(_table_rendering(source))
    assert summary.accepted == 23 and summary.rejected == 37
    assert summary.flagged == 23
    lines = [int(r["line"]) for r in read(rejects)]
    assert lines == sorted(lines) and len(lines) == 37
    assert {r["column"] for r in read(rejects)} == {"uscc"}


def test_out_quotes_values_only_in_blocks_that_need_it(tmp_path: Path) -> None:
    plain = write_csv(
        tmp_path / "plain.csv",
        [
            firm_row(1, "长春丰禾商贸有限公司", "日用百货销售"),
            firm_row(2, "吉林鑫汇金融信息服务有限公司", "金融信息服务"),
        ],
    )
    odd = write_csv(
        tmp_path / "odd.csv",
        [firm_row(1, '吉林"鑫汇",金融\n有限公司', "金融信息服务")],
    )
    for source in (plain, odd):
        done = run_screen(
            str(source), "--out", str(tmp_path / f"{source.stem}-out.csv")
        )
        assert done.returncode == 0, done.stderr

    plain_out = tmp_path / "plain-out.csv"
    body = plain_out.read_bytes().split(b"\n", 1)[1]
    assert b'"' not in body
    assert [r["flagged"] for r in read(plain_out)] == ["0", "1"]
    (row,) = read(tmp_path / "odd-out.csv")
    assert row["name"] == '吉林"鑫汇",金融\n有限公司'
    assert row["flagged"] == "1"
