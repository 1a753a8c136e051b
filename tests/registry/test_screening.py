import random

import hyperscan
import pyarrow as pa
import pytest

from finsentry.registry import screening
from finsentry.registry.licensing import LicenceIndex
from finsentry.registry.normalize import normalize_name
from finsentry.registry.screening import (
    CLEAN,
    Hit,
    KeywordScanner,
    WordList,
    screen_record,
)
from finsentry.registry.screening_batch import screen_batch

MARKET = "91220101MA0Y00001A"


@pytest.fixture(scope="module")
def scanner() -> KeywordScanner:
    return KeywordScanner(WordList.default())


def test_default_word_list_holds_both_plan_lists() -> None:
    words = {e.word: e for e in WordList.default().entries}
    assert len(words) == 20
    assert set(words["P2P"].lists) == {"entry_3_2", "survey_4_2_2"}
    assert words["金融"].lists == ("entry_3_2",)
    assert words["投资咨询"].lists == ("survey_4_2_2",)
    assert words["网贷"].domain == "p2p"
    assert WordList.default().real_estate_words == ("房地产", "首付", "购房", "楼盘")


def test_name_hit_is_flagged_with_nested_words(scanner: KeywordScanner) -> None:
    result = screen_record(MARKET, "吉林省某某互联网金融服务有限公司", "", scanner)
    assert result.flagged and not result.licensed
    assert result.keywords == ("互联网金融", "金融", "金融服务")
    assert Hit("金融", "name", 8, 10) in result.hits
    assert "名称含“金融”" in result.reasons
    assert result.domains == ("cross",)


@pytest.mark.parametrize("variant", ["Ｐ２Ｐ", "p2p", "ｐ２ｐ", "P２p"])
def test_scope_variants_are_caught_at_raw_offsets(
    scanner: KeywordScanner, variant: str
) -> None:
    scope = f"软件开发；{variant}信息中介"
    result = screen_record(MARKET, "长春某某科技有限公司", scope, scanner)
    assert result.hits == (Hit("P2P", "scope", 5, 8),)
    assert result.domains == ("p2p",)
    assert "经营范围含“P2P”（排除条款外）" in result.reasons


def test_word_only_inside_exclusion_clause_is_not_a_hit(
    scanner: KeywordScanner,
) -> None:
    scope = "软件开发（不得从事吸收存款、集资收款等金融业务）"
    result = screen_record(MARKET, "长春某某科技有限公司", scope, scanner)
    assert not result.flagged
    assert result.hits == ()
    assert result.reasons == ("仅在排除条款内出现“金融”，不计为命中",)


def test_activity_after_clause_is_still_a_hit(scanner: KeywordScanner) -> None:
    scope = "投资咨询（不含金融）；理财产品销售"
    result = screen_record(MARKET, "长春某某科技有限公司", scope, scanner)
    assert result.keywords == ("投资咨询", "理财")
    assert result.domains == ("asset_mgmt",)


@pytest.mark.parametrize(
    ("name", "scope", "domains"),
    [
        ("长春某某网贷信息有限公司", "", ("p2p",)),
        ("长春某某科技有限公司", "股权众筹平台", ("crowdfunding",)),
        ("长春某某互联网保险有限公司", "", ("insurance",)),
        ("长春某某支付科技有限公司", "", ("payment",)),
        ("长春某某金融信息服务有限公司", "理财咨询", ("asset_mgmt",)),
        ("长春某某交易中心有限公司", "", ("cross",)),
        ("长春某某房地产经纪有限公司", "购房首付理财", ("asset_mgmt", "real_estate")),
        ("长春某某金融服务有限公司", "楼盘销售代理", ("real_estate",)),
        ("长春某某金融服务有限公司", "软件开发（不含房地产开发）", ("cross",)),
    ],
)
def test_words_classify_into_catalogue_domains(
    scanner: KeywordScanner, name: str, scope: str, domains: tuple[str, ...]
) -> None:
    assert screen_record(MARKET, name, scope, scanner).domains == domains


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("51220000MJ0000001X", "社会团体"),
        ("52220000MJ0000001X", "民办非企业单位"),
        ("53220000MJ0000001X", "基金会"),
        ("12220000MB0000001X", "事业单位"),
        ("Y1220000MB0000001X", "其他登记管理部门登记的组织"),
    ],
)
def test_non_market_entity_is_not_screened(
    scanner: KeywordScanner, code: str, label: str
) -> None:
    result = screen_record(code, "吉林省某某慈善基金会", "资助金融教育", scanner)
    assert not result.flagged and result.hits == ()
    assert result.reasons == (f"非市场监管登记主体（{label}），不在本次筛查范围",)


def test_recognised_bank_branch_is_licensed_not_flagged(
    scanner: KeywordScanner,
) -> None:
    name = "中国工商银行股份有限公司长春西安大路支行"
    result = screen_record(
        MARKET, name, "吸收公众存款；代理收付款项；金融债券", scanner
    )
    assert not result.flagged and result.licensed
    assert result.licence_kind == "bank"
    assert result.reasons[0] == "持牌金融机构（银行分支机构，按名称与经营范围识别）"


def test_listed_private_fund_is_licensed_only_from_the_list(
    scanner: KeywordScanner,
) -> None:
    name = normalize_name("长春某某股权投资基金管理有限公司")
    code = "91220101MA0Y00002B"
    unlisted = screen_record(code, name, "", scanner)
    index = LicenceIndex.from_entries([(code, name, "private_fund")])
    listed = screen_record(code, name, "", scanner, index)
    assert unlisted.flagged and not unlisted.licensed
    assert listed.licensed and not listed.flagged
    assert listed.licence_kind == "private_fund"
    assert listed.reasons[0] == "持牌金融机构（私募基金管理人，按导入的许可名单）"


def test_ordinary_firm_is_clean(scanner: KeywordScanner) -> None:
    assert screen_record(MARKET, "长春市某某餐饮店", "餐饮服务", scanner) == CLEAN


def test_staff_edited_word_list_is_normalised_and_checked() -> None:
    words = WordList.from_entries(
        [
            {"word": "ｐ２ｐ", "lists": ["staff"], "domain": "p2p"},
            ("众筹", "staff", "crowdfunding"),
        ],
        "db-1",
        ["首付"],
    )
    assert [e.word for e in words.entries] == ["P2P", "众筹"]
    assert words.version == "db-1"
    with pytest.raises(ValueError, match="unknown domain"):
        WordList.from_entries([("理财", ["staff"], "casino")], "db-2")


NAMES = [
    "长春市某某餐饮店",
    "吉林省某某互联网金融信息服务有限公司",
    "长春某某理财咨询有限公司",
    "中国工商银行股份有限公司长春西安大路支行",
    "吉林银行卡服务有限公司",
    "长春市银行街餐饮店",
    "长春某某股权投资基金管理有限公司",
    "华夏基金管理有限公司",
    "长春某某P2P网贷有限公司",
    "吉林省某某慈善基金会",
    "长春某某房地产开发有限公司",
    "某某人寿保险有限公司长春营销服务部",
    "长春某某科技有限公司",
    "吉林某某保险代理有限公司",
    "",
    "A",
    "ÉCOLE金融",
]
SCOPES = [
    "餐饮服务",
    "软件开发；互联网金融信息服务",
    "投资咨询（不含金融）；理财产品销售",
    "企业管理咨询（不得从事吸收存款、集资收款、受托贷款等国家金融监管及财政信用业务）",
    "未经金融监管部门批准，不得从事吸收存款、融资担保、代客理财等金融业务",
    "技术咨询(金融、证券、期货、保险除外);Ｐ２Ｐ信息中介",
    "吸收公众存款；发放短期、中期和长期贷款",
    "基金募集、基金销售、特定客户资产管理、资产管理和中国证监会许可的其他业务",
    "房地产开发；购房首付分期理财",
    "依法须经批准的项目，经相关部门批准后方可开展经营活动",
    "p2p",
    "支付结算软件开发",
    "",
    "金",
    "融资租赁咨询",
]
CODES = [
    MARKET,
    "91220101MA0Y00002B",
    "53220000MJ0000001X",
    "51220000MJ0000001X",
    "12220000MB0000001X",
    "220101000012345",
    "",
    " 91220101ma0y00003c ",
]


def _random_rows(n: int, seed: int) -> tuple[list, list, list]:
    rng = random.Random(seed)
    codes, names, scopes = [], [], []
    for _ in range(n):
        codes.append(None if rng.random() < 0.02 else rng.choice(CODES))
        name = "".join(rng.choice(NAMES) for _ in range(rng.randint(1, 2)))
        names.append(None if rng.random() < 0.02 else normalize_name(name))
        # Joined pieces without separators also put words across piece ends.
        scope = "".join(rng.choice(SCOPES) for _ in range(rng.randint(0, 3)))
        scopes.append(None if rng.random() < 0.02 else scope)
    return codes, names, scopes


def _expected(codes: list, names: list, scopes: list, scanner, licences) -> dict:
    out = {}
    for row, (code, name, scope) in enumerate(zip(codes, names, scopes, strict=True)):
        result = screen_record(code or "", name or "", scope or "", scanner, licences)
        if result != CLEAN:
            out[row] = result
    return out


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_batch_equals_record_on_varied_rows(
    scanner: KeywordScanner, monkeypatch: pytest.MonkeyPatch, kind: pa.DataType
) -> None:
    # A tiny scan chunk puts many chunk cuts between rows.
    monkeypatch.setattr(screening, "_SCAN_CHUNK", 300)
    codes, names, scopes = _random_rows(3000, seed=11)
    licences = LicenceIndex.from_entries(
        [("91220101MA0Y00002B", "", "microcredit"), ("", NAMES[6], "private_fund")]
    )
    for index in (None, licences):
        got = screen_batch(
            pa.array(codes, type=kind),
            pa.array(names, type=kind),
            pa.array(scopes, type=kind),
            scanner,
            index,
        )
        assert got == _expected(codes, names, scopes, scanner, index)


def test_batch_respects_array_offset_and_chunks(scanner: KeywordScanner) -> None:
    codes, names, scopes = _random_rows(600, seed=5)
    arrays = [pa.array(x, type=pa.string()) for x in (codes, names, scopes)]
    sliced = [a.slice(100, 400) for a in arrays]
    chunked = [pa.chunked_array([a.slice(0, 250), a.slice(250)]) for a in sliced]
    expected = _expected(codes[100:500], names[100:500], scopes[100:500], scanner, None)
    assert screen_batch(*sliced, scanner) == expected
    assert screen_batch(*chunked, scanner) == expected


def test_batch_rejects_arrays_of_different_length(scanner: KeywordScanner) -> None:
    short = pa.array(["x"])
    with pytest.raises(ValueError, match="differ in length"):
        screen_batch(short, pa.array(["x", "y"]), short, scanner)


@pytest.mark.parametrize(
    "scope", ["金 融信息服务", "金\u3000融信息服务", "P 2 P网络借贷"]
)
def test_stray_space_inside_a_scope_word_still_hits(scope: str) -> None:
    scanner = KeywordScanner(WordList.default())

    result = screen_record("91220102MA0Y123407", "长春甲公司", scope, scanner)

    assert result.flagged
    assert all(h.field == "scope" for h in result.hits)


def test_word_databases_compile_once_and_load_from_disk_after(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FINSENTRY_DATA_DIR", str(tmp_path))
    words = screening.WordList.default()
    first = screening.KeywordScanner(words)
    cached = sorted((tmp_path / "cache" / "rules").glob("*.hsdb"))
    assert len(cached) == 5  # names and scopes, as words and as tables; clauses

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(hyperscan, "Database", no_compiling)
    second = screening.KeywordScanner(words)

    scope = "金融信息服务；理财咨询（不含金融、类金融业务）"
    assert second.scan(scope, "scope") == first.scan(scope, "scope")
    names = pa.array(["吉林鑫汇金融服务有限公司"])
    scopes = pa.array([scope])
    codes = pa.array(["91220101MA0Y00001A"])
    assert screen_batch(codes, names, scopes, second) == screen_batch(
        codes, names, scopes, first
    )
