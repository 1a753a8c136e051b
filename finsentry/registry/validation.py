"""Validating registry rows a batch at a time.

Checks that must touch every row (credit codes, names) run as vectorised
pyarrow/numpy operations; values with few distinct forms (dates, capital,
status, regions) are parsed once per distinct value and mapped back, plain
dates and capital in bulk (field_values.py). Python per-row work happens
only for rows that fail, to explain why.
"""

import functools
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from finsentry.registry import divisions, fields, uscc
from finsentry.registry.distinct import Distinct, distinct
from finsentry.registry.field_values import READERS, FieldReader, failed_reason
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


# The source columns each output column is made from.
_SOURCES: dict[str, tuple[str, ...]] = {
    "line": (),
    "uscc": ("uscc",),
    "name": ("name",),
    "name_normalized": ("name",),
    "scope": ("scope",),
    "region_code": ("uscc", "region"),
    "city_code": ("uscc", "region"),
    "county_code": ("uscc", "region"),
    "established": ("established",),
    "capital_wan": ("registered_capital",),
    "capital_currency": ("registered_capital",),
    "legal_rep": ("legal_rep",),
    "address": ("address",),
    "phone": ("phone",),
    "website": ("website",),
    "status": ("status",),
    "warnings": ("uscc", "region", "scope"),
}
# Source columns read whatever the caller keeps: they can refuse a row or
# warn on it, or the screening reads them.
CHECKED = (
    "uscc",
    "name",
    "scope",
    "region",
    "established",
    "registered_capital",
    "status",
)
# Output columns the screening reads, kept whatever the caller asks for.
SCREENED = ("line", "uscc", "name_normalized", "scope")


def source_columns(columns: Collection[str] | None) -> set[str]:
    """Return the source columns that validating into `columns` reads (None: all).

    Names in `columns` that validation does not make (screening results) are
    ignored.
    """
    outputs = OUTPUT_COLUMNS if columns is None else [*columns, *SCREENED]
    needed = set(CHECKED) | {"scope_more"}
    for column in outputs:
        needed.update(_SOURCES.get(column, ()))
    return needed


def _joined_scope(scope: pa.Array, more: pa.Array) -> pa.Array:
    """Return 一般经营项目 and 许可经营项目 as one scope, "；" between them."""
    scope, more = pc.utf8_trim_whitespace(scope), pc.utf8_trim_whitespace(more)
    both = pc.binary_join_element_wise(scope, more, "；")
    has_more = pc.not_equal(more, "")
    return pc.if_else(pc.equal(scope, ""), more, pc.if_else(has_more, both, scope))


# Source columns of few distinct values: trimmed and parsed once per value.
_FEW = ("region", "established", "registered_capital", "status")


def validate_batch(raw: RawBatch, columns: Collection[str] | None = None) -> ValidBatch:
    """Return the accepted rows of a raw batch, normalised, with rejects, warnings.

    `columns` keeps only those OUTPUT_COLUMNS (and the ones screening reads);
    every check that can refuse or warn runs whatever is kept.
    """
    count = len(raw)
    rejects = list(raw.rejects)
    wanted = OUTPUT_COLUMNS if columns is None else (*columns, *SCREENED)
    empty = pa.repeat(pa.scalar("", type=pa.string()), count)
    col: dict[str, pa.Array] = {}
    few: dict[str, Distinct] = {}
    for name in source_columns(columns) - {"scope_more"}:
        values = raw.columns.get(name, empty)
        if name == "scope" and "scope_more" in raw.columns:
            values = _joined_scope(values, raw.columns["scope_more"])
        coded = distinct(values) if name in _FEW else None
        if coded is not None:
            few[name] = coded
        elif name == "scope":
            # The scope is kept as registered (hit offsets point into it);
            # trimming the largest column would copy it for nothing.
            col[name] = values
        else:
            col[name] = pc.utf8_trim_whitespace(values)
    lines = raw.lines
    bad = np.zeros(count, dtype=bool)

    codes = _clean_codes(col["uscc"])
    code_bad = uscc.code_problems_mask(codes)
    for i in np.flatnonzero(code_bad):
        code = codes[int(i)].as_py()
        reason = "缺少统一社会信用代码" if not code else uscc.code_problem(code)
        rejects.append(Reject(int(lines[i]), code, "uscc", reason or "代码无效"))
    bad |= code_bad

    name_empty = _empty(col["name"])
    for i in np.flatnonzero(name_empty & ~bad):
        rejects.append(
            Reject(int(lines[i]), codes[int(i)].as_py(), "name", "企业名称为空")
        )
    bad |= name_empty

    parsed: dict[str, Callable[[], pa.Array]] = {}
    for reader in READERS:
        column = reader.column
        maker, failed, value_at = _parse_column(
            col.get(column), few.get(column), reader
        )
        parsed[column] = maker
        for i in np.flatnonzero(failed & ~bad):
            reason = failed_reason(reader.parse, value_at(int(i)))
            rejects.append(Reject(int(lines[i]), codes[int(i)].as_py(), column, reason))
        bad |= failed

    region = _region_codes(codes, col.get("region"), few.get("region"))
    placed, unknown = _placement(region)
    scope_empty = _empty(col["scope"])
    warned_rows = unknown | scope_empty
    capital = parsed["registered_capital"]
    made = {
        "line": lambda: pa.array(lines),
        "uscc": lambda: codes,
        "name": lambda: col["name"],
        "name_normalized": lambda: normalize_names(col["name"]),
        "scope": lambda: col["scope"],
        "region_code": lambda: region,
        "city_code": lambda: placed["city"](),
        "county_code": lambda: placed["county"](),
        "established": parsed["established"],
        "capital_wan": lambda: pc.struct_field(capital(), "amount"),
        "capital_currency": lambda: pc.fill_null(
            pc.struct_field(capital(), "currency"), ""
        ),
        "legal_rep": lambda: col["legal_rep"],
        "address": lambda: col["address"],
        "phone": lambda: col["phone"],
        "website": lambda: _websites(col["website"]),
        "status": parsed["status"],
        "warnings": lambda: _warnings(placed["note"](), scope_empty),
    }
    table = pa.table({c: made[c]() for c in OUTPUT_COLUMNS if c in wanted})
    if bad.any():
        table = table.take(pa.array(np.flatnonzero(~bad)))
    rejects.sort(key=lambda r: r.line)
    if raw.sheet:
        # Lines are rows of a later sheet: the column says which sheet.
        rejects = [replace(r, column=f"{raw.sheet}!{r.column}") for r in rejects]
    warned = int(np.count_nonzero(warned_rows & ~bad))
    return ValidBatch(table, rejects, warned)


def _parse_column(
    values: pa.Array | None, coded: Distinct | None, reader: FieldReader
) -> tuple[Callable[[], pa.Array], np.ndarray, Callable[[int], str]]:
    """Parse a column; return a maker of its parsed values, its failure mask and
    a getter of a row's trimmed text. `coded` is the column as distinct values,
    `values` the trimmed column when it has none (it holds nulls)."""
    if coded is None:
        assert values is not None
        whole, failed = reader.read(values)
        return lambda: whole, failed, lambda row: values[row].as_py()
    mapped, failed_values = reader.read(coded.values)
    # Only a caller that keeps the column pays for spreading it to the rows.
    spread = functools.cache(lambda: mapped.take(pa.array(coded.indices)))
    return spread, coded.per_row(failed_values), coded.value


def _clean_codes(raw: pa.Array) -> pa.Array:
    """Return credit codes folded (NFKC), upper-cased and without spaces."""
    # NFKC leaves ASCII alone, so a batch of ASCII codes skips it.
    if pc.all(pc.string_is_ascii(raw)).as_py() is not False:
        codes = pc.ascii_upper(raw)
    else:
        codes = pc.utf8_upper(pc.utf8_normalize(raw, "NFKC"))
    if pc.any(pc.match_substring(codes, " ")).as_py():
        codes = pc.replace_substring(codes, " ", "")
    return codes


def _empty(values: pa.Array) -> np.ndarray:
    """Return a mask of the empty strings in `values` (nulls are not empty)."""
    found = pc.fill_null(pc.equal(pc.binary_length(values), 0), False)
    return found.to_numpy(zero_copy_only=False)


def _warnings(notes: pa.Array, scope_empty: np.ndarray) -> pa.Array:
    """Return each row's warnings: the region note and an empty scope, joined."""
    warnings = pc.if_else(
        pa.array(scope_empty),
        pc.binary_join_element_wise(notes, "经营范围为空", "；"),
        notes,
    )
    return pc.utf8_trim(warnings, "；")


def _website(value: str) -> str:
    # A malformed address is kept as written: it is still a lead for patrol.
    try:
        return fields.parse_website(value) or "" if value else ""
    except fields.FieldError:
        return value


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


def _region_codes(
    codes: pa.Array, region: pa.Array | None, coded: Distinct | None = None
) -> pa.Array:
    """Return the region column where it holds a six-digit code, else the code's.

    The region column comes trimmed (`region`) or as distinct values (`coded`).
    """
    from_code = pc.utf8_slice_codeunits(codes, 2, 8)
    if coded is not None:
        six_digits = pc.match_substring_regex(coded.values, r"^\d{6}$")
        given = coded.per_row(six_digits.to_numpy(zero_copy_only=False))
        if not given.any():
            return from_code
        return pc.if_else(pa.array(given), coded.column(), from_code)
    assert region is not None
    given_rows = pc.match_substring_regex(region, r"^\d{6}$")
    return pc.if_else(given_rows, region, from_code)


@functools.lru_cache(maxsize=1 << 12)
def _place(code: str) -> tuple[str, str, str]:
    """Return the city, county and warning note of a region code."""
    city, county = divisions.city_and_county(code)
    known = divisions.lookup(code) is not None
    note = "" if known else f"区划代码 {code} 不在国家区划代码表中"
    return city or "", county or "", note


def _placement(
    region: pa.Array,
) -> tuple[dict[str, Callable[[], pa.Array]], np.ndarray]:
    """Return makers of city and county codes and a note per region, and where the
    region is unknown."""
    encoded = distinct(region, trim=False)
    assert encoded is not None
    cities: list[str] = []
    counties: list[str] = []
    notes: list[str] = []
    for code in encoded.values.to_pylist():
        city, county, note = _place(code)
        cities.append(city)
        counties.append(county)
        notes.append(note)

    def spread(texts: list[str]) -> Callable[[], pa.Array]:
        return lambda: pa.array(texts, type=pa.string()).take(pa.array(encoded.indices))

    placed = {"city": spread(cities), "county": spread(counties), "note": spread(notes)}
    unknown = np.array([bool(n) for n in notes], dtype=bool)
    return placed, encoded.per_row(unknown)
