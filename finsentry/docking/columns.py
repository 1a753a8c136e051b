"""Columns of a platform's monthly operating report (网站对接) and their headers.

One row is one platform and one month. Amounts are in 万元, shares and yields
in percent, terms in months, fill times in minutes (issue 5).
"""

from finsentry.registry.columns import header_key

KEYS = ("platform", "month")
MEASURES = (
    "volume",
    "balance",
    "lenders",
    "borrowers",
    "avg_yield",
    "avg_term",
    "avg_lend_amount",
    "avg_borrow_amount",
    "fill_minutes",
    "net_inflow_30d",
    "top10_lender_share",
    "top10_borrower_share",
)
OPTIONAL_MEASURES = ("loan_count", "overdue_amount")
NUMERIC = MEASURES + OPTIONAL_MEASURES
REQUIRED = KEYS + MEASURES
OPTIONAL = (*OPTIONAL_MEASURES, "custody_bank")
CANONICAL = REQUIRED + OPTIONAL
INTEGERS = frozenset(("lenders", "borrowers", "loan_count"))

LABELS = {
    "platform": "平台（统一社会信用代码或平台编号）",
    "month": "月份",
    "volume": "当月成交额（万元）",
    "balance": "月末借贷余额（万元）",
    "lenders": "活跃出借人数",
    "borrowers": "活跃借款人数",
    "avg_yield": "平均年化收益率（%）",
    "avg_term": "平均借款期限（月）",
    "avg_lend_amount": "人均出借金额（万元）",
    "avg_borrow_amount": "人均借款金额（万元）",
    "fill_minutes": "平均满标时间（分钟）",
    "net_inflow_30d": "近30日资金净流入（万元）",
    "top10_lender_share": "前十大出借人待收占比（%）",
    "top10_borrower_share": "前十大借款人待还占比（%）",
    "loan_count": "借款笔数",
    "overdue_amount": "逾期金额（万元）",
    "custody_bank": "资金存管银行",
}

# Allowed ranges, inclusive; None is open. A yield above 100 % a year or a
# share above 100 % is a typing slip, not a platform's offer.
RANGES: dict[str, tuple[float | None, float | None]] = {
    "volume": (0, None),
    "balance": (0, None),
    "lenders": (0, None),
    "borrowers": (0, None),
    "avg_yield": (0, 100),
    "avg_term": (0.03, 600),
    "avg_lend_amount": (0, None),
    "avg_borrow_amount": (0, None),
    "fill_minutes": (0, None),
    "net_inflow_30d": (None, None),
    "top10_lender_share": (0, 100),
    "top10_borrower_share": (0, 100),
    "loan_count": (0, None),
    "overdue_amount": (0, None),
}

_ALIASES = {
    "platform": [
        "平台",
        "平台编号",
        "平台代码",
        "统一社会信用代码",
        "信用代码",
        "uscc",
    ],
    "month": ["月份", "报送月份", "统计月份", "period"],
    "volume": ["成交额", "当月成交额", "成交量", "借贷金额"],
    "balance": ["借贷余额", "贷款余额", "待还余额", "月末余额"],
    "lenders": ["出借人数", "活跃出借人数", "投资人数"],
    "borrowers": ["借款人数", "活跃借款人数"],
    "avg_yield": ["平均收益率", "平均年化收益率", "综合收益率", "年化收益率"],
    "avg_term": ["平均借款期限", "平均期限", "借款期限"],
    "avg_lend_amount": ["人均出借金额", "人均投资金额"],
    "avg_borrow_amount": ["人均借款金额"],
    "fill_minutes": ["平均满标时间", "满标时间", "满标用时"],
    "net_inflow_30d": ["近30日资金净流入", "资金净流入", "净流入"],
    "top10_lender_share": ["前十大出借人待收占比", "前十大出借人占比"],
    "top10_borrower_share": ["前十大借款人待还占比", "前十大借款人占比"],
    "loan_count": ["借款笔数", "成交笔数"],
    "overdue_amount": ["逾期金额", "逾期余额"],
    "custody_bank": ["存管银行", "资金存管银行", "存管机构"],
}
_LOOKUP = {header_key(a): canon for canon, names in _ALIASES.items() for a in names}
_LOOKUP.update({header_key(c): c for c in CANONICAL})


def map_header(headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """Return canonical column → position and the headers that were not recognised."""
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, raw in enumerate(headers):
        canon = _LOOKUP.get(header_key(raw))
        if canon is None:
            unknown.append(raw)
        elif canon not in positions:
            positions[canon] = index
    return positions, unknown


def missing_columns(positions: dict[str, int]) -> list[str]:
    """Return the required columns a header lacks, in canonical order."""
    return [c for c in REQUIRED if c not in positions]
