"""Bulk screening equals the scalar reference: generated registries, edge cases."""

import random
from dataclasses import replace

import numpy as np
import pyarrow as pa
import pytest

from finsentry.demo.generator import generate_firms, licence_list
from finsentry.registry import clauses, decision, screening, screening_batch, wordscan
from finsentry.registry.clauses import exclusion_spans, exclusion_spans_near, inside
from finsentry.registry.licensing import LicenceIndex
from finsentry.registry.normalize import normalize_name
from finsentry.registry.screening import (
    CLEAN,
    KeywordScanner,
    WordList,
    read_scope,
    screen_record,
)
from finsentry.registry.screening_batch import screen_batch


@pytest.fixture(scope="module")
def scanner() -> KeywordScanner:
    return KeywordScanner(WordList.default())


@pytest.fixture(scope="module")
def registry() -> tuple[list[str], list[str], list[str], LicenceIndex]:
    firms = list(generate_firms(4000, seed=77))
    licences = LicenceIndex.from_entries(list(licence_list(firms))[::2])
    codes = [f.uscc for f in firms]
    names = [normalize_name(f.name) for f in firms]
    scopes = [f.scope for f in firms]
    return codes, names, scopes, licences


def _expected(codes, names, scopes, scanner, licences) -> dict:
    out = {}
    for row, (code, name, scope) in enumerate(zip(codes, names, scopes, strict=True)):
        result = screen_record(code or "", name or "", scope or "", scanner, licences)
        if result != CLEAN:
            out[row] = result
    return out


@pytest.mark.parametrize("with_licences", [False, True])
def test_batch_equals_record_on_generated_registry(
    scanner: KeywordScanner, registry: tuple, with_licences: bool
) -> None:
    codes, names, scopes, licences = registry
    index = licences if with_licences else None

    got = screen_batch(
        pa.array(codes), pa.array(names), pa.array(scopes), scanner, index
    )

    assert got == _expected(codes, names, scopes, scanner, index)
    # Every kind of row the generator plants is in the sample.
    assert any(r.flagged for r in got.values())
    assert any(r.hits == () and r.reasons for r in got.values())


def test_batch_equals_record_with_cold_caches_and_small_chunks(
    registry: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(screening, "_SCAN_CHUNK", 2000)
    monkeypatch.setattr(screening, "_READINGS_KEPT", 3)
    monkeypatch.setattr(decision, "_SUMMARIES_KEPT", 3)
    codes, names, scopes, _ = registry
    fresh = KeywordScanner(WordList.default())
    part = slice(0, 1500)
    args = (codes[part], names[part], scopes[part])

    got = screen_batch(*(pa.array(a, type=pa.large_string()) for a in args), fresh)

    assert got == _expected(*args, KeywordScanner(WordList.default()), None)


# Finance words in and out of clauses, in the forms registration offices write.
_PIECES = [
    "软件开发",
    "金融信息服务",
    "互联网金融",
    "理财咨询",
    "（不得从事吸收存款、集资收款、受托贷款、发放贷款等国家金融监管及财政信用业务）",
    "不得从事吸收存款，融资担保，代客理财等金融业务",
    "（不含金融、类金融业务）",
    "（金融、证券、期货除外）",
    "理财除外",
    "金融：证券除外",
    "（金融（证券）除外）",
    "基金管理除外的咨询",
    "除金融、证券业务外的咨询",
    "未经金融监管部门批准，不得从事理财",
    "（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
    "非金融类投资咨询",
    "严禁非法集资、P2P网络借贷",
    "不含（金融）",
    "清除金融垃圾",
    "房地产开发",
    "购房首付理财",
    "金 融服务",
    "Ｐ２Ｐ平台",
    "p 2p",
    "基金\u3000管理",
    "（",
    "）",
    "；",
    "，",
    "。",
    "、",
    "\n",
]


def _random_scope(rng: random.Random) -> str:
    return "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 6)))


def test_batch_equals_record_on_clause_mixtures(scanner: KeywordScanner) -> None:
    rng = random.Random(3)
    scopes = [_random_scope(rng) for _ in range(1500)]
    names = [
        normalize_name(rng.choice(["长春甲科技有限公司", "吉林金融服务有限公司"]))
        for _ in scopes
    ]
    codes = ["91220101MA0Y00001A"] * len(scopes)

    got = screen_batch(pa.array(codes), pa.array(names), pa.array(scopes), scanner)

    assert got == _expected(codes, names, scopes, scanner, None)


@pytest.mark.parametrize("source", ["generated", "mixtures"])
def test_words_only_outcomes_equal_the_full_ones_without_hits(
    scanner: KeywordScanner, registry: tuple, source: str
) -> None:
    if source == "generated":
        codes, names, scopes, licences = registry
    else:
        rng = random.Random(11)
        scopes = [_random_scope(rng) for _ in range(1500)]
        names = [
            normalize_name(rng.choice(["长春房地产金融服务有限公司", "吉林银行"]))
            for _ in scopes
        ]
        codes, licences = ["91220101MA0Y00001A"] * len(scopes), None
    columns = (pa.array(codes), pa.array(names), pa.array(scopes))

    full = screen_batch(*columns, scanner, licences)
    words_only = screen_batch(*columns, scanner, licences, keep_hits=False)

    assert words_only == {row: replace(r, hits=()) for row, r in full.items()}


def test_clause_scan_proves_only_hits_inside_clauses(scanner: KeywordScanner) -> None:
    rng = random.Random(5)
    scopes = [_random_scope(rng) for _ in range(1500)]
    array = pa.array(scopes)
    hits = wordscan.scan_array(scanner.scopes, array, 1 << 20)
    hits = hits.where(scanner.scopes.kinds[hits.idents] == wordscan.WORD)
    rows = pa.array(range(len(scopes))).to_numpy() >= 0
    lines, found = screening_batch._clause_scan(scanner, array, rows)

    proved = screening_batch._proved_inside(scanner, hits, lines, found)

    assert proved.any()
    for row, start, end in zip(
        hits.rows[proved], hits.starts[proved], hits.ends[proved], strict=True
    ):
        data = scopes[row].encode()
        begin = len(data[:start].decode())
        stop = begin + len(data[start:end].decode())
        spans = exclusion_spans_near(scopes[row], [(begin, stop)])
        assert inside(spans, begin, stop), (scopes[row], begin, stop)


@pytest.mark.parametrize(
    ("scope", "word", "proved"),
    [
        ("保洁服务（金融、证券、期货除外）", "金融", True),
        ("理财、投资咨询除外；日用百货", "理财", True),
        # A stop or a bracket between the word and 除外: left to Python.
        ("金融，证券除外", "金融", False),
        ("（金融（证券）除外）", "金融", False),
        # No 除外 after the word.
        ("金融服务；除外", "金融", False),
    ],
)
def test_clause_scan_proves_a_word_before_except(
    scanner: KeywordScanner, scope: str, word: str, proved: bool
) -> None:
    array = pa.array([scope])
    hits = wordscan.scan_array(scanner.scopes, array, 1 << 20)
    index = scanner.word_texts.index(word)
    hits = hits.where(scanner.scopes.words[hits.idents] == index)
    lines, found = screening_batch._clause_scan(scanner, array, np.ones(1, bool))

    got = screening_batch._proved_inside(scanner, hits, lines, found)

    assert got.tolist() == [proved]
    if proved:
        start = scope.index(word)
        spans = exclusion_spans_near(scope, [(start, start + len(word))])
        assert inside(spans, start, start + len(word))


def test_cue_free_scope_reads_like_the_piecewise_analysis(
    scanner: KeywordScanner,
) -> None:
    cues = clauses.cue_literals()
    scopes = [f.scope for f in generate_firms(3000, seed=8)]
    scopes += [
        "互联网金融（依法须经批准的项目，经相关部门批准后方可开展经营活动。）理财"
    ]
    scopes += ["非金融类；金融（法律、法规限制的项目取得许可后方可经营）"]
    free = [s for s in scopes if not any(c in s for c in cues)]

    assert len(free) > 1000
    for scope in free:
        assert clauses.boilerplate_spans(scope) == exclusion_spans(scope), scope
        hits = scanner.scan(scope, "scope")
        plain = read_scope(scope, hits, scanner.words, cue_free=True)
        assert plain == read_scope(scope, hits, scanner.words), scope


@pytest.mark.parametrize(
    ("word", "count"), [("金融", 1), ("P2P", 32), ("ETF", 64), ("ABCDEFGHIJ", None)]
)
def test_spellings_list_case_and_width_forms(word: str, count: int | None) -> None:
    spelt = wordscan.spellings(word)

    assert (len(spelt) if spelt is not None else None) == count
    if spelt is not None:
        assert {normalize_name(s) for s in spelt} == {word}


def test_long_latin_word_is_scanned_space_tolerantly() -> None:
    words = WordList.from_entries([("FINTECHX", "staff", "cross")], "t")
    scanner = KeywordScanner(words)
    scopes = ["提供 fintechx 服务", "ＦＩＮ tech x 平台", "无关"]
    names = ["甲公司"] * 3
    codes = ["91220101MA0Y00001A"] * 3

    got = screen_batch(pa.array(codes), pa.array(names), pa.array(scopes), scanner)

    assert got == _expected(codes, names, scopes, scanner, None)
    assert set(got) == {0, 1}


def test_space_pairs_mark_every_row_a_tolerant_pattern_reads_differently(
    scanner: KeywordScanner,
) -> None:
    rng = random.Random(9)
    spaces = [" ", "\t", "\u3000", "\r", "\x0b", "\x0c", "\xa0", "\u2003"]
    texts = []
    for _ in range(2000):
        word = rng.choice(scanner.word_texts)
        chars = [c + (rng.choice(spaces) if rng.random() < 0.3 else "") for c in word]
        texts.append("甲" + "".join(chars) + "乙")
    found = wordscan.scan_array(scanner.scopes, pa.array(texts), 1 << 20)
    marked = set(found.rows[scanner.scopes.kinds[found.idents] == wordscan.SPACE])

    for row, text in enumerate(texts):
        tolerant = [(h.word, h.start, h.end) for h in scanner.scan(text, "scope")]
        plain_rows = found.where(
            (found.rows == row) & (scanner.scopes.kinds[found.idents] == wordscan.WORD)
        )
        if len(plain_rows.rows) != len(tolerant):
            assert row in marked, text


def test_file_screening_keeps_what_a_full_import_computes(tmp_path) -> None:
    from finsentry.demo.generator import write_registry_csv
    from finsentry.registry.filescreen import OUT_COLUMNS
    from finsentry.registry.pipeline import Screener, screened_batches

    source = tmp_path / "registry.csv"
    write_registry_csv(source, 1500, seed=21)
    with source.open("a", encoding="utf-8") as handle:
        handle.write("91220101MA0Y00001X,坏代码公司,餐饮,,,,,,,,\n")
    screener = Screener(WordList.default())

    _, full = screened_batches(source, screener)
    _, kept = screened_batches(source, screener, columns=OUT_COLUMNS)
    full_batches, kept_batches = list(full), list(kept)

    for whole, part in zip(full_batches, kept_batches, strict=True):
        assert part.rejects == whole.rejects
        assert part.warned == whole.warned
        for column in part.table.column_names:
            assert part.table[column].equals(whole.table[column]), column
    assert sum(len(b.rejects) for b in full_batches) == 1
    for batch in full_batches:
        columns = [batch.table[c].to_pylist() for c in ("uscc", "name_normalized")]
        scopes = batch.table["scope"].to_pylist()
        expected = _expected(*columns, scopes, screener.scanner, None)
        assert batch.results == expected


def test_firms_licensed_alike_share_one_outcome(scanner: KeywordScanner) -> None:
    # The evidence (each branch's own name) is not part of what the outcome
    # shows, so two branches of one bank decide once.
    names = [normalize_name("吉林银行长春朝阳支行"), normalize_name("吉林银行延吉分行")]
    columns = (
        pa.array(["91220101MA0Y00001A", "91220101MA0Y00002A"]),
        pa.array(names),
        pa.array(["吸收公众存款；发放贷款"] * 2),
    )

    outcomes = screen_batch(*columns, scanner, keep_hits=False)

    assert outcomes[0].licensed and outcomes[0].licence_kind == "bank"
    assert outcomes[0] is outcomes[1]
    licences = [decision.licence_of("", n, "吸收公众存款", None) for n in names]
    assert licences[0] != licences[1]
    assert decision.licence_key(licences[0]) == decision.licence_key(licences[1])
