"""Registry columns: canonical names and the Chinese headers that map to them."""

import re

REQUIRED = ("uscc", "name", "scope")
OPTIONAL = (
    "region",
    "established",
    "registered_capital",
    "legal_rep",
    "address",
    "phone",
    "website",
    "status",
    # Older extracts split the scope in two: 一般经营项目 and 许可经营项目.
    "scope_more",
)
CANONICAL = REQUIRED + OPTIONAL

LABELS = {
    "uscc": "统一社会信用代码",
    "name": "企业名称",
    "scope": "经营范围",
    "region": "所属区划",
    "established": "成立日期",
    "registered_capital": "注册资本",
    "legal_rep": "法定代表人",
    "address": "住所",
    "phone": "联系电话",
    "website": "网址",
    "status": "登记状态",
    "scope_more": "许可经营项目",
}

# Headers seen in market-regulation extracts and third-party exports.
_ALIASES = {
    "uscc": [
        "统一社会信用代码",
        "社会信用代码",
        "信用代码",
        "统一代码",
        "credit_code",
        "creditcode",
        "unified_social_credit_code",
    ],
    "name": [
        "企业名称",
        "名称",
        "主体名称",
        "市场主体名称",
        "企业(机构)名称",
        "单位名称",
        "机构名称",
        "company_name",
    ],
    "scope": ["经营范围", "业务范围", "一般经营项目", "business_scope"],
    "scope_more": ["许可经营项目", "前置许可经营项目", "许可项目"],
    "region": [
        "所属区划",
        "行政区划",
        "区划代码",
        "行政区划代码",
        "所属行政区划",
        "所属地区",
        "region_code",
    ],
    "established": ["成立日期", "成立时间", "注册日期", "登记日期", "establish_date"],
    "registered_capital": ["注册资本", "注册资金", "注册资本(万元)", "capital"],
    "legal_rep": [
        "法定代表人",
        "法人代表",
        "负责人",
        "经营者",
        "法定代表人姓名",
        "legal_person",
    ],
    "address": ["住所", "地址", "注册地址", "经营场所", "企业地址", "住所地址"],
    "phone": ["联系电话", "电话", "企业电话", "tel", "telephone"],
    "website": ["网址", "网站", "网站网址", "企业网址", "url", "homepage"],
    "status": ["登记状态", "经营状态", "企业状态", "状态"],
}


def header_key(raw: str) -> str:
    """Return a header without BOM, spaces, case or bracket width."""
    text = raw.replace("\ufeff", "").strip().lower()
    text = text.replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", "", text)


_LOOKUP = {
    header_key(alias): canon for canon, names in _ALIASES.items() for alias in names
}
_LOOKUP.update({c: c for c in CANONICAL})


def _canonical(raw: str) -> str | None:
    """Return the column a header names, trying it whole, then without a
    trailing note in brackets (企业名称（字号）, 注册资本(万元)), then its
    first part before a slash (统一社会信用代码/注册号)."""
    key = header_key(raw)
    for candidate in (
        key,
        re.sub(r"\([^()]*\)$", "", key),
        key.split("/")[0],
    ):
        canon = _LOOKUP.get(candidate)
        if canon is not None:
            return canon
    return None


def map_header(headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """Return canonical column → position, and the headers that were not recognised.

    When two headers map to one column the first wins, as a person reading
    the sheet from the left would take it. A file with 许可经营项目 and no
    other scope column has its scope there.
    """
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, raw in enumerate(headers):
        canon = _canonical(raw)
        if canon is None:
            unknown.append(raw)
        elif canon not in positions:
            positions[canon] = index
    if "scope" not in positions and "scope_more" in positions:
        positions["scope"] = positions.pop("scope_more")
    return positions, unknown
