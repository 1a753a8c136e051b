"""Keyword screening of millions of registry rows at once.

Gives, row by row, what `screening.screen_record` gives. hyperscan scans the
Arrow arrays' UTF-8 buffers in place for the words' literal spellings
(wordscan.py); then each row is decided by what the scan found:

* no word, licence trigger or stray space, a market code, not listed: clean;
* a non-market code: outside the screening, one outcome per authority;
* words in the scope only, each proved inside a forward exclusion clause by
  the second scan: "only inside exclusion clauses", with no Python analysis;
* anything else (a word or licence trigger in the name, a listed firm, a
  scope word not so proved, a space inside a word): decided in Python as
  `screen_record` decides it, each distinct scope read once.
"""

from __future__ import annotations

import logging
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from finsentry.registry import screening
from finsentry.registry.clauses import boilerplate_spans, exclusion_spans_near, inside
from finsentry.registry.decision import (
    MARKET,
    NO_SCOPE,
    ScopeReading,
    authority_label,
    decide,
    decide_market,
    decide_words,
    licence_key,
    licence_of,
)
from finsentry.registry.licensing import LicenceIndex
from finsentry.registry.outcomes import CLEAN, Hit, Screening
from finsentry.registry.screening import KeywordScanner
from finsentry.registry.wordscan import (
    SPACE,
    TRIGGER,
    WORD,
    WORD_BEFORE,
    Matches,
    PatternTable,
    row_offsets,
    scan_array,
)

logger = logging.getLogger(__name__)


def _flat(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Return `arr` as one string or large_string array (chunks joined, views cast)."""
    if isinstance(arr, pa.ChunkedArray):
        # One chunk is used as it is: combining would copy it.
        arr = arr.chunk(0) if arr.num_chunks == 1 else arr.combine_chunks()
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = arr.cast(pa.large_string())
    return arr


def _mask(values: pa.Array) -> np.ndarray:
    """Return the boolean `values` as a numpy mask, nulls false."""
    return values.fill_null(False).to_numpy(zero_copy_only=False)


def screen_batch(
    codes: pa.Array | pa.ChunkedArray,
    names: pa.Array | pa.ChunkedArray,
    scopes: pa.Array | pa.ChunkedArray,
    scanner: KeywordScanner,
    licences: LicenceIndex | None = None,
    keep_hits: bool = True,
) -> dict[int, Screening]:
    """Return {row: Screening} for rows that differ from CLEAN; names pre-normalised.

    Equal to `screen_record` row by row, in row order; without `keep_hits`
    equal but for `hits`, which are left empty (cheaper, for callers that
    keep only words, domains and reasons).
    """
    codes, names, scopes = _flat(codes), _flat(names), _flat(scopes)
    if not len(codes) == len(names) == len(scopes):
        raise ValueError(
            f"codes, names and scopes differ in length: "
            f"{len(codes)}, {len(names)}, {len(scopes)}"
        )
    began = time.perf_counter()

    clean_codes = pc.ascii_upper(pc.utf8_trim_whitespace(codes))
    first = pc.utf8_slice_codeunits(clean_codes, 0, 1)
    other = _mask(
        pc.and_(pc.equal(pc.utf8_length(clean_codes), 18), pc.not_equal(first, MARKET))
    )
    listed = np.zeros(len(codes), dtype=bool)
    if licences is not None and len(licences):
        listed = _mask(
            pc.or_(
                pc.is_in(clean_codes, value_set=licences.code_set()),
                pc.is_in(names, value_set=licences.name_set()),
            )
        )
    full = listed.copy()

    scan_began = time.perf_counter()
    chunk = screening._SCAN_CHUNK
    in_names = scan_array(scanner.names, names, chunk)
    in_scopes = scan_array(scanner.scopes, scopes, chunk)
    scan_seconds = time.perf_counter() - scan_began

    # Any name match (word, trigger or space) needs the full decision, and so
    # does a space inside a scope word or a word scanned space-tolerantly.
    full[in_names.rows] = True
    kinds = scanner.scopes.kinds[in_scopes.idents]
    tolerant = scanner.scopes.lengths[in_scopes.idents] == 0
    full[in_scopes.rows[(kinds == SPACE) | tolerant]] = True
    has_word = np.zeros(len(codes), dtype=bool)
    has_word[in_scopes.rows[kinds == WORD]] = True
    full &= ~other
    maybe_inside = has_word & ~full & ~other
    name_kinds = scanner.names.kinds[in_names.idents]
    regular = np.ones(len(codes), dtype=bool)
    regular[in_names.rows[name_kinds == SPACE]] = False
    regular[in_names.rows[scanner.names.lengths[in_names.idents] == 0]] = False
    regular[in_scopes.rows[(kinds == SPACE) | tolerant]] = False

    # Every clause pattern starts from a cue: a scope without one has no clause
    # to prove a word in, and only boilerplate spans to read.
    cue_free = _cue_free(scanner, scopes, full | maybe_inside)
    lines, found = _clause_scan(scanner, scopes, maybe_inside & ~cue_free)
    hits = in_scopes.where((kinds == WORD) & maybe_inside[in_scopes.rows])
    proved = _proved_inside(scanner, hits, lines, found)
    full[hits.rows[~proved]] = True
    only_inside = maybe_inside & ~full

    results = _outside_screening(codes, other, scanner)
    results.update(_clause_only(hits.where(only_inside[hits.rows]), scanner))
    licensable = listed.copy()
    licensable[in_names.rows[name_kinds == TRIGGER]] = True
    results.update(
        _decide_rows(
            (codes, names, scopes),
            full,
            regular,
            licensable,
            cue_free,
            in_names,
            in_scopes,
            scanner,
            licences,
            keep_hits,
        )
    )
    ordered = dict(sorted(results.items()))

    logger.debug(
        "screen_batch finished rows=%d full=%d clause_only=%d results=%d "
        "seconds=%.3f scan_seconds=%.3f",
        len(codes),
        int(full.sum()),
        int(only_inside.sum()),
        len(ordered),
        time.perf_counter() - began,
        scan_seconds,
    )
    return ordered


def _clause_scan(
    scanner: KeywordScanner, scopes: pa.Array, rows: np.ndarray
) -> tuple[np.ndarray, Matches]:
    """Return the rows scanned with the clause table, and its matches by line."""
    picked = np.flatnonzero(rows)
    if not len(picked) or scanner.clauses.db is None:
        empty = np.zeros(0, dtype=np.int64)
        return picked, Matches(empty, empty, empty, empty)

    # One row per line: no clause pattern crosses a newline, so none runs
    # from one row's cue to the next row's word.
    newline = pa.scalar("\n", type=scopes.type)
    lines = pc.binary_join_element_wise(
        scopes.take(pa.array(picked)), newline, pa.scalar("", type=scopes.type)
    )
    return picked, scan_array(scanner.clauses, lines, screening._SCAN_CHUNK)


def _cue_free(
    scanner: KeywordScanner, scopes: pa.Array, rows: np.ndarray
) -> np.ndarray:
    """Return a mask of the `rows` whose scope holds no clause cue."""
    picked = np.flatnonzero(rows)
    free = np.zeros(len(rows), dtype=bool)
    if len(picked):
        taken = scopes.take(pa.array(picked))
        cued = pc.match_substring_regex(taken, scanner.cue_pattern)
        free[picked] = ~_mask(cued)
    return free


def _proved_inside(
    scanner: KeywordScanner, hits: Matches, lines: np.ndarray, found: Matches
) -> np.ndarray:
    """Return, per scope hit, whether the clause scan proves it inside a clause.

    `lines` are the rows the clause scan read, `found` its matches by line: a
    WORD match proves the hit of its word that ends where it ends, a
    WORD_BEFORE match the one that starts where it starts. A hit in a row
    the scan did not read is not proved.
    """
    proved = np.zeros(len(hits.rows), dtype=bool)
    if not len(hits.rows) or not len(found.rows):
        return proved
    words = len(scanner.word_texts)
    width = int(max(hits.ends.max(), found.ends.max())) + 1
    if len(lines) * width * words >= 1 << 62:
        return proved
    line_of_hit = np.searchsorted(lines, hits.rows)
    read = lines[np.minimum(line_of_hit, len(lines) - 1)] == hits.rows
    # A row not read gets line -1, which no clause match has.
    line_of_hit = np.where(read, line_of_hit, -1)
    kinds = scanner.clauses.kinds[found.idents]
    for kind, hit_at, found_at in (
        (WORD, hits.ends, found.ends),
        (WORD_BEFORE, hits.starts, found.starts),
    ):
        picked = found.where(kinds == kind)
        if not len(picked.rows):
            continue
        places = found_at[kinds == kind]
        hit_keys = (line_of_hit * width + hit_at) * words
        hit_keys += scanner.scopes.words[hits.idents]
        clause_keys = (picked.rows * width + places) * words
        clause_keys += scanner.clauses.words[picked.idents]
        proved |= np.isin(hit_keys, clause_keys)
    return proved


def _clause_only(hits: Matches, scanner: KeywordScanner) -> dict[int, Screening]:
    """Return the outcome of rows whose scope words all sit in exclusion clauses."""
    order = np.lexsort((hits.ends, hits.starts, hits.rows))
    rows = hits.rows[order].tolist()
    words = scanner.scopes.words[hits.idents[order]].tolist()
    per_row: dict[int, list[int]] = {}
    for row, word in zip(rows, words, strict=True):
        seen = per_row.setdefault(row, [])
        if word not in seen:
            seen.append(word)

    outcomes: dict[tuple[int, ...], Screening] = {}
    results = {}
    for row, seen in per_row.items():
        key = tuple(seen)
        outcome = outcomes.get(key)
        if outcome is None:
            texts = tuple(scanner.word_texts[w] for w in key)
            reading = ScopeReading((), (), texts, ())
            outcome = decide_market("", [], reading, scanner.words, None)
            outcomes[key] = outcome
        results[row] = outcome
    return results


def _outside_screening(
    codes: pa.Array, other: np.ndarray, scanner: KeywordScanner
) -> dict[int, Screening]:
    """Return the outcome of rows with a non-market code, one per authority."""
    rows = np.flatnonzero(other)
    outcomes: dict[str | None, Screening] = {}
    results = {}
    for row, code in zip(
        rows.tolist(), codes.take(pa.array(rows)).to_pylist(), strict=True
    ):
        label = authority_label(code or "")
        outcome = outcomes.get(label)
        if outcome is None:
            outcome = decide(code or "", "", [], NO_SCOPE, scanner.words, None)
            outcomes[label] = outcome
        results[row] = outcome
    return results


def _char_offsets(arr: pa.Array, hits: Matches, lines: np.ndarray) -> np.ndarray:
    """Return the character offsets of the hits' starts and ends, as two columns.

    `lines` gives, per hit, its row of `arr`; a character starts at every
    byte that is not a UTF-8 continuation byte (10xxxxxx).
    """
    offsets = row_offsets(arr)
    data_buf = arr.buffers()[2]
    size = int(offsets[-1]) if len(offsets) else 0
    data = np.frombuffer(data_buf, dtype=np.uint8, count=size) if size else None
    # int32 sums run twice as fast as int64 ones and hold any block's count.
    width = np.int32 if size < 1 << 31 else np.int64
    starts_char = np.zeros(size + 1, dtype=width)
    if data is not None:
        np.cumsum((data & 0xC0) != 0x80, dtype=width, out=starts_char[1:])
    base = offsets[lines]
    before = starts_char[base]
    return np.stack(
        (
            starts_char[base + hits.starts] - before,
            starts_char[base + hits.ends] - before,
        ),
        axis=1,
    )


def _hit_lists(
    taken: pa.Array,
    hits: Matches,
    picked: np.ndarray,
    table: PatternTable,
    by_char: bool = True,
) -> list[list[tuple[int, int, int]]]:
    """Return, per picked row, its (word, start, end) hits by character, sorted.

    `taken` holds the picked rows of the scanned array, in the same order;
    hits sort as `KeywordScanner.to_hits` sorts them. Without `by_char` the
    offsets stay in bytes: the same order, for callers that need only words.
    """
    hits = hits.where(np.isin(hits.rows, picked))
    lines = np.searchsorted(picked, hits.rows)
    if by_char:
        chars = _char_offsets(taken, hits, lines)
        starts, ends = chars[:, 0], chars[:, 1]
    else:
        starts, ends = hits.starts, hits.ends
    words = table.words[hits.idents]
    order = np.lexsort((table.ranks[words], ends, starts, lines))
    per_row: list[list[tuple[int, int, int]]] = [[] for _ in range(len(picked))]
    for line, word, start, end in zip(
        lines[order].tolist(),
        words[order].tolist(),
        starts[order].tolist(),
        ends[order].tolist(),
        strict=True,
    ):
        per_row[line].append((word, start, end))
    return per_row


def _first_found(texts: pa.Array, words: tuple[str, ...]) -> np.ndarray:
    """Return, per text, the index in `words` of the first one it holds, else -1."""
    found = np.full(len(texts), -1, dtype=np.int64)
    for at in range(len(words) - 1, -1, -1):
        found[_mask(pc.match_substring(texts, words[at]))] = at
    return found


def _scope_words(
    scope: str, hits: list[tuple[int, int, int]], cue_free: bool
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Return the word indices a scope with no real-estate word counts, and those
    it holds only inside clauses, each distinct in order of the sorted `hits`.

    What `read_scope` makes of the scope, as words: a `cue_free` scope's only
    clauses are boilerplate, another's are found in the pieces holding a hit.
    """
    if not hits:
        return (), ()
    if cue_free:
        spans = boilerplate_spans(scope)
    else:
        spans = exclusion_spans_near(scope, [(at, end) for _, at, end in hits])
    if not spans:
        return tuple(dict.fromkeys([w for w, _, _ in hits])), ()
    outside: list[int] = []
    within: list[int] = []
    for word, at, end in hits:
        (within if inside(spans, at, end) else outside).append(word)
    counted = tuple(dict.fromkeys(outside))
    return counted, tuple([w for w in dict.fromkeys(within) if w not in counted])


def _decide_rows(
    columns: tuple[pa.Array, pa.Array, pa.Array],
    rows: np.ndarray,
    regular: np.ndarray,
    licensable: np.ndarray,
    cue_free: np.ndarray,
    in_names: Matches,
    in_scopes: Matches,
    scanner: KeywordScanner,
    licences: LicenceIndex | None,
    keep_hits: bool = True,
) -> dict[int, Screening]:
    """Return the outcome of the `rows` mask, decided one by one in Python.

    Hits come from the first scan's matches; a row not `regular` (a space
    inside a word) is scanned again with the space-tolerant patterns. Only
    a `licensable` row (listed, or a licence trigger in its name, space
    tolerant or not: triggers hold no word) can be licensed; a `cue_free`
    scope has no clause but boilerplate. Without `keep_hits` the outcomes
    carry no hits (`decide_words`).
    """
    codes, names, scopes = columns
    picked = np.flatnonzero(rows)
    taken = pa.array(picked, type=pa.int64())
    sub_names, sub_scopes = names.take(taken), scopes.take(taken)
    name_words = in_names.where(scanner.names.kinds[in_names.idents] == WORD)
    scope_words = in_scopes.where(scanner.scopes.kinds[in_scopes.idents] == WORD)
    name_hits = _hit_lists(sub_names, name_words, picked, scanner.names, keep_hits)
    scope_hits = _hit_lists(sub_scopes, scope_words, picked, scanner.scopes)
    words, texts = scanner.words, scanner.word_texts
    estate = words.real_estate_words
    no_estate = (False,) * len(estate)
    known: dict[tuple, Screening] = {}
    results = {}
    # Per row, the first real-estate word in its name (-1: none).
    name_estate = _first_found(sub_names, estate).tolist()
    for (
        row,
        fast,
        may_hold,
        plain,
        code,
        name,
        scope,
        in_name,
        in_scope,
        context,
    ) in zip(
        picked.tolist(),
        regular[picked].tolist(),
        licensable[picked].tolist(),
        cue_free[picked].tolist(),
        codes.take(taken).to_pylist(),
        sub_names.to_pylist(),
        sub_scopes.to_pylist(),
        name_hits,
        scope_hits,
        name_estate,
        strict=True,
    ):
        code, name, scope = code or "", name or "", scope or ""
        if not keep_hits and fast and not any(w in scope for w in estate):
            # Words alone decide: rows that say the same share one outcome.
            counted, excluded = _scope_words(scope, in_scope, plain)
            licence = licence_of(code, name, scope, licences) if may_hold else None
            in_name_words = tuple(dict.fromkeys([w for w, _, _ in in_name]))
            key = (in_name_words, counted, excluded, context, licence_key(licence))
            outcome = known.get(key)
            if outcome is None:
                said = ScopeReading(
                    (),
                    tuple([texts[w] for w in counted]),
                    tuple([texts[w] for w in excluded]),
                    no_estate,
                )
                distinct = tuple([texts[w] for w in in_name_words])
                outcome = decide_words(name, distinct, said, words, licence)
                known[key] = outcome
            if outcome is not CLEAN:
                results[row] = outcome
            continue
        if fast:
            reading = scanner.known_reading(scope)
            if reading is None:
                hits = [Hit(texts[w], "scope", at, end) for w, at, end in in_scope]
                reading = scanner.reading(scope, hits, plain)
            found = [Hit(texts[w], "name", at, end) for w, at, end in in_name]
        else:
            found = scanner.scan(name, "name")
            reading = scanner.reading(scope, None, plain)
        licence = licence_of(code, name, scope, licences) if may_hold else None
        if keep_hits:
            outcome = decide_market(name, found, reading, words, licence)
        else:
            distinct = tuple(dict.fromkeys(h.word for h in found))
            outcome = decide_words(name, distinct, reading, words, licence)
        if outcome is not CLEAN:
            results[row] = outcome
    return results
