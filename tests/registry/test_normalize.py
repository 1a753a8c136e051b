import random

import pyarrow as pa
import pytest

from finsentry.registry.normalize import normalize_name, normalize_names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("吉林省Ｐ２ｐ金融有限公司", "吉林省P2P金融有限公司"),
        (" 长春 市\u3000某某 科技有限公司 ", "长春市某某科技有限公司"),
        ("长春(吉林)科技有限公司", "长春（吉林）科技有限公司"),
        ("长春（吉林）科技有限公司", "长春（吉林）科技有限公司"),
        ("abc\u200b金融\ufeff", "ABC金融"),
        ("Ａｂｃ\t\n金融\xa0服务", "ABC金融服务"),
        ("", ""),
    ],
)
def test_normalize_name_folds_width_space_case_and_brackets(
    raw: str, expected: str
) -> None:
    assert normalize_name(raw) == expected


def test_normalize_name_is_idempotent() -> None:
    once = normalize_name(" ｐ２ｐ（长春）\u3000理财 ")
    assert normalize_name(once) == once


def test_normalize_name_keeps_non_ascii_letters_as_they_are() -> None:
    assert normalize_name("straße") == "STRAßE"


def _random_name(rng: random.Random) -> str:
    pieces = [
        "吉林",
        "长春",
        "金融",
        "理财",
        "p2p",
        "Ｐ２Ｐ",
        "(",
        ")",
        "（",
        "）",
        " ",
        "\u3000",
        "\t",
        "ａｂ",
        "Xy",
        "\u200b",
        "\xa0",
        "ß",
        "é",
        "①",
        "ﬁ",
        "㈱",
    ]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))


def test_normalize_names_equals_scalar_on_varied_names() -> None:
    rng = random.Random(7)
    names = [_random_name(rng) for _ in range(2000)] + [None]
    vectorised = normalize_names(pa.array(names, type=pa.string()))
    expected = [None if n is None else normalize_name(n) for n in names]
    assert vectorised.to_pylist() == expected


def test_normalize_names_accepts_large_and_chunked_arrays() -> None:
    chunked = pa.chunked_array([["ａ (b)"], ["c\u3000d"]], type=pa.large_string())
    assert normalize_names(chunked).to_pylist() == ["A（B）", "CD"]
