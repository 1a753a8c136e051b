"""The tables of the special report, once, for the Word report and the workbook.

Cells hold raw values (counts as int, ratios as float or None); each format
writes them its own way: Word as text with a percent sign, Excel as numbers
with a percent format, so that the figures can be summed and charted again.
"""

from __future__ import annotations

from dataclasses import dataclass

from finsentry.stats.figures import Figures, Ratio, Stage

Cell = str | int | float | None

RATIO_COLUMNS = ["监测企业（户）", "问题企业（户）", "问题企业占比"]
STAGE_COLUMNS = ["案件数（件）", "涉及企业（户）"]


@dataclass(frozen=True)
class Table:
    """One table: a key ("city"), its title, column titles and rows.

    `ratio_column` is the index of the column holding ratios (None: none).
    """

    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    ratio_column: int | None = None


def _ratios(rows: list[Ratio]) -> list[list[Cell]]:
    return [[r.label, r.watched, r.problems, r.ratio] for r in rows]


def _stages(rows: list[Stage]) -> list[list[Cell]]:
    return [[s.label, s.cases, s.firms] for s in rows]


def summary_pairs(shown: Figures) -> list[tuple[str, Cell]]:
    """Return the headline figures as (label, value) pairs."""
    total = shown.total
    return [
        ("统计领域", shown.area.domain_label),
        ("统计地区", shown.area.region_label),
        ("统计截至", f"{shown.as_of:%Y-%m-%d}"),
        ("监测企业（户）", total.watched),
        ("问题企业（户）", total.problems),
        ("问题企业占比", total.ratio),
        ("处置案件（件）", shown.cases),
    ]


def report_tables(shown: Figures) -> list[Table]:
    """Return the report's tables in the order the report prints them."""
    tables = [
        Table(
            "city",
            "按市（州）统计",
            ["市（州）", *RATIO_COLUMNS],
            _ratios(shown.by_city),
            3,
        ),
        Table(
            "county",
            "按县（市、区）统计",
            ["县（市、区）", *RATIO_COLUMNS],
            _ratios(shown.by_county),
            3,
        ),
    ]
    if shown.area.domain is None:
        rows = _ratios(shown.by_domain)
        tables.append(Table("domain", "按领域统计", ["领域", *RATIO_COLUMNS], rows, 3))
    tables += [
        Table(
            "state",
            "按办理阶段统计",
            ["办理阶段", *STAGE_COLUMNS],
            _stages(shown.by_state),
        ),
        Table(
            "disposition",
            "按处置类型统计",
            ["处置类型", *STAGE_COLUMNS],
            _stages(shown.by_disposition),
        ),
        Table(
            "month",
            "问题企业按月变化",
            ["月份", "当月新增（户）", "累计（户）"],
            [[m.month, m.new, m.cumulative] for m in shown.by_month],
        ),
    ]
    if shown.top_firms:
        rows = [
            [f.name, f.uscc, f.place, f.score, f.level, "是" if f.problem else "否"]
            for f in shown.top_firms
        ]
        columns = [
            "企业名称",
            "统一社会信用代码",
            "所在地区",
            "风险分",
            "风险等级",
            "问题企业",
        ]
        tables.append(Table("top", "风险评分最高的企业", columns, rows))
    return tables


def percent(value: Cell) -> str:
    """Return a ratio as text with one decimal, e.g. "12.5%", or — for none."""
    return "—" if not isinstance(value, float) else f"{value * 100:.1f}%"
