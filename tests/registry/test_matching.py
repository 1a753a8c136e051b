"""Name matching: splitting names into parts and finding firms by loose names."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from finsentry.registry.matching import NameIndex, NameMatch
from finsentry.registry.name_bulk import split_all
from finsentry.registry.name_parts import (
    NameParts,
    expand_industry,
    industry_similarity,
    split_name,
)

FIRMS = [
    ("91220101MA0000001X", "吉林礼祥友金融服务有限公司"),
    ("91220101MA0000002X", "长春市鑫汇网络科技有限公司"),
    ("91220101MA0000003X", "鑫汇（吉林）金融信息服务有限公司"),
    ("91220101MA0000004X", "吉林省礼祥贸易有限公司"),
    ("91220101MA0000005X", "四平市鑫汇投资管理有限责任公司"),
    ("91220101MA0000006X", "长春融通金融服务股份有限公司"),
    ("91220101MA0000007X", "吉林祥友商贸有限公司"),
    ("91220101MA0000008X", "长春藤投资管理有限公司"),
    ("91220101MA0000009X", "延边友金资产管理有限公司"),
    ("91220101MA0000010X", "吉林恒泰小额贷款股份有限公司"),
]


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex.build(FIRMS)


def top_key(index: NameIndex, query: str) -> str:
    """Return the key of the best match for ``query``."""
    return index.search(query, limit=1)[0].key


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        (
            "吉林礼祥友金融服务有限公司",
            NameParts("吉林", "礼祥友", "金融服务", "有限公司"),
        ),
        (
            "长春市南关区鑫汇网络科技有限责任公司",
            NameParts("长春市南关区", "鑫汇", "网络科技", "有限责任公司"),
        ),
        (
            "鑫汇（吉林）金融信息服务有限公司",
            NameParts("吉林", "鑫汇", "金融信息服务", "有限公司"),
        ),
        (
            "鑫汇(长春市)投资管理股份有限公司",
            NameParts("长春市", "鑫汇", "投资管理", "股份有限公司"),
        ),
        ("礼祥友金服", NameParts("", "礼祥友", "金服", "")),
        ("长春鑫汇", NameParts("长春", "鑫汇", "", "")),
        ("鑫汇", NameParts("", "鑫汇", "", "")),
    ],
)
def test_split_name_finds_region_brand_industry_form(
    name: str, parts: NameParts
) -> None:
    assert split_name(name) == parts


@pytest.mark.parametrize(
    ("name", "brand"),
    [
        ("长春藤投资管理有限公司", "长春藤"),  # 长春 opens the 字号, not a region
        ("吉林金融服务有限公司", "吉林"),  # nothing but the region can be the 字号
        ("金华鑫源贸易有限公司", "金华鑫源"),  # bare 金华 is no Jilin region
    ],
)
def test_split_name_keeps_brand_of_at_least_two_characters(
    name: str, brand: str
) -> None:
    assert split_name(name).brand == brand


def test_split_name_folds_full_width_and_spaces() -> None:
    assert split_name("吉林 鑫汇ＡＢ投资管理有限公司") == NameParts(
        "吉林", "鑫汇AB", "投资管理", "有限公司"
    )


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("金服", "金融服务"),
        ("科技", "信息科技"),
        ("科技", "网络科技"),
        ("投资", "投资管理"),
        ("资管", "资产管理"),
        ("网贷", "网络借贷"),
        ("小贷", "小额贷款"),
    ],
)
def test_abbreviation_expands_to_full_industry(short: str, full: str) -> None:
    assert full in expand_industry(short)


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("礼祥友金服", "91220101MA0000001X"),
        ("融通金服", "91220101MA0000006X"),
        ("恒泰小贷", "91220101MA0000010X"),
        ("友金资管", "91220101MA0000009X"),
        ("鑫汇投资", "91220101MA0000005X"),
    ],
)
def test_abbreviated_industry_finds_firm(
    index: NameIndex, query: str, key: str
) -> None:
    assert top_key(index, query) == key


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("长春鑫汇", "91220101MA0000002X"),
        ("四平鑫汇", "91220101MA0000005X"),
        ("鑫汇（吉林）金融信息服务", "91220101MA0000003X"),
        ("鑫汇(吉林)金融信息服务有限公司", "91220101MA0000003X"),
        ("吉林鑫汇金融信息服务", "91220101MA0000003X"),
    ],
)
def test_region_prefix_or_bracket_picks_firm(
    index: NameIndex, query: str, key: str
) -> None:
    assert top_key(index, query) == key


@pytest.mark.parametrize(
    "query",
    [
        "吉林礼祥友金融服务有限责任公司",
        "吉林礼祥友金融服务股份有限公司",
        "吉林礼祥友金融服务",
        "吉林 礼祥友 金融服务有限公司",
        "吉林\u3000礼祥友金融服务有限公司",
    ],
)
def test_suffix_and_spacing_variants_find_firm(index: NameIndex, query: str) -> None:
    best = index.search(query, limit=1)[0]
    assert best.key == "91220101MA0000001X"
    assert best.score >= 90


def test_full_width_query_matches_like_half_width() -> None:
    index = NameIndex.build(
        [("K1", "长春ABC网络科技有限公司"), ("K2", "长春ABD商贸有限公司")]
    )
    assert top_key(index, "ＡＢＣ科技") == "K1"


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("礼祥有金服", "91220101MA0000001X"),  # substituted character
        ("礼友金融服务", "91220101MA0000001X"),  # dropped character
        ("鑫会投资", "91220101MA0000005X"),  # two-character 字号, one wrong
    ],
)
def test_one_character_typo_in_brand_is_tolerated(
    index: NameIndex, query: str, key: str
) -> None:
    best = index.search(query, limit=1)[0]
    assert best.key == key
    assert best.score < 100


def test_real_firm_ranks_above_decoys_sharing_characters(index: NameIndex) -> None:
    results = index.search("吉林礼祥友金融服务有限公司")
    assert [m.key for m in results][:1] == ["91220101MA0000001X"]
    assert results[0].score == 100
    assert all(m.score < 80 for m in results[1:])


def test_match_explains_itself_in_chinese(index: NameIndex) -> None:
    best = index.search("礼祥友金服", limit=1)[0]
    assert best == NameMatch(
        key="91220101MA0000001X",
        name="吉林礼祥友金融服务有限公司",
        score=96.3,  # through the abbreviation table, just short of exact words
        why="字号“礼祥友”一致；行业“金融服务”≈“金服”",
    )


def test_one_character_form_may_end_the_industry() -> None:
    index = NameIndex.build(
        [("K1", "汇润（长春）酒店管理有限公司"), ("K2", "长春市南关区汇润美发店")]
    )
    assert top_key(index, "汇润酒店") == "K1"


def test_exact_industry_words_beat_an_abbreviation_reading() -> None:
    index = NameIndex.build(
        [("K1", "鹏金（吉林）供应链管理有限公司"), ("K2", "吉林市鹏金物流有限公司")]
    )
    assert top_key(index, "鹏金物流") == "K2"


def test_unrelated_name_finds_nothing(index: NameIndex) -> None:
    assert index.search("完全无关") == []


def test_add_remove_and_rename_take_effect_at_once() -> None:
    index = NameIndex.build(FIRMS)
    index.add("NEW1", "长春市瑞丰网络借贷信息中介服务有限公司")
    assert top_key(index, "瑞丰网贷") == "NEW1"
    assert len(index) == len(FIRMS) + 1

    index.add("NEW1", "长春市丰瑞网络借贷信息中介服务有限公司")
    assert top_key(index, "丰瑞网贷") == "NEW1"
    assert all(m.key != "NEW1" for m in index.search("瑞丰网贷") if m.score > 70)

    index.add("91220101MA0000006X", "长春通融金融服务股份有限公司")
    assert top_key(index, "通融金服") == "91220101MA0000006X"
    assert all(m.key != "91220101MA0000006X" for m in index.search("融通金服"))

    index.remove("NEW1")
    index.remove("91220101MA0000001X")
    index.remove("NOT-THERE")
    assert all(m.key != "91220101MA0000001X" for m in index.search("礼祥友金服"))
    assert len(index) == len(FIRMS) - 1


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    index = NameIndex.build(FIRMS)
    index.add("NEW1", "长春市瑞丰网络借贷信息中介服务有限公司")
    index.remove("91220101MA0000002X")
    path = tmp_path / "names.npz"
    index.save(path)

    loaded = NameIndex.load(path)
    assert len(loaded) == len(index)
    for query in ("礼祥友金服", "长春鑫汇", "瑞丰网贷", "鑫会投资"):
        assert loaded.search(query) == index.search(query)


def test_load_refuses_a_file_of_another_format(tmp_path: Path) -> None:
    path = tmp_path / "old.npz"
    np.savez(path, format_version=np.array(0))
    with pytest.raises(ValueError, match="rebuild"):
        NameIndex.load(path)


@pytest.mark.parametrize(
    ("loose", "registered", "agrees"),
    [
        ("金服", "金融服务", True),
        ("教育", "教育咨询", True),  # first word of the industry
        ("金融信息服务", "房地产金融信息服务", True),  # narrower registered phrase
        ("品", "人参制品", False),  # one character is a split gone wrong
        ("融信息服务", "金融信息服务", False),  # fragment with a character lost
        ("铭餐饮管理", "餐饮管理", False),  # 字号 character left on
        ("金融服务外包", "金融信息服务", False),  # another industry
    ],
)
def test_industry_similarity_credits_real_agreement_only(
    loose: str, registered: str, agrees: bool
) -> None:
    assert (industry_similarity(loose, registered) > 0) == agrees


def test_empty_index_accepts_additions() -> None:
    index = NameIndex.build([])
    assert index.search("鑫汇") == []
    index.add("K1", "鑫汇投资管理有限公司")
    assert top_key(index, "鑫汇投资") == "K1"


def test_compact_folds_additions_into_arrays() -> None:
    index = NameIndex.build(FIRMS)
    index.add("NEW1", "长春市瑞丰网络借贷信息中介服务有限公司")
    compacted = index.compact()
    assert len(compacted) == len(index)
    assert top_key(compacted, "瑞丰网贷") == "NEW1"


BULK_NAMES = [
    "吉林礼祥友金融服务有限公司",
    "长春市南关区鑫汇网络科技有限责任公司",
    "鑫汇（吉林）金融信息服务有限公司",
    "长春市鑫汇（吉林）金融服务有限公司",
    "鑫汇（金华）金融服务有限公司",
    "鑫汇（吉）金融服务有限公司",
    "长春藤投资管理有限公司",
    "吉林金融服务有限公司",
    "九台市铭方永汽车修理部",
    "深圳融通金融信息服务有限责任公司长春分公司",
    "长春市长春高新技术产业开发区小廖快餐店",
    "某某合伙企业（有限合伙）",
    "吉林省长春市朝阳区一个名字很长很长很长很长很长的字号网络科技有限公司",
    "鑫汇",
    "汇",
    "",
]


def test_bulk_split_agrees_with_split_name() -> None:
    names = pa.array(BULK_NAMES * 3, type=pa.large_string())
    columns = split_all(names)
    for row, name in enumerate(names.to_pylist()):
        bulk = NameParts(
            *(columns[f].texts[columns[f].ids[row]] for f in NameParts._fields)
        )
        assert bulk == split_name(name)


def test_unlisted_industry_phrase_is_cut_from_the_brand() -> None:
    names = [
        ("a", "吉林市汇财网贷服务有限公司"),
        ("b", "长春市安心餐饮有限公司"),
        ("c", "吉林银行股份有限公司长春分行"),
    ]
    index = NameIndex.build(names)

    assert split_name("吉林市汇财网贷服务有限公司").brand == "汇财"
    assert index.search("汇财网贷")[0].key == "a"
    assert index.search("吉林汇财")[0].key == "a"
