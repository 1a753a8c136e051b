"""PNG charts of the special report, drawn with matplotlib's Agg renderer.

Chinese labels need a CJK font. `cjk_font` looks for one of the usual
families (Debian's fonts-wqy-microhei, Noto Sans CJK, Source Han Sans,
SimHei) among matplotlib's fonts and at their Debian paths. Without one a
chart would print empty boxes for every Han character, so it is labelled with
codes instead ("2201", "rectifying") and returns the code → name legend,
which the report prints as a table under the chart.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from finsentry.stats.figures import Figures, Month, Ratio, Stage

log = logging.getLogger(__name__)

CJK_FAMILIES = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "SimHei",
    "Microsoft YaHei",
)
# Where Debian's packages put them, for fonts installed after matplotlib
# built its font cache.
CJK_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
BLUE = "#1a4f8b"
RED = "#a61b1b"
WIDTH_IN, HEIGHT_IN, DPI = 6.3, 3.2, 150
MAX_MONTH_TICKS = 18


@functools.cache
def cjk_font() -> str | None:
    """Return the name of a CJK font matplotlib can use, or None."""
    for path in CJK_FILES:
        if Path(path).exists():
            font_manager.fontManager.addfont(path)
    known = {f.name for f in font_manager.fontManager.ttflist}
    found = next((name for name in CJK_FAMILIES if name in known), None)
    if found is None:
        # TODO: install fonts-wqy-microhei so charts carry Chinese labels.
        log.warning("no CJK font found, charts are labelled with codes")
    return found


@dataclass(frozen=True)
class Chart:
    """One chart: its title, its PNG bytes and, when drawn with codes, the
    legend of codes and Chinese names."""

    title: str
    png: bytes
    legend: list[tuple[str, str]] = field(default_factory=list)


def _labels(
    pairs: Sequence[tuple[str, str]], font: str | None
) -> tuple[list[str], list[tuple[str, str]]]:
    """Return the tick labels to draw and the legend the report must print."""
    if font is not None:
        return [name for _, name in pairs], []
    codes = [code or "other" for code, _ in pairs]
    return codes, [(code or "other", name) for code, name in pairs]


def _figure() -> tuple[Figure, Axes]:
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def ratio_bars(title: str, rows: Sequence[Ratio], font: str | None) -> Chart:
    """Return grouped bars of watched and problem firms per row (city, domain)."""
    ticks, legend = _labels([(r.code, r.label) for r in rows], font)
    figure, axes = _figure()
    positions = range(len(rows))
    axes.bar([p - 0.2 for p in positions], [r.watched for r in rows], 0.4, color=BLUE)
    axes.bar([p + 0.2 for p in positions], [r.problems for r in rows], 0.4, color=RED)
    axes.set_xticks(list(positions), ticks, rotation=30, ha="right", fontfamily=font)
    axes.legend(
        ["监测企业", "问题企业"] if font else ["watched", "problem"],
        prop={"family": font} if font else None,
    )
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return Chart(title, _png(figure), legend)


def stage_bars(title: str, rows: Sequence[Stage], font: str | None) -> Chart:
    """Return horizontal bars of cases per stage."""
    ticks, legend = _labels([(r.code, r.label) for r in rows], font)
    figure, axes = _figure()
    positions = list(range(len(rows)))[::-1]  # the first stage on top
    axes.barh(positions, [r.cases for r in rows], color=BLUE)
    axes.set_yticks(positions, ticks, fontfamily=font)
    axes.set_xlabel("案件数" if font else "cases", fontfamily=font)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    return Chart(title, _png(figure), legend)


def month_lines(title: str, rows: Sequence[Month], font: str | None) -> Chart:
    """Return new problem firms per month as bars and the cumulative count as a line."""
    figure, axes = _figure()
    # Positions, not the "YYYY-MM" strings, which matplotlib would read as dates.
    positions = list(range(len(rows)))
    axes.bar(positions, [m.new for m in rows], color=RED)
    axes.plot(positions, [m.cumulative for m in rows], color=BLUE, marker="o")
    step = max(1, -(-len(rows) // MAX_MONTH_TICKS))
    axes.set_xticks(positions[::step], [m.month for m in rows][::step])
    axes.legend(
        ["累计", "当月新增"] if font else ["cumulative", "new"],
        prop={"family": font} if font else None,
    )
    axes.tick_params(axis="x", labelrotation=45)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return Chart(title, _png(figure))


def report_charts(shown: Figures) -> dict[str, Chart]:
    """Return the report's charts keyed by the table they illustrate."""
    font = cjk_font()
    charts = {
        "city": ratio_bars("按市（州）统计图", shown.by_city, font),
        "state": stage_bars("按办理阶段统计图", shown.by_state, font),
    }
    if shown.area.domain is None:
        charts["domain"] = ratio_bars("按领域统计图", shown.by_domain, font)
    if shown.by_month:
        charts["month"] = month_lines("问题企业按月变化图", shown.by_month, font)
    return charts
