"""The special report's tables as an Excel workbook, one sheet per table.

Every sheet opens with the house export line (who, when, which area: the
same as the watch-list exports of reports/excel.py) and the column titles;
counts are numbers and ratios are numbers formatted as percentages, so the
figures can be worked on. The city, domain and stage sheets carry a native
bar chart and the month sheet a line chart, which Excel and WPS redraw from
the cells.
"""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from finsentry.reports.excel import header_line
from finsentry.stats.figures import Figures
from finsentry.stats.tables import Table, report_tables, summary_pairs

PERCENT = "0.0%"
FIRST_ROW = 3  # after the export line and the column titles
# Which columns each chart draws (1-based), and its kind.
CHARTS = {
    "city": ("bar", (2, 3)),
    "domain": ("bar", (2, 3)),
    "state": ("bar", (2,)),
    "month": ("line", (2, 3)),
}


def _titles(sheet: Worksheet, line: str, columns: list[str]) -> None:
    sheet.append([line])
    sheet.append(columns)
    for cell in (sheet["A1"], *sheet[2]):
        cell.font = Font(bold=True)
    for index, title in enumerate(columns, start=1):
        width = max(12, len(title) * 2 + 2)
        sheet.column_dimensions[get_column_letter(index)].width = width


def _sheet(book: Workbook, part: Table, line: str) -> Worksheet:
    sheet = book.create_sheet(title=part.title[:31])
    _titles(sheet, line, part.columns)
    for row in part.rows:
        sheet.append(list(row))
    if part.ratio_column is not None:
        column = part.ratio_column + 1
        for (cell,) in sheet.iter_rows(
            min_row=FIRST_ROW, min_col=column, max_col=column
        ):
            cell.number_format = PERCENT
    if part.key in CHARTS and part.rows:
        _chart(sheet, part)
    return sheet


def _chart(sheet: Worksheet, part: Table) -> None:
    kind, columns = CHARTS[part.key]
    last = FIRST_ROW + len(part.rows) - 1
    chart = BarChart() if kind == "bar" else LineChart()
    chart.title = part.title
    chart.height, chart.width = 8, 18
    for column in columns:
        data = Reference(
            sheet, min_col=column, max_col=column, min_row=FIRST_ROW - 1, max_row=last
        )
        chart.add_data(data, titles_from_data=True)
    names = Reference(sheet, min_col=1, max_col=1, min_row=FIRST_ROW, max_row=last)
    chart.set_categories(names)
    anchor = f"{get_column_letter(len(part.columns) + 2)}{FIRST_ROW}"
    sheet.add_chart(chart, anchor)


def special_report_xlsx(shown: Figures, exporter: str, now: datetime) -> bytes:
    """Return the tables of the special report of `shown` as .xlsx bytes."""
    area = f"{shown.area.region_label}·{shown.area.domain_label}"
    line = header_line(exporter, now, f"{area}；统计截至 {shown.as_of:%Y-%m-%d}")
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "概况"
    _titles(summary, line, ["项目", "数值"])
    for label, value in summary_pairs(shown):
        summary.append([label, value])
        if label.endswith("占比"):
            summary.cell(row=summary.max_row, column=2).number_format = PERCENT
    for part in report_tables(shown):
        _sheet(book, part, line)

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
