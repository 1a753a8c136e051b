"""Excel workbooks of long lists, written row by row in openpyxl's write-only mode.

Write-only mode keeps one row in memory at a time and spools each sheet to a
temporary file, so a list of millions of firms exports in constant memory. An
.xlsx sheet holds at most 1,048,576 rows (ECMA-376 / Excel limits); every
sheet repeats the header line (who exported, when, which filters) and the
column titles, so a longer list continues on sheets "2", "3", ... each of
which can be read on its own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

log = logging.getLogger(__name__)

EXCEL_MAX_ROWS = 1_048_576
HEADER_ROWS = 2
ROWS_PER_SHEET = EXCEL_MAX_ROWS - HEADER_ROWS
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def header_line(user: str, when: datetime, filters: str) -> str:
    """Return the line naming who exported the list, when, and with what filters."""
    return f"导出人：{user}　导出时间：{when:%Y-%m-%d %H:%M:%S}　筛选条件：{filters}"


def _start_sheet(
    book: Workbook, title: str, line: str, columns: Sequence[str]
) -> WriteOnlyWorksheet:
    """Return a new sheet that already holds the header line and column titles."""
    sheet = book.create_sheet(title=title)
    bold = Font(bold=True)
    note = WriteOnlyCell(sheet, value=line)
    note.font = bold
    sheet.append([note])
    titles = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = bold
        titles.append(cell)
    sheet.append(titles)
    return sheet


def write_list(
    out: IO[bytes],
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    line: str,
    rows_per_sheet: int = ROWS_PER_SHEET,
) -> int:
    """Write `rows` as .xlsx to `out`, a new sheet per `rows_per_sheet`; return rows."""
    book = Workbook(write_only=True)
    sheet_no = 1
    sheet = _start_sheet(book, title, line, columns)
    on_sheet = 0
    written = 0
    for row in rows:
        if on_sheet == rows_per_sheet:
            sheet_no += 1
            sheet = _start_sheet(book, f"{title}{sheet_no}", line, columns)
            on_sheet = 0
        sheet.append(list(row))
        on_sheet += 1
        written += 1

    book.save(out)
    log.info("excel list written rows=%d sheets=%d", written, sheet_no)
    return written
