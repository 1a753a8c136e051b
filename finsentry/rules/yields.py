"""Yields as sites state them, turned into a simple annual percentage.

Sites write the same promise many ways: 年化收益率12%, 年化12%-14%, 月息2分,
月利率1.5%, 日息千分之一, 日利率0.05%, 万份收益1.2元, 七日年化3.5%, 15%的年化
回报, 2分利. Each figure found becomes a `Yield` with its offsets, the period
it was stated for, and its simple annual value (monthly × 12, daily × 365, no
compounding; plan 三(四) compares promised returns with the level of the
trade). A range keeps its low and high end; the comparison uses the high one.

The traditional units depend on the period: a year's 1分 is 10%, a month's 1%,
a day's 0.1%, and 厘 is a tenth of 分. A bare 2分利 is monthly, as said in
speech. A figure without a period (收益率12%) is taken as annual.

A figure in a clause about what a borrower pays (借款利率, 手续费, 罚息…,
`cost_words` of yield_benchmarks.yaml) has kind "cost": it is reported but is
no promise to investors, and the yield rules never compare it.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from importlib import resources

import hyperscan
import yaml

from finsentry.rules.scanner import CharMap, compile_database, fold, scan

_NUM = r"\d+(?:\.\d+)?"
_CNUM = r"[零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?"
_ANY_NUM = f"(?:{_NUM}|{_CNUM})"
_DASH = r"\s*(?:-|~|～|—|–|－|至|到)+\s*"

# Label first: 年化收益率12%, 月息2分, 万份收益1.2元, 日息千分之一.
_LABEL = (
    r"(?P<per>七日年化|年化|月化|日化|年|月|日|万份(?:基金单位)?)?"
    r"(?P<noun>收益率|收益|回报率|回报|利率|利息|分红率|分红)"
    r"|(?P<per2>年|月|日)(?P<noun3>息|利)"
    r"|(?P<bare>七日年化|年化|月化)"
)
_VALUE = (
    rf"(?P<lo>{_NUM})\s*%?{_DASH}(?P<hi>{_NUM})\s*(?:%|个点)"
    rf"|(?P<pct>{_NUM})\s*(?:%|个点)"
    rf"|(?P<frac>百分之|千分之|万分之)(?P<fv>{_ANY_NUM})"
    rf"|(?P<fen>{_ANY_NUM})\s*分(?:(?P<li>{_ANY_NUM})厘?)?(?![之钟])"
    rf"|(?P<lionly>{_ANY_NUM})\s*厘"
    rf"|(?P<yuan>{_NUM})\s*元"
)
_LABEL_FIRST = re.compile(rf"(?:{_LABEL})[^\d。！？!?；;%]{{0,14}}?(?:{_VALUE})")
# Figure first: 15%的年化回报, 高达18%的收益, 2分利.
_FIGURE_FIRST = re.compile(
    rf"(?:(?P<lo>{_NUM})\s*%?{_DASH})?(?P<pct>{_NUM})\s*%\s*(?:的)?\s*(?:预期|历史)?"
    r"(?P<per>年化|月化|日化|年|月|日)?(?P<noun>收益率|收益|回报率|回报|利率|利息|分红)"
    rf"|(?P<fen>{_ANY_NUM})分(?P<noun2>利|息)(?!率)"
)
# Per ten thousand yuan: 存一万元年息一千五, 1万元一年收益1800元.
_PER_WAN = re.compile(
    r"(?:一万|1万|10000|壹万)元?[^\d。！？!?；;\n]{0,8}?"
    r"(?P<noun>年息|年收益|年利息|月息|月收益|月利息|收益|利息|回报)"
    r"[^\d。！？!?；;\n]{0,3}?(?P<amount>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)元?"
)
_CLAUSE_ENDS = "，,；;。！？!?\n"
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_PER_YEAR = {"year": 1.0, "month": 12.0, "day": 365.0}
# What 1分 means for each period (厘 is a tenth of it).
_FEN = {"year": 10.0, "month": 1.0, "day": 0.1}
Span = tuple[int, int]


@dataclass(frozen=True)
class Yield:
    """One yield figure on a page, as written and as a simple annual percentage.

    `low` and `high` are percent per `period` (year, month or day; equal
    unless a range); `annual_low` and `annual_high` are per year. `kind` is
    "return" for a promise to investors and "cost" for a borrower's cost.
    """

    start: int
    end: int
    text: str
    period: str
    low: float
    high: float
    annual_low: float
    annual_high: float
    kind: str

    def as_dict(self) -> dict[str, object]:
        """Return the yield as plain JSON-ready data."""
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "period": self.period,
            "low": self.low,
            "high": self.high,
            "annual_low": self.annual_low,
            "annual_high": self.annual_high,
            "kind": self.kind,
        }


@dataclass(frozen=True)
class YieldConfig:
    """Benchmarks (percent a year) per page domain, the fallback, the cost words."""

    version: str
    benchmarks: dict[str, float]
    fallback: str
    cost_words: tuple[str, ...]
    aliases: dict[str, str]
    not_yield_after: tuple[str, ...]
    not_yield_inside: tuple[str, ...]

    def candidates(self) -> tuple[str, ...]:
        """Return the page domains whose benchmark a page can take, in order."""
        own = tuple(b for b in self.benchmarks if b != self.fallback)
        return own + tuple(self.aliases)

    def benchmark(self, domain: str) -> float:
        """Return the benchmark yield of a page domain, through its alias if any."""
        return self.benchmarks[self.aliases.get(domain, domain)]


@functools.cache
def yield_config() -> YieldConfig:
    """Return the packaged yield benchmarks, parsed once per process."""
    ref = resources.files("finsentry.rules").joinpath("data/yield_benchmarks.yaml")
    raw = yaml.safe_load(ref.read_text(encoding="utf-8"))
    benchmarks = {str(k): float(v) for k, v in raw["benchmarks"].items()}
    return YieldConfig(
        version=str(raw["version"]),
        benchmarks=benchmarks,
        fallback=str(raw["fallback"]),
        cost_words=tuple(str(w) for w in raw["cost_words"]),
        aliases={str(k): str(v) for k, v in (raw.get("aliases") or {}).items()},
        not_yield_after=tuple(str(w) for w in raw.get("not_yield_after") or ()),
        not_yield_inside=tuple(str(w) for w in raw.get("not_yield_inside") or ()),
    )


_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def chinese_number(s: str) -> float:
    """Return the value of a number in digits or Chinese (十二, 一点五, 一千五)."""
    if re.fullmatch(_NUM, s):
        return float(s)
    whole, _, frac = s.partition("点")
    value = 0
    current = 0
    last_unit = 0
    for ch in whole:
        if ch in _UNITS:
            last_unit = _UNITS[ch]
            value += (current or 1) * last_unit
            current = 0
        else:
            current = _DIGITS[ch]
    if current and last_unit >= 100 and len(whole) > 1 and whole[-2] in _UNITS:
        # 一千五 is 1500 and 两万三 23000: a trailing digit counts in the
        # next smaller unit, as in speech.
        current *= last_unit // 10
    value += current
    decimals = "".join(str(_DIGITS[ch]) for ch in frac)
    return float(f"{value}.{decimals}") if decimals else float(value)


def _period(per: str | None, noun: str | None) -> str:
    """Return year, month, day or per10k for a label's period and noun."""
    if per and per.startswith("万份"):
        return "per10k"
    if per in ("月", "月化"):
        return "month"
    if per in ("日", "日化"):
        return "day"
    if per is None and noun in ("息", "利"):
        return "month"  # 利息2分, 2分利: monthly in speech
    return "year"


_INTEREST = ("息", "利", "利率", "利息")


def _percents(
    match: re.Match[str], period: str, noun: str
) -> tuple[float, float] | None:
    """Return the (low, high) percent per period a match states, or None."""
    groups = match.groupdict()
    if groups.get("hi"):
        return float(groups["lo"]), float(groups["hi"])
    if groups.get("pct"):
        high = float(groups["pct"])
        low = float(groups["lo"]) if groups.get("lo") else high
        return low, high
    if groups.get("frac"):
        scale = {"百分之": 1.0, "千分之": 0.1, "万分之": 0.01}[groups["frac"]]
        value = chinese_number(groups["fv"]) * scale
        return value, value
    if noun not in _INTEREST or period not in _FEN:
        # 分 and 厘 are units of interest; 收益十分可观 is no figure.
        return _per10k(groups, period)
    fen = groups.get("fen")
    if fen is not None and (fen != "十" or groups.get("li")):
        tenths = chinese_number(groups["li"]) / 10 if groups.get("li") else 0.0
        value = (chinese_number(fen) + tenths) * _FEN[period]
        return value, value
    if groups.get("lionly"):
        value = chinese_number(groups["lionly"]) * _FEN[period] / 10
        return value, value
    return None


def _per10k(groups: dict[str, str | None], period: str) -> tuple[float, float] | None:
    """Return the yuan per 10,000 a day of a 万份收益 figure, or None."""
    yuan = groups.get("yuan")
    if yuan and period == "per10k":
        return float(yuan), float(yuan)
    return None


def _not_a_rate(text: str, match: re.Match[str], cfg: YieldConfig) -> bool:
    """Return True when a figure is a share or a change, not a rate of return."""
    # 100%本息保障, 由风险准备金100%兜底: a share covered; 收益同比增长12%,
    # 分红实现率130%: a change or a ratio of the label, not the label itself.
    following = text[match.end() : match.end() + 4]
    if any(following.startswith(w) for w in cfg.not_yield_after):
        return True
    inside = match.group()
    return any(w in inside for w in cfg.not_yield_inside)


def _annual(value: float, period: str) -> float:
    """Return a percent per `period` (or yuan per 10,000 a day) as percent a year."""
    if period == "per10k":
        return round(value / 10000 * 100 * 365, 4)
    return round(value * _PER_YEAR[period], 4)


def _kind(text: str, start: int, end: int, cost_words: tuple[str, ...]) -> str:
    """Return "cost" when the figure's clause speaks of a borrower's cost."""
    low = max(0, start - 40)
    high = min(len(text), end + 20)
    for ch in _CLAUSE_ENDS:
        i = text.rfind(ch, low, start)
        if i != -1:
            low = i + 1
        j = text.find(ch, end, high)
        if j != -1:
            high = j
    clause = text[low:high]
    return "cost" if any(w in clause for w in cost_words) else "return"


# Every figure holds one of these words: a label-first figure starts within
# a few characters of one, a figure-first one ends with one.
_TRIGGERS: tuple[str, ...] = (
    "收益",
    "回报",
    "利率",
    "利息",
    "年化",
    "月化",
    "日化",
    "年息",
    "月息",
    "日息",
)
_TRIGGERS += ("年利", "月利", "日利", "万份", "分利", "分息", "分红")
_REACH_BACK = 30
_REACH_ON = 40
_FIGURE_CHARS = frozenset("0123456789.%-~ ")
_PATTERNS = (_LABEL_FIRST, _FIGURE_FIRST, _PER_WAN)
_local = threading.local()


@functools.cache
def _database() -> hyperscan.Database | None:
    """Return the hyperscan database of the trigger words."""
    return compile_database([re.escape(t) for t in _TRIGGERS])


def _windows(folded: str, data: bytes | None, chars: CharMap | None) -> list[Span]:
    """Return merged character windows around trigger words, where figures can be."""
    # hyperscan finds the triggers in C; Python's re then parses only these
    # windows instead of trying every position of the page.
    if not hasattr(_local, "scratch"):
        _local.scratch = hyperscan.Scratch(_database())
    raw = data if data is not None else folded.encode("utf-8")
    found = scan(_database(), raw, _local.scratch)
    if not found:
        return []
    mapper = chars or CharMap(raw, len(raw) == len(folded))
    positions = sorted(mapper.chars([start for _, start, _ in found]))
    windows: list[Span] = []
    for pos in positions:
        low = max(0, pos - _REACH_BACK)
        high = min(len(folded), pos + _REACH_ON)
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], high)
        else:
            windows.append((low, high))
    return [_widen(folded, low, high) for low, high in windows]


def _widen(folded: str, low: int, high: int) -> Span:
    """Return a window moved outward so that it cuts no figure in two."""
    while low > 0 and folded[low - 1] in _FIGURE_CHARS:
        low -= 1
    while high < len(folded) and folded[high] in _FIGURE_CHARS:
        high += 1
    return low, high


def extract_yields(
    text: str,
    config: YieldConfig | None = None,
    *,
    folded: str | None = None,
    data: bytes | None = None,
    chars: CharMap | None = None,
) -> list[Yield]:
    """Return every yield figure in `text`, in order, overlapping figures merged.

    `folded`, `data` and `chars` let the engine hand over the folded text, its
    UTF-8 bytes and their character map, which it has already built.
    """
    cfg = config or yield_config()
    folded = fold(text) if folded is None else folded
    found: list[Yield] = []
    taken: list[Span] = []
    windows = _windows(folded, data, chars)
    # Label-first figures (年化收益率12%) win over figure-first ones.
    for pattern in _PATTERNS:
        for low, high in windows:
            for match in pattern.finditer(folded, low, high):
                start, end = match.span()
                if any(s < end and start < e for s, e in taken):
                    continue
                figure = _figure(text, match, cfg)
                if figure is not None:
                    found.append(figure)
                    taken.append((start, end))
    return sorted(found, key=lambda y: y.start)


def _figure(text: str, match: re.Match[str], cfg: YieldConfig) -> Yield | None:
    """Return the Yield a regex match states, or None when it states no figure."""
    groups = match.groupdict()
    noun = groups.get("noun") or groups.get("noun2") or groups.get("noun3") or ""
    if _not_a_rate(text, match, cfg):
        return None
    if groups.get("amount"):
        # Yuan earned on 10,000 yuan: a hundredth of it is the percent.
        period = "month" if noun.startswith("月") else "year"
        value = round(chinese_number(groups["amount"]) / 100, 4)
        stated: tuple[float, float] | None = (value, value)
    else:
        per = groups.get("per") or groups.get("per2")
        period = "year" if groups.get("bare") else _period(per, noun)
        stated = _percents(match, period, noun)
    if stated is None:
        return None
    low, high = stated
    if period == "per10k":
        # Yuan per 10,000 a day is a hundredth of a percent a day.
        per_day = (round(low / 100, 6), round(high / 100, 6))
        low_out, high_out, period_out = per_day[0], per_day[1], "day"
    else:
        low_out, high_out, period_out = low, high, period
    start, end = match.span()
    return Yield(
        start=start,
        end=end,
        text=text[start:end],
        period=period_out,
        low=low_out,
        high=high_out,
        annual_low=_annual(low, period),
        annual_high=_annual(high, period),
        kind=_kind(text, start, end, cfg.cost_words),
    )
