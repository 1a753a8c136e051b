"""Page, fonts and building blocks of finsentry's Word documents (python-docx).

Chinese text needs its East Asian font named on every style: Word picks the
font of a Han character from `w:eastAsia`, not from the Latin name python-docx
sets, and the default template's theme fonts would otherwise win. Titles and
headings are in 黑体, body text in 宋体, Latin text and digits in Times New
Roman; the page follows GB/T 9704-2012 (A4, margins 37/35/28/26 mm). Fonts
are named, not embedded: every Chinese Windows and WPS install has these.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
BLACK = RGBColor(0, 0, 0)
# 五号 and 小四, the sizes Chinese office documents use for tables and text.
TABLE_SIZE = Pt(10.5)
BODY_SIZE = Pt(12)


def set_fonts(style: BaseStyle, east_asian: str, size: Pt | None = None) -> None:
    """Name the Latin and East Asian fonts of a style, dropping theme fonts."""
    font = style.font  # type: ignore[attr-defined]
    font.name = LATIN_FONT
    font.color.rgb = BLACK
    if size is not None:
        font.size = size
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def set_up(document: DocxDocument) -> None:
    """Give a new document the A4 page and the Chinese fonts of every style used."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = section.footer_distance = Mm(15)

    styles = document.styles
    set_fonts(styles["Normal"], BODY_FONT, BODY_SIZE)
    styles["Normal"].paragraph_format.line_spacing = 1.25  # type: ignore[attr-defined]
    set_fonts(styles["Title"], HEADING_FONT, Pt(22))
    for level, size in ((1, Pt(16)), (2, Pt(14)), (3, Pt(12))):
        set_fonts(styles[f"Heading {level}"], HEADING_FONT, size)
    for name in ("Table Grid", "Header", "Footer"):
        set_fonts(styles[name], BODY_FONT, TABLE_SIZE)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """Append a Word field (PAGE, NUMPAGES) that Word fills in when it lays out."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, code, separate, shown, end):
        run._r.append(element)


def mark_pages(document: DocxDocument, header: str, footer: str) -> None:
    """Put `header` at the top and `footer` with page numbers at the foot of
    every page, so that a printed page always shows who exported it and when."""
    for section in document.sections:
        section.different_first_page_header_footer = False
        top = section.header.paragraphs[0]
        top.text = header
        top.alignment = WD_ALIGN_PARAGRAPH.CENTER
        bottom = section.footer.paragraphs[0]
        bottom.text = f"{footer}    第 "
        _field(bottom, "PAGE")
        bottom.add_run(" 页 / 共 ")
        _field(bottom, "NUMPAGES")
        bottom.add_run(" 页")
        bottom.alignment = WD_ALIGN_PARAGRAPH.CENTER


def table(
    document: DocxDocument,
    header: Sequence[str] | None,
    rows: Sequence[Sequence[str]],
    widths: Sequence[float] | None = None,
) -> Table:
    """Add a bordered table (with a bold header row repeated on every page, when
    given) whose columns are `widths` millimetres wide, and return it."""
    columns = len(header) if header is not None else len(rows[0])
    grid = document.add_table(rows=0, cols=columns)
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    if header is not None:
        head = grid.add_row()
        _repeat_header(head._tr)
        for cell, text in zip(head.cells, header, strict=True):
            cell.paragraphs[0].add_run(text).bold = True
            _shade(cell)
    for values in rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    if widths:
        # Word reads the cell widths, LibreOffice and WPS the grid's columns.
        grid.autofit = False
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = Mm(width)
        for row in grid.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Mm(width)
    return grid


def _repeat_header(tr: Any) -> None:
    properties = tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)


def _shade(cell: Any) -> None:
    """Give a header or label cell a light grey background."""
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), "EEF0F3")
    cell._tc.get_or_add_tcPr().append(shading)


def facts(document: DocxDocument, pairs: Sequence[tuple[str, str]]) -> Table:
    """Add a two-column table of labelled facts (登记信息 and the like)."""
    grid = table(document, None, pairs, widths=(38, 118))
    for row in grid.rows:
        label = row.cells[0]
        _shade(label)
        for run in label.paragraphs[0].runs:
            run.bold = True
    return grid
