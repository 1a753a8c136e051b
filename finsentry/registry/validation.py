"""Validating registry rows a batch at a time.

Checks that must touch every row (credit codes, names) run as vectorised
pyarrow/numpy operations; values with few distinct forms (dates, capital,
status, regions) are parsed once per distinct value and mapped back. Python
per-row work happens only for rows that fail, to explain why.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from finsentry.registry import divisions, fields, uscc
from finsentry.registry.columns import CANONICAL
from finsentry.registry.normalize import normalize_names
from finsentry.registry.sources import RawBatch, Reject

OUTPUT_COLUMNS = (
    "line",
    "uscc",
    "name",
    "name_normalized",
    "scope",
    "region_code",
    "city_code",
    "county_code",
    "established",
    "capital_wan",
    "capital_currency",
    "legal_rep",
    "address",
    "phone",
    "website",
    "status",
    "warnings",
)


@dataclass
class ValidBatch:
    """Accepted rows as a table of OUTPUT_COLUMNS, and the rows refused on the way."""

    table: pa.Table
    rejects: list[Reject] = field(default_factory=list)
    warned: int = 0


class DuplicateGuard:
    """Refuses a credit code seen earlier in the file, naming the line it came on.

    Only the codes are hashed on the common path; the first line of a
    repeated code is looked up in the kept batches when one turns up.
    """

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._kept: list[tuple[pa.ChunkedArray, pa.ChunkedArray]] = []
        self._lines: dict[str, int] | None = None

    def drop_repeats(self, table: pa.Table) -> tuple[pa.Table, list[Reject]]:
        """Return the table without codes already seen, and a reject for each repeat."""
        kept, _, rejects = self.keep_first(table)
        return kept, rejects

    def keep_first(
        self, table: pa.Table
    ) -> tuple[pa.Table, list[int] | None, list[Reject]]:
        """Return the kept table, the kept row indices (None: all), and the rejects."""
        codes = table["uscc"].to_pylist()
        if len(set(codes)) == len(codes) and self._seen.isdisjoint(codes):
            self._seen.update(codes)
            self._keep(table)
            return table, None, []

        keep: list[int] = []
        rejects: list[Reject] = []
        here: dict[str, int] = {}
        lines = table["line"].to_pylist()
        for index, (code, line) in enumerate(zip(codes, lines, strict=True)):
            if code not in self._seen:
                self._seen.add(code)
                here[code] = line
                keep.append(index)
                continue
            first = here.get(code) or self._first_line(code)
            reason = f"统一社会信用代码与第 {first} 行重复"
            rejects.append(Reject(line, code, "uscc", reason))
        kept = table.take(pa.array(keep, type=pa.int64()))
        self._keep(kept)
        return kept, keep, rejects

    def _keep(self, table: pa.Table) -> None:
        self._kept.append((table["uscc"], table["line"]))
        if self._lines is not None:
            codes, lines = table["uscc"].to_pylist(), table["line"].to_pylist()
            self._lines.update(zip(codes, lines, strict=True))

    def _first_line(self, code: str) -> int:
        if self._lines is None:
            # The first repeat builds the lookup; files with repeats are rare.
            self._lines = {}
            for codes, lines in self._kept:
                pairs = zip(codes.to_pylist(), lines.to_pylist(), strict=True)
                for seen_code, line in pairs:
                    self._lines.setdefault(seen_code, line)
        return self._lines[code]


def validate_batch(raw: RawBatch) -> ValidBatch:
    """Return the accepted rows of a raw batch, normalised, with rejects, warnings."""
    count = len(raw)
    rejects = list(raw.rejects)
    empty = pa.array([""] * count, type=pa.string())
    # The scope is kept as registered (hit offsets point into it); trimming
    # the largest column would copy it for nothing.
    col = {
        c: raw.columns.get(c, empty)
        if c == "scope"
        else pc.utf8_trim_whitespace(raw.columns.get(c, empty))
        for c in CANONICAL
    }
    lines = raw.lines
    bad = np.zeros(count, dtype=bool)

    codes = pc.utf8_upper(pc.utf8_normalize(col["uscc"], "NFKC"))
    codes = pc.replace_substring(codes, " ", "")
    code_bad = uscc.code_problems_mask(codes)
    for i in np.flatnonzero(code_bad):
        code = codes[int(i)].as_py()
        reason = "缺少统一社会信用代码" if not code else uscc.code_problem(code)
        rejects.append(Reject(int(lines[i]), code, "uscc", reason or "代码无效"))
    bad |= code_bad

    name_empty = pc.equal(pc.utf8_length(col["name"]), 0).to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(name_empty & ~bad):
        rejects.append(
            Reject(int(lines[i]), codes[int(i)].as_py(), "name", "企业名称为空")
        )
    bad |= name_empty

    parsed: dict[str, pa.Array] = {}
    for column, parser, kind in _PARSED:
        values, failed = _map_distinct(col[column], parser)
        parsed[column] = values
        for i in np.flatnonzero(failed & ~bad):
            reason = f"{failed_reason(parser, col[column][int(i)].as_py())}"
            rejects.append(Reject(int(lines[i]), codes[int(i)].as_py(), kind, reason))
        bad |= failed

    region = _region_codes(codes, col["region"])
    placed, region_warnings = _placement(region)
    capital = parsed["registered_capital"]
    scope_empty = pc.equal(pc.utf8_length(col["scope"]), 0)
    warnings = pc.if_else(
        scope_empty,
        pc.binary_join_element_wise(region_warnings, "经营范围为空", "；"),
        region_warnings,
    )
    warnings = pc.utf8_trim(warnings, "；")
    table = pa.table(
        {
            "line": pa.array(lines),
            "uscc": codes,
            "name": col["name"],
            "name_normalized": normalize_names(col["name"]),
            "scope": col["scope"],
            "region_code": region,
            "city_code": placed["city"],
            "county_code": placed["county"],
            "established": parsed["established"],
            "capital_wan": pc.struct_field(capital, "amount"),
            "capital_currency": pc.fill_null(pc.struct_field(capital, "currency"), ""),
            "legal_rep": col["legal_rep"],
            "address": col["address"],
            "phone": col["phone"],
            "website": _websites(col["website"]),
            "status": parsed["status"],
            "warnings": warnings,
        }
    )
    if bad.any():
        table = table.take(pa.array(np.flatnonzero(~bad)))
    rejects.sort(key=lambda r: r.line)
    warned = pc.sum(pc.greater(pc.utf8_length(table["warnings"]), 0)).as_py() or 0
    return ValidBatch(table, rejects, warned)


@functools.lru_cache(maxsize=1 << 16)
def _date_text(value: str) -> str | None:
    parsed = fields.parse_date(value)
    return parsed.isoformat() if parsed else None


@functools.lru_cache(maxsize=1 << 16)
def _capital(value: str) -> dict[str, Any] | None:
    parsed = fields.parse_capital(value)
    if parsed is None:
        return None
    return {"amount": str(parsed.amount_wan), "currency": parsed.currency}


@functools.lru_cache(maxsize=1 << 12)
def _status(value: str) -> str:
    return fields.parse_status(value) if value else ""


def _website(value: str) -> str:
    # A malformed address is kept as written: it is still a lead for patrol.
    try:
        return fields.parse_website(value) or "" if value else ""
    except fields.FieldError:
        return value


_PARSED: list[tuple[str, Callable[[str], Any], str]] = [
    ("established", _date_text, "established"),
    ("registered_capital", _capital, "registered_capital"),
    ("status", _status, "status"),
]

_TYPES = {
    "established": pa.string(),
    "registered_capital": pa.struct(
        [("amount", pa.string()), ("currency", pa.string())]
    ),
    "status": pa.string(),
}
# A plain lower-case address needs no URL parser: only the scheme is added.
_SIMPLE_URL = r"^(https?://)?[a-z0-9-]+(\.[a-z0-9-]+)+(/[!-\"$-~]*)?$"


def _websites(values: pa.Array) -> pa.Array:
    """Return normalised site addresses, parsing in Python only the unusual ones."""
    simple = pc.match_substring_regex(values, _SIMPLE_URL)
    schemed = pc.starts_with(values, "http")
    prefixed = pc.binary_join_element_wise("http://", values, "")
    fast = pc.if_else(schemed, values, prefixed)
    unusual = pc.and_(pc.invert(simple), pc.greater(pc.utf8_length(values), 0))
    rows = np.flatnonzero(unusual.to_numpy(zero_copy_only=False))
    if not len(rows):
        return pc.if_else(simple, fast, "")
    slow = [""] * len(values)
    for row in rows.tolist():
        slow[row] = _website(values[row].as_py())
    return pc.if_else(simple, fast, pa.array(slow, type=pa.string()))


def failed_reason(parser: Callable[[str], Any], value: str) -> str:
    """Return the reason a parser gives for refusing a value."""
    try:
        parser(value)
    except fields.FieldError as exc:
        return str(exc)
    return "取值无效"


def _map_distinct(
    values: pa.Array, parser: Callable[[str], Any]
) -> tuple[pa.Array, np.ndarray]:
    """Parse each distinct value once; return mapped values and a failure mask."""
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
    kind = _type_of(parser)
    index = pc.index_in(values, value_set=distinct)
    mapped = pa.array(results, type=kind).take(index)
    failed = pa.array(failed_values).take(index).to_numpy(zero_copy_only=False)
    return mapped, failed


def _type_of(parser: Callable[[str], Any]) -> pa.DataType:
    for column, candidate, _ in _PARSED:
        if candidate is parser:
            return _TYPES[column]
    raise KeyError(parser)


def _region_codes(codes: pa.Array, region: pa.Array) -> pa.Array:
    """Return the region column where it holds a six-digit code, else the code's."""
    from_code = pc.utf8_slice_codeunits(codes, 2, 8)
    given = pc.match_substring_regex(region, r"^\d{6}$")
    return pc.if_else(given, region, from_code)


def _placement(region: pa.Array) -> tuple[dict[str, pa.Array], pa.Array]:
    """Return city and county codes per region, and a warning where it is unknown."""
    distinct = pc.unique(region)
    cities: list[str] = []
    counties: list[str] = []
    notes: list[str] = []
    for code in distinct.to_pylist():
        city, county = divisions.city_and_county(code)
        cities.append(city or "")
        counties.append(county or "")
        known = divisions.lookup(code) is not None
        notes.append("" if known else f"区划代码 {code} 不在国家区划代码表中")
    index = pc.index_in(region, value_set=distinct)
    placed = {
        "city": pa.array(cities, type=pa.string()).take(index),
        "county": pa.array(counties, type=pa.string()).take(index),
    }
    return placed, pa.array(notes, type=pa.string()).take(index)
