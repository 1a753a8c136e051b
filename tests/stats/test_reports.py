"""The special report opens as .docx and .xlsx, with the figures of the world."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from finsentry.accounts.models import AuditEntry
from finsentry.stats import charts, excel, word
from finsentry.stats.area import Area
from finsentry.stats.figures import figures
from tests.stats.conftest import TODAY, World

NOW = timezone.make_aware(datetime(2026, 11, 30, 10, 0))


def tables_by_first_header(document: object) -> dict[str, list[list[str]]]:
    found = {}
    for grid in document.tables:  # type: ignore[attr-defined]
        rows = [[cell.text for cell in row.cells] for row in grid.rows]
        found[rows[0][0]] = rows
    return found


def test_word_report_holds_the_figures_in_its_tables(scored: World) -> None:
    body = word.special_report_docx(figures(Area("p2p"), TODAY), "王丽（wangli）", NOW)

    document = Document(io.BytesIO(body))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "P2P 网络借贷风险专项整治专项报告" in text
    assert "监测企业4户，其中问题企业2户，占50.0%" in text
    tables = tables_by_first_header(document)
    cities = {row[0]: row[1:] for row in tables["市（州）"]}
    assert cities["长春市"] == ["2", "1", "50.0%"]
    assert cities["延边朝鲜族自治州"] == ["2", "1", "50.0%"]
    assert cities["吉林市"] == ["0", "0", "—"]
    counties = {row[0]: row[1:] for row in tables["县（市、区）"]}
    assert counties["延边朝鲜族自治州延吉市"] == ["2", "1", "50.0%"]
    stages = {row[0]: row[1:] for row in tables["办理阶段"]}
    assert stages["限期整改中"] == ["1", "1"]
    months = [row for row in tables["月份"][1:]]
    assert months == [
        ["2026-09", "1", "1"],
        ["2026-10", "1", "2"],
        ["2026-11", "0", "2"],
    ]
    top = tables["企业名称"]
    assert top[1][0] == "延吉市汇金网贷服务有限公司" and top[1][3] == "82"
    footer = document.sections[0].footer.paragraphs[0].text
    assert "导出人：王丽（wangli）" in footer and "2026年11月30日 10:00" in footer
    assert len(document.inline_shapes) == 3  # city, stage and month charts


def test_charts_without_a_cjk_font_carry_a_code_legend(world: World) -> None:
    shown = figures(Area("p2p"), TODAY)

    chart = charts.ratio_bars("按市（州）统计图", shown.by_city, None)

    assert chart.png.startswith(b"\x89PNG")
    assert ("2224", "延边朝鲜族自治州") in chart.legend


def test_excel_report_has_a_sheet_per_table_with_numbers(scored: World) -> None:
    body = excel.special_report_xlsx(figures(Area("p2p"), TODAY), "王丽", NOW)

    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames[:3] == ["概况", "按市（州）统计", "按县（市、区）统计"]
    summary = {
        row[0]: row[1] for row in book["概况"].iter_rows(min_row=3, values_only=True)
    }
    assert summary["监测企业（户）"] == 4
    assert summary["问题企业（户）"] == 2
    assert summary["问题企业占比"] == 0.5
    cities = book["按市（州）统计"]
    assert "导出人：王丽" in cities["A1"].value
    rows = {row[0]: row[1:] for row in cities.iter_rows(min_row=3, values_only=True)}
    assert rows["长春市"] == (2, 1, 0.5)
    assert cities["D3"].number_format == "0.0%"
    assert len(cities._charts) == 1
    months = list(book["问题企业按月变化"].iter_rows(min_row=3, values_only=True))
    assert months == [("2026-09", 1, 1), ("2026-10", 1, 2), ("2026-11", 0, 2)]
    top = list(book["风险评分最高的企业"].iter_rows(min_row=3, values_only=True))
    assert top[0][0] == "延吉市汇金网贷服务有限公司" and top[0][3] == 82


def test_all_domains_report_adds_the_domain_table(world: World) -> None:
    shown = figures(Area(), TODAY)

    document = Document(io.BytesIO(word.special_report_docx(shown, "王丽", NOW)))
    domains = {row[0]: row[1:] for row in tables_by_first_header(document)["领域"]}
    assert domains["互联网保险"] == ["1", "0", "0.0%"]


def test_command_writes_both_files(world: World, tmp_path: Path) -> None:
    docx_path, xlsx_path = tmp_path / "p2p.docx", tmp_path / "p2p.xlsx"
    out = io.StringIO()

    call_command(
        "domain_report",
        "p2p",
        "--region",
        "2224",
        "--out",
        str(docx_path),
        "--xlsx",
        str(xlsx_path),
        "--date",
        TODAY.isoformat(),
        stdout=out,
    )

    assert "监测企业 2 户，问题企业 1 户（50.0%）" in out.getvalue()
    document = Document(str(docx_path))
    assert "延边朝鲜族自治州" in document.paragraphs[1].text
    cities = load_workbook(xlsx_path)["按市（州）统计"]
    assert list(cities.iter_rows(min_row=3, values_only=True)) == [
        ("延边朝鲜族自治州", 2, 1, 0.5)
    ]
    exports = AuditEntry.objects.filter(action="stats.export")
    assert sorted(e.detail["format"] for e in exports) == ["docx", "xlsx"]


def test_command_refuses_an_unknown_domain(world: World) -> None:
    with pytest.raises(CommandError, match="未知的领域"):
        call_command("domain_report", "bitcoin", stdout=io.StringIO())


def test_word_report_without_a_cjk_font_prints_the_code_legend(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: None)

    body = word.special_report_docx(figures(Area("p2p"), TODAY), "王丽", NOW)

    legends = [
        [[cell.text for cell in row.cells] for row in grid.rows]
        for grid in Document(io.BytesIO(body)).tables
        if grid.rows[0].cells[0].text == "代码"
    ]
    assert ["2224", "延边朝鲜族自治州"] in legends[0]
    assert ["rectifying", "限期整改中"] in legends[1]


def test_command_refuses_a_malformed_region(world: World) -> None:
    with pytest.raises(CommandError, match="地区代码"):
        call_command("domain_report", "p2p", "--region", "22x", stdout=io.StringIO())
