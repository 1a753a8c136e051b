"""Reading the registry columns of few distinct values: dates, capital, status.

Validation hands each column over as its distinct values (distinct.py). A
`FieldReader` reads them into the column's parsed form and says which were
refused: every value through its parser in fields.py, once each and cached,
except the plain forms most extracts write (2016-05-03, 100万元人民币), which
are read in bulk with numpy and RE2 exactly as the parser reads them. A
whole extract written one plain way, however many distinct values a block
holds, then never reaches the parser.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from finsentry.registry import fields

CAPITAL_TYPE = pa.struct([("amount", pa.string()), ("currency", pa.string())])


@functools.lru_cache(maxsize=1 << 16)
def date_text(value: str) -> str | None:
    """Return a date cell as ISO text (None if empty); FieldError if refused."""
    parsed = fields.parse_date(value)
    return parsed.isoformat() if parsed else None


@functools.lru_cache(maxsize=1 << 16)
def capital(value: str) -> dict[str, Any] | None:
    """Return a capital cell as its 万 amount text and currency (None if empty)."""
    parsed = fields.parse_capital(value)
    if parsed is None:
        return None
    return {"amount": str(parsed.amount_wan), "currency": parsed.currency}


@functools.lru_cache(maxsize=1 << 12)
def status(value: str) -> str:
    """Return a status cell as its status code ("" if empty)."""
    return fields.parse_status(value) if value else ""


def failed_reason(parser: Callable[[str], Any], value: str) -> str:
    """Return the reason a parser gives for refusing a value."""
    try:
        parser(value)
    except fields.FieldError as exc:
        return str(exc)
    return "取值无效"


def map_distinct(
    values: pa.Array, parser: Callable[[str], Any], kind: pa.DataType
) -> tuple[pa.Array, np.ndarray]:
    """Parse each distinct value once into `kind`; return the mapped values and
    a failure mask."""
    distinct = pc.unique(values)
    results: list[Any] = []
    failed_values: list[bool] = []
    for value in distinct.to_pylist():
        try:
            results.append(parser(value))
            failed_values.append(False)
        except fields.FieldError:
            results.append(None)
            failed_values.append(True)
    index = pc.index_in(values, value_set=distinct)
    mapped = pa.array(results, type=kind).take(index)
    failed = pa.array(failed_values, type=pa.bool_()).take(index)
    return mapped, failed.to_numpy(zero_copy_only=False)


def _by_parser_but(
    values: pa.Array, plain: np.ndarray, parser: Callable[[str], Any], kind: pa.DataType
) -> tuple[pa.Array, np.ndarray]:
    """Return `map_distinct` of the values not `plain` (plain ones read as empty)."""
    return map_distinct(pc.if_else(pa.array(plain), "", values), parser, kind)


# ---- dates ------------------------------------------------------------------

_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
# Byte positions of the digits in YYYY-MM-DD, and their place values.
_DATE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9]
_DATE_PLACES = np.array([10**7, 10**6, 10**5, 10**4, 1000, 100, 10, 1])


def read_dates(values: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Return `map_distinct(values, date_text, ...)`, reading plain dates in bulk.

    A registry writes its dates one way, most often YYYY-MM-DD: such a date
    that exists and lies between 1900-01-01 and today is already its own ISO
    text, and one of the other `_DATE_SHAPES` is made that text in bulk.
    Every other value, refused ones included, goes through the parser.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    plain = _plain_iso_dates(values)
    texts = values
    rest = np.flatnonzero(~plain & values.is_valid().to_numpy(zero_copy_only=False))
    if len(rest):
        shaped_texts, shaped = _shaped_dates(values.take(pa.array(rest)))
        if shaped.any():
            found = np.zeros(len(values), dtype=bool)
            found[rest[shaped]] = True
            made = shaped_texts.filter(pa.array(shaped)).cast(values.type)
            texts = pc.replace_with_mask(values, pa.array(found), made)
            plain |= found
    others, failed = _by_parser_but(values, plain, date_text, pa.string())
    return pc.if_else(pa.array(plain), texts, others), failed


def _plain_iso_dates(values: pa.Array) -> np.ndarray:
    """Return a mask of the values that are YYYY-MM-DD dates from 1900 to today.

    Read as a matrix of the ten-byte values' bytes: the same as matching
    `^\\d{4}-\\d{2}-\\d{2}$` (ASCII digits) and checking the date exists.
    """
    width = np.int64 if pa.types.is_large_string(values.type) else np.int32
    offsets = np.frombuffer(values.buffers()[1], dtype=width)
    offsets = offsets[values.offset : values.offset + len(values) + 1].astype(np.intp)
    ten = np.diff(offsets) == 10
    if values.null_count:
        ten &= values.is_valid().to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(ten)
    plain = np.zeros(len(values), dtype=bool)
    if not len(rows):
        return plain
    data = np.frombuffer(values.buffers()[2], dtype=np.uint8)
    chars = data[np.add.outer(offsets[rows], np.arange(10, dtype=np.intp))]
    digits = chars[:, _DATE_DIGITS].astype(np.int64) - ord("0")
    shaped = (digits >= 0).all(axis=1) & (digits <= 9).all(axis=1)
    shaped &= (chars[:, 4] == ord("-")) & (chars[:, 7] == ord("-"))
    stamp = digits @ _DATE_PLACES
    good = shaped & _real_dates(stamp // 10000, stamp // 100 % 100, stamp % 100)
    plain[rows[good]] = True
    return plain


# The other ways fields.parse_date reads a whole cell as a date (2016/5/3,
# 2016.5.3, 2016年5月3日, 20160503), as RE2 patterns over ASCII digits; a
# cell with a time after the date, or full-width digits, goes to the parser.
_DATE_SHAPES = (
    r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})$",
    r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?$",
    r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$",
)


def _shaped_dates(values: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Return the ISO texts of the values written in one of `_DATE_SHAPES` that
    are dates from 1900 to today, and where they are (other rows: null)."""
    texts = pa.nulls(len(values), pa.string())
    found = np.zeros(len(values), dtype=bool)
    for shape in _DATE_SHAPES:
        parts = pc.extract_regex(values, shape)
        matched = parts.is_valid().to_numpy(zero_copy_only=False) & ~found
        if not matched.any():
            continue
        y, m, d = (pc.struct_field(parts, part).cast(pa.string()) for part in "ymd")
        year, month, day = (
            pc.fill_null(pc.cast(p, pa.int64()), 0).to_numpy() for p in (y, m, d)
        )
        good = matched & _real_dates(year, month, day)
        if not good.any():
            continue
        iso = pc.binary_join_element_wise(
            y, pc.utf8_lpad(m, 2, "0"), pc.utf8_lpad(d, 2, "0"), "-"
        )
        texts = pc.if_else(pa.array(good), iso, texts)
        found |= good
    return texts, found


def _real_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Return where (year, month, day) is a date from 1900-01-01 to today."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = _MONTH_DAYS[month.clip(0, 12)] + ((month == 2) & leap)
    today = dt.date.today()
    good = (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)
    stamp = year * 10000 + month * 100 + day
    good &= (year >= 1900) & (
        stamp <= today.year * 10000 + today.month * 100 + today.day
    )
    return np.asarray(good, dtype=bool)


# ---- registered capital -----------------------------------------------------

# Capital as most extracts write it: a plain decimal of 万 (万元) with no
# currency, 人民币 or 美元 after it. fields.parse_capital reads it as that
# decimal, as written; any other form (元 alone, 亿, 整, Chinese numerals,
# other currencies, a leading zero, more than six decimals, which Decimal
# would print as an exponent) goes to the parser.
_PLAIN_CAPITAL = (
    r"^(?P<amount>(?:0|[1-9]\d*)(?:\.\d{1,6})?)(?:万元?)?(?P<currency>人民币|美元)?$"
)


def read_capitals(values: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Return `map_distinct(values, capital, ...)`, reading plain capital in bulk.

    An extract may hold tens of thousands of distinct amounts in a block:
    one by one they took longer than the rest of the block's work.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    parts = pc.extract_regex(values, _PLAIN_CAPITAL)
    plain = parts.is_valid().to_numpy(zero_copy_only=False)
    others, failed = _by_parser_but(values, plain, capital, CAPITAL_TYPE)
    if not plain.any():
        return others, failed
    mask = pa.array(plain)
    amount = pc.struct_field(parts, "amount").cast(pa.string())
    dollars = pc.equal(pc.struct_field(parts, "currency"), "美元")
    currency = pc.if_else(dollars, "USD", "CNY")
    columns = [
        pc.if_else(mask, amount, pc.struct_field(others, "amount")),
        pc.if_else(mask, currency, pc.struct_field(others, "currency")),
    ]
    empty = ~plain & ~others.is_valid().to_numpy(zero_copy_only=False)
    mapped = pa.StructArray.from_arrays(
        columns, fields=list(CAPITAL_TYPE), mask=pa.array(empty)
    )
    return mapped, failed


# ---- the columns -------------------------------------------------------------


@dataclass(frozen=True)
class FieldReader:
    """How one column is read: `parse` one cell (it explains a refusal), and
    `read` a column of distinct values into parsed values and a failure mask."""

    column: str
    parse: Callable[[str], Any]
    read: Callable[[pa.Array], tuple[pa.Array, np.ndarray]]


READERS = (
    FieldReader("established", date_text, read_dates),
    FieldReader("registered_capital", capital, read_capitals),
    FieldReader(
        "status",
        status,
        functools.partial(map_distinct, parser=status, kind=pa.string()),
    ),
)
