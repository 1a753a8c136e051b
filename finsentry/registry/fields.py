"""Parsers for the optional columns of registry rows.

Each parser takes the raw cell text and returns a clean value, or raises
`FieldError` with a Chinese reason; the importer adds file, line and column.
Importers call them on unique values only, so they are pure and keep their
patterns compiled at import time.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit


class FieldError(ValueError):
    """A registry cell that cannot be read; the message is a Chinese reason."""


# ---- dates ----------------------------------------------------------------

_EARLIEST = dt.date(1900, 1, 1)
# Excel's day 0 is 1899-12-30 once its fictitious 1900-02-29 is allowed for.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?(?:\s.*)?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
# Five digits only: serials 10000-99999 are 1927-2173, while "2016" alone is
# a year with no month and must not pass as a 1905 date.
_EXCEL_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")


# Cells that registry exports fill in when there is nothing to say.
_PLACEHOLDERS = frozenset(
    {"-", "--", "—", "/", "无", "暂无", "不详", "null", "none", "n/a"}
)


def _fold(s: str | None) -> str:
    """Return `s` with full-width forms folded to ASCII and edges stripped, or
    "" for an empty cell or a placeholder such as "无" or "-"."""
    text = unicodedata.normalize("NFKC", s or "").strip()
    return "" if text.lower() in _PLACEHOLDERS else text


def _read_date(text: str) -> dt.date:
    """Return the date written in a non-empty folded cell, before any
    plausibility check."""
    if _EXCEL_SERIAL.fullmatch(text):
        return _EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise FieldError(f"日期不存在：{text}") from None
    raise FieldError(f"无法识别的日期：{text}")


def parse_date(s: str | None, today: dt.date | None = None) -> dt.date | None:
    """Return the date in a cell written any common way (2016-05-03, 2016/5/3,
    20160503, 2016年5月3日, 2016.05.03, Excel serial, with or without a time),
    None for an empty cell."""
    text = _fold(s)
    if not text:
        return None
    today = today or dt.date.today()

    value = _read_date(text)
    if value < _EARLIEST or value > today:
        raise FieldError(f"日期不合理（早于1900年或晚于今天）：{text}")
    return value


# ---- registered capital ---------------------------------------------------


@dataclass(frozen=True)
class Capital:
    """Registered capital in 万 (ten thousand) units of `currency` (ISO 4217)."""

    amount_wan: Decimal
    currency: str
    raw: str


# Longest names first so that 港元 is not read as 元 (CNY).
_CURRENCY_WORDS = (
    ("人民币", "CNY"),
    ("美元", "USD"),
    ("美金", "USD"),
    ("港元", "HKD"),
    ("港币", "HKD"),
    ("欧元", "EUR"),
    ("日元", "JPY"),
    ("英镑", "GBP"),
    ("澳元", "AUD"),
    ("加元", "CAD"),
    ("新加坡元", "SGD"),
    ("新台币", "TWD"),
    ("韩元", "KRW"),
    ("瑞士法郎", "CHF"),
)
_ISO_CODES = frozenset(code for _word, code in _CURRENCY_WORDS) | {"RMB"}
_CAPITAL_JUNK = re.compile(r"[\s,()（）]")
_AMOUNT = re.compile(r"(-?\d+(?:\.\d+)?)\s*(亿|万)?\s*元?")
_DIGITS = {ch: i for i, ch in enumerate("零壹贰叁肆伍陆柒捌玖")} | {
    ch: i for i, ch in enumerate("〇一二三四五六七八九")
}
_DIGITS["两"] = 2
_SMALL_UNITS = {"拾": 10, "十": 10, "佰": 100, "百": 100, "仟": 1000, "千": 1000}


def _chinese_number(text: str) -> int:
    """Return the integer written in Chinese numerals, e.g. 壹佰万 -> 1000000."""
    if not any(ch in _DIGITS or ch in _SMALL_UNITS for ch in text):
        raise FieldError(f"无法识别的中文数字：{text}")
    # above_yi: the part already scaled by 亿; wan: the part scaled by 万.
    above_yi = wan = section = digit = 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (digit or 1) * _SMALL_UNITS[ch]
            digit = 0
        elif ch == "万":
            wan = (section + digit) * 10_000
            section = digit = 0
        elif ch == "亿":
            above_yi = (above_yi + wan + section + digit) * 100_000_000
            wan = section = digit = 0
        else:
            raise FieldError(f"无法识别的中文数字：{text}")
    return above_yi + wan + section + digit


def _split_currency(text: str) -> tuple[str, str]:
    """Return the text without its currency word and the ISO currency code."""
    upper = text.upper()
    for code in _ISO_CODES:
        if code in upper:
            iso = "CNY" if code == "RMB" else code
            return upper.replace(code, ""), iso
    for word, iso in _CURRENCY_WORDS:
        if word in text:
            return text.replace(word, ""), iso
    return text, "CNY"


def parse_capital(s: str | None) -> Capital | None:
    """Return the registered capital in a cell such as "100万元人民币",
    "100万美元", "1000000元", "100(万元)", "壹佰万元" or a bare number (read as
    万元 CNY), None for an empty cell."""
    raw = s or ""
    # 整 closes an amount written out in full (伍仟万元整): it adds nothing.
    text = _CAPITAL_JUNK.sub("", _fold(raw)).removesuffix("整")
    if not text:
        return None
    body, currency = _split_currency(text)

    match = _AMOUNT.fullmatch(body)
    if match:
        number, unit = Decimal(match.group(1)), match.group(2)
    else:
        chinese = body.removesuffix("元")
        if not chinese:
            raise FieldError(f"无法识别的注册资本：{raw.strip()}")
        number, unit = Decimal(_chinese_number(chinese)) / 10_000, "万"
    if number < 0:
        raise FieldError(f"注册资本不能为负数：{raw.strip()}")

    if unit == "亿":
        amount = number * 10_000
    elif unit == "万" or not body.endswith("元"):
        # A bare number with no 元 is in 万元, as registry exports print it.
        amount = number
    else:
        amount = number / 10_000
    return Capital(amount_wan=amount, currency=currency, raw=raw)


# ---- registration status ----------------------------------------------------

STATUS_LABELS: dict[str, str] = {
    "active": "存续（在业）",
    "revoked": "吊销",
    "cancelled": "注销",
    "moved": "迁出",
    "suspended": "停业",
    "liquidating": "清算",
    "other": "其他",
}
# Checked in order: "吊销，未注销" is revoked, not cancelled.
_STATUS_WORDS = (
    ("吊销", "revoked"),
    ("撤销", "revoked"),
    ("注销", "cancelled"),
    ("迁出", "moved"),
    ("迁移", "moved"),
    ("停业", "suspended"),
    ("歇业", "suspended"),
    ("清算", "liquidating"),
    ("存续", "active"),
    ("在业", "active"),
    ("开业", "active"),
    ("在营", "active"),
    ("正常", "active"),
    ("迁入", "active"),
    ("确立", "active"),
)


def parse_status(s: str | None) -> str:
    """Return one of the STATUS_LABELS codes for a status cell; empty cells and
    words not recognised give 'other'."""
    text = _fold(s)
    for word, code in _STATUS_WORDS:
        if word in text:
            return code
    return "other"


# ---- phone and website ------------------------------------------------------

_PHONE_JUNK = re.compile(r"[\s\-()（）—–]")
_PHONE = re.compile(r"\+?\d{5,20}(?:(?:转|ext\.?|#)\d{1,6})?")
_PHONE_SPLIT = re.compile(r"[/,;，；、]")
# \w admits Chinese labels: 例子.中国 is a valid internationalised host.
_HOST = re.compile(r"(?=.{1,253}$)([\w-]{1,63}\.)+[^\W\d_]{2,63}|\d{1,3}(\.\d{1,3}){3}")


def parse_phone(s: str | None) -> str | None:
    """Return the phone number with separators removed, None for an empty
    cell; only the first of several numbers split by / , ; is kept."""
    text = _fold(s)
    if not text:
        return None
    first = _PHONE_SPLIT.split(text)[0]
    phone = _PHONE_JUNK.sub("", first)
    if not _PHONE.fullmatch(phone):
        raise FieldError(f"电话号码格式不正确：{text}")
    return phone


def parse_website(s: str | None) -> str | None:
    """Return the site as a URL with a lower-case host and an http:// scheme
    added when missing, None for an empty cell."""
    text = _fold(s)
    if not text:
        return None
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise FieldError(f"网址格式不正确：{text}") from None
    host = (parts.hostname or "").rstrip(".")
    if parts.scheme.lower() not in ("http", "https") or not _HOST.fullmatch(host):
        raise FieldError(f"网址格式不正确：{text}")
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, ""))
