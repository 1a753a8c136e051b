"""The special report of a domain (专项报告, plan 四(二)4) as a Word document.

Title, scope and date; a summary paragraph with the key figures; then the
tables of `tables.py`, each followed by its chart where there is one (and,
when the charts had to be drawn with codes, the code legend). Page, fonts and
table style come from the dossier's `cases/word_format.py`; like the dossier,
every page carries the confidentiality mark and who exported it and when.
"""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from finsentry.cases.word_format import facts, mark_pages, set_up, table
from finsentry.stats import problems
from finsentry.stats.charts import Chart, report_charts
from finsentry.stats.figures import Figures
from finsentry.stats.tables import Cell, Table, percent, report_tables, summary_pairs

HEADER = "吉林省互联网金融风险专项整治 · 专项报告 · 内部资料 注意保密"
NUMERALS = "一二三四五六七八九十"
TEXT_WIDTH_MM = 156


def report_title(shown: Figures) -> str:
    """Return the report's title, e.g. "P2P 网络借贷风险专项整治专项报告"."""
    if shown.area.domain is None:
        return "互联网金融风险专项整治专项报告（全部领域）"
    return f"{shown.area.domain_label}风险专项整治专项报告"


def _text(value: Cell, is_ratio: bool) -> str:
    if is_ratio:
        return percent(value)
    if isinstance(value, int):
        return f"{value:,}"
    return "—" if value is None else str(value)


def _widths(columns: int) -> tuple[float, ...]:
    first = 56 if columns <= 4 else 40
    rest = (TEXT_WIDTH_MM - first) / (columns - 1)
    return (first, *([rest] * (columns - 1)))


def summary_text(shown: Figures) -> str:
    """Return the summary paragraph with the key figures."""
    total = shown.total
    area = shown.area
    where = f"{area.domain_label}领域" if area.domain else "各领域"
    text = (
        f"截至{shown.as_of:%Y年%m月%d日}，{area.region_label}{where}"
        f"共有监测企业{total.watched:,}户，其中问题企业{total.problems:,}户，"
        f"占{percent(total.ratio)}。"
    )
    places = shown.by_county if area.city else shown.by_city
    worst = max(places, key=lambda r: r.problems, default=None)
    if worst is not None and worst.problems:
        text += f"问题企业最多的是{worst.label}（{worst.problems:,}户）。"
    kinds = {s.code: s for s in shown.by_disposition}
    closed = next((s.cases for s in shown.by_state if s.code == "closed"), 0)
    text += (
        f"共立案处置{shown.cases:,}件，其中认定合规经营"
        f"{_cases(kinds, 'compliant')}件、限期整改{_cases(kinds, 'rectify')}件、"
        f"关闭取缔{_cases(kinds, 'shut_down')}件、"
        f"移送司法机关{_cases(kinds, 'refer')}件，已验收结案{closed:,}件。"
    )
    if shown.by_month:
        last = shown.by_month[-1]
        text += f"{last.month[:4]}年{int(last.month[5:])}月新增问题企业{last.new:,}户。"
    return text


def _cases(kinds: dict, code: str) -> str:
    stage = kinds.get(code)
    return f"{stage.cases:,}" if stage is not None else "0"


def special_report_docx(shown: Figures, exporter: str, now: datetime) -> bytes:
    """Return the special report of `shown` as .docx bytes, marked on every page
    with `exporter` (who, as staff read it) and `now`."""
    stamp = f"{now:%Y年%m月%d日 %H:%M}"
    charts = report_charts(shown)

    document = new_document()
    set_up(document)
    mark_pages(document, HEADER, f"导出人：{exporter}  导出时间：{stamp}")
    title = document.add_paragraph(report_title(shown), style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = document.add_paragraph(
        f"统计范围：{shown.area.region_label} · {shown.area.domain_label}　"
        f"统计截至：{shown.as_of:%Y年%m月%d日}"
    )
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(
        f"本报告由{exporter}于{stamp}自吉林省互联网金融风险监测平台生成，"
        "仅限工作使用，不得外传。"
    )

    document.add_heading("一、总体情况", level=1)
    document.add_paragraph(summary_text(shown))
    pairs = [
        (label, _text(value, label.endswith("占比")))
        for label, value in summary_pairs(shown)
    ]
    facts(document, pairs)
    for number, part in enumerate(report_tables(shown), start=1):
        _section(document, f"{NUMERALS[number]}、{part.title}", part, charts)
    document.add_heading(f"{NUMERALS[len(report_tables(shown)) + 1]}、统计口径", 1)
    for line in problems.DEFINITIONS:
        document.add_paragraph(line)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _section(
    document: DocxDocument, heading: str, part: Table, charts: dict[str, Chart]
) -> None:
    document.add_heading(heading, level=1)
    if not part.rows:
        document.add_paragraph("暂无数据。")
        return
    rows = [
        [_text(value, i == part.ratio_column) for i, value in enumerate(row)]
        for row in part.rows
    ]
    table(document, part.columns, rows, _widths(len(part.columns)))
    chart = charts.get(part.key)
    if chart is None:
        return
    document.add_picture(io.BytesIO(chart.png), width=Mm(TEXT_WIDTH_MM))
    caption = document.add_paragraph(chart.title)
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if chart.legend:
        document.add_paragraph("图中代码对应名称：")
        table(document, ["代码", "名称"], chart.legend, (40, 116))
