import random

import pyarrow as pa
import pytest

from finsentry.registry.uscc import (
    AUTHORITIES,
    CHARSET,
    EntityKind,
    code_problem,
    code_problems_mask,
    entity_kind,
    make_code,
    normalize_code,
    region_code,
)

# Codes published by the companies themselves (annual reports, invoices, the
# GLEIF record of PetroChina); every one must pass both check digits.
REAL_CODES = {
    "914403001922038216": "华为技术有限公司",
    "9144030071526726XG": "腾讯科技（深圳）有限公司",
    "91440300708461136T": "深圳市腾讯计算机系统有限公司",
    "91330100799655058B": "阿里巴巴（中国）有限公司",
    "91110000710925462X": "中国石油天然气股份有限公司",
    "91100000100003962T": "中国工商银行股份有限公司",
    "91520000214434146R": "中航重机股份有限公司",
    "91110108551385082Q": "小米科技有限责任公司",
    "91220101124023538J": "东北师范大学出版社激光照排中心（长春）",
}


@pytest.mark.parametrize("code", sorted(REAL_CODES))
def test_accepts_real_published_codes(code: str) -> None:
    assert code_problem(code) is None
    assert not code_problems_mask([code])[0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("91330100799655058b", "91330100799655058B"),
        (" 9144030071526726xg\n", "9144030071526726XG"),
        ("９１４４０３００１９２２０３８２１６", "914403001922038216"),
        ("9133 0100 7996 5505 8B", "91330100799655058B"),
        ("9133\u30000100799655058B", "91330100799655058B"),
    ],
)
def test_normalize_folds_case_width_and_spaces(raw: str, expected: str) -> None:
    assert normalize_code(raw) == expected
    assert code_problem(normalize_code(raw)) is None


def test_lowercase_is_rejected_until_normalised() -> None:
    assert code_problem("91330100799655058b") == "含非法字符 'b'（第18位）"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("9133010079965505B", "长度应为18位，实为17位"),
        ("", "长度应为18位，实为0位"),
        ("91330100799655058B1", "长度应为18位，实为19位"),
        ("9133I100799655058B", "含非法字符 'I'（第5位）"),
        ("91330100799655058O", "含非法字符 'O'（第18位）"),
        ("91330100799655058-", "含非法字符 '-'（第18位）"),
        ("B1330100799655058B", "登记管理部门代码 'B' 不存在（第1位）"),
        ("94330100799655058B", "机构类别代码 '4' 不属于登记管理部门“工商”（第2位）"),
        ("Y2330100799655058B", "机构类别代码 '2' 不属于登记管理部门“其他”（第2位）"),
        (
            "913301A0799655058B",
            "登记管理机关行政区划码应为6位数字，实为 '3301A0'（第3-8位）",
        ),
        (
            "91330100799655059B",
            "组织机构代码校验码错误（GB 11714）：应为 8，实为 9（第17位）",
        ),
        ("91330100799655058C", "校验码错误：应为 B，实为 C"),
    ],
)
def test_explains_each_kind_of_error(code: str, reason: str) -> None:
    assert code_problem(code) == reason
    assert code_problems_mask([code])[0]


def test_rejects_unknown_authority_zero() -> None:
    assert code_problem("01330100799655058B") == "登记管理部门代码 '0' 不存在（第1位）"


@pytest.mark.parametrize(
    ("code", "authority", "kind", "market"),
    [
        ("914403001922038216", "工商", "企业", True),
        (make_code("92", "220102", "L1234567"), "工商", "个体工商户", True),
        (make_code("93", "220102", "MA000001"), "工商", "农民专业合作社", True),
        (make_code("52", "220000", "50000001"), "民政", "民办非企业单位", False),
        (make_code("12", "220000", "41234567"), "机构编制", "事业单位", False),
        (make_code("N2", "220102", "C1234567"), "农业", "村级集体经济组织", False),
    ],
)
def test_entity_kind_reads_authority_and_type(
    code: str, authority: str, kind: str, market: bool
) -> None:
    result = entity_kind(code)
    assert isinstance(result, EntityKind)
    assert (result.authority_name, result.type_name) == (authority, kind)
    assert result.is_market_entity is market


def test_entity_kind_rejects_unknown_pair() -> None:
    with pytest.raises(ValueError):
        entity_kind("99")


def test_region_code_is_positions_3_to_8() -> None:
    assert region_code("91220101124023538J") == "220101"


def test_make_code_computes_x_org_check_digit() -> None:
    # GB 11714: body 71526726 sums to a remainder of 1, so its check is 'X'.
    assert make_code("91", "440300", "71526726") == "9144030071526726XG"


@pytest.mark.parametrize(
    "args",
    [
        ("9", "220102", "12345678"),
        ("91", "22010", "12345678"),
        ("91", "220102", "1234567I"),
    ],
)
def test_make_code_rejects_bad_parts(args: tuple[str, str, str]) -> None:
    with pytest.raises(ValueError):
        make_code(*args)


def _random_valid(rng: random.Random) -> str:
    """Return a valid code with a random authority/type, region and body."""
    authority = rng.choice(sorted(AUTHORITIES))
    kind = rng.choice(sorted(AUTHORITIES[authority][1]))
    region = "".join(rng.choice("0123456789") for _ in range(6))
    body = "".join(rng.choice(CHARSET) for _ in range(8))
    return make_code(authority + kind, region, body)


def _corrupt(code: str, rng: random.Random) -> str:
    """Return `code` damaged in one of the ways registries get it wrong."""
    pos = rng.randrange(18)
    choice = rng.randrange(5)
    if choice == 0:
        return code[:pos] + rng.choice(CHARSET) + code[pos + 1 :]
    if choice == 1:
        return code[:pos] + rng.choice("IOSVZa- é中") + code[pos + 1 :]
    if choice == 2:
        return code[:pos] + code[pos + 1 :]
    if choice == 3:
        chars = list(code)
        chars[pos], chars[(pos + 1) % 18] = chars[(pos + 1) % 18], chars[pos]
        return "".join(chars)
    return code + rng.choice(CHARSET)


def test_mask_agrees_with_scalar_on_random_codes() -> None:
    rng = random.Random(20160503)
    valid = [_random_valid(rng) for _ in range(3000)]
    codes = valid + [_corrupt(code, rng) for code in valid for _ in range(2)]

    mask = code_problems_mask(codes)

    expected = [code_problem(code) is not None for code in codes]
    assert mask.tolist() == expected
    assert not mask[:3000].any()
    assert mask[3000:].sum() > 5000


def test_mask_accepts_arrow_arrays_slices_and_nulls() -> None:
    good = "91330100799655058B"
    array = pa.array(["x", good, None, "91330100799655058C", good], pa.string())

    assert code_problems_mask(array).tolist() == [True, False, True, True, False]
    assert code_problems_mask(array.slice(1)).tolist() == [False, True, True, False]
    large = array.cast(pa.large_string())
    assert code_problems_mask(large).tolist() == [True, False, True, True, False]
    chunked = pa.chunked_array([array[:2], array[2:]])
    assert code_problems_mask(chunked).tolist() == [True, False, True, True, False]


def test_mask_of_empty_input_is_empty() -> None:
    assert code_problems_mask([]).shape == (0,)
    assert code_problems_mask(["short"]).tolist() == [True]
