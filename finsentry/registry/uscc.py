"""Unified social credit codes (统一社会信用代码) per GB 32100-2015.

A code is 18 characters from the set 0-9 and A-Z without I, O, S, V, Z:

    position 1      registration authority (登记管理部门代码)
    position 2      entity type under that authority (机构类别代码)
    positions 3-8   division code of the registering office (GB/T 2260)
    positions 9-17  organisation code (GB 11714), its 9th char a check digit
    position 18     check digit over positions 1-17 (GB/T 17710, mod 31)

`code_problem` explains one code in Chinese; `code_problems_mask` flags
millions at once with numpy and must agree with it exactly.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CODE_LENGTH = 18

# GB 32100-2015 clause 4.2: check weights are 3**i mod 31 for i = 0..16.
CHECK_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# GB 11714-1997 clause 5: weights of the eight body characters of an org code.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# GB 32100-2015 appendix A: authority -> (name, {entity type: name}).
AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {
            "1": "外国旅游部门常驻代表机构",
            "2": "港澳台旅游部门常驻代表机构",
            "9": "其他",
        },
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业",
        {
            "1": "组级集体经济组织",
            "2": "村级集体经济组织",
            "3": "乡镇级集体经济组织",
            "9": "其他",
        },
    ),
    "Y": ("其他", {"1": "其他"}),
}

_CHAR_VALUE = {ch: i for i, ch in enumerate(CHARSET)}


@dataclass(frozen=True)
class EntityKind:
    """What positions 1-2 of a code say about the holder.

    `is_market_entity` holds for authority '9' only: enterprises, individual
    businesses and farmer cooperatives registered by market regulation.
    """

    authority_code: str
    authority_name: str
    type_code: str
    type_name: str
    is_market_entity: bool


def normalize_code(raw: str) -> str:
    """Return `raw` with full-width folded to half-width, whitespace removed and
    letters upper-cased; use before every other function here."""
    folded = unicodedata.normalize("NFKC", raw)
    return "".join(folded.split()).upper()


def _org_check_char(body: str) -> str:
    """Return the GB 11714 check character for an 8-character org-code body."""
    # GB 11714 values letters by alphabet position (A=10 ... Z=35), unlike
    # GB 32100 which skips I, O, S, V, Z.
    total = sum(int(ch, 36) * w for ch, w in zip(body, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def _final_check_char(first17: str) -> str:
    """Return the GB 32100 check character for the first 17 characters."""
    values = (_CHAR_VALUE[ch] for ch in first17)
    total = sum(v * w for v, w in zip(values, CHECK_WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def code_problem(code: str) -> str | None:
    """Return None for a valid normalised code, else a short Chinese reason
    naming the first problem found."""
    if len(code) != CODE_LENGTH:
        return f"长度应为18位，实为{len(code)}位"

    for pos, ch in enumerate(code, start=1):
        if ch not in _CHAR_VALUE:
            return f"含非法字符 '{ch}'（第{pos}位）"

    authority = AUTHORITIES.get(code[0])
    if authority is None:
        return f"登记管理部门代码 '{code[0]}' 不存在（第1位）"
    authority_name, types = authority
    if code[1] not in types:
        return f"机构类别代码 '{code[1]}' 不属于登记管理部门“{authority_name}”（第2位）"

    region = code[2:8]
    if not region.isdigit():
        return f"登记管理机关行政区划码应为6位数字，实为 '{region}'（第3-8位）"

    org_expected = _org_check_char(code[8:16])
    if code[16] != org_expected:
        return (
            f"组织机构代码校验码错误（GB 11714）：应为 {org_expected}，"
            f"实为 {code[16]}（第17位）"
        )

    expected = _final_check_char(code[:17])
    if code[17] != expected:
        return f"校验码错误：应为 {expected}，实为 {code[17]}"
    return None


def entity_kind(code: str) -> EntityKind:
    """Return the authority and entity type encoded in positions 1-2; raises
    ValueError when they are not in the GB 32100 table."""
    authority = AUTHORITIES.get(code[:1])
    if authority is None or code[1:2] not in authority[1]:
        raise ValueError(f"unknown authority/type {code[:2]!r}")
    name, types = authority
    return EntityKind(
        authority_code=code[0],
        authority_name=name,
        type_code=code[1],
        type_name=types[code[1]],
        is_market_entity=code[0] == "9",
    )


def region_code(code: str) -> str:
    """Return the six-digit division code of the registering office."""
    return code[2:8]


def make_code(authority_type: str, region: str, org_body: str) -> str:
    """Return a valid code built from positions 1-2, a six-digit region and an
    eight-character org-code body, computing both check characters."""
    if len(authority_type) != 2 or len(region) != 6 or len(org_body) != 8:
        raise ValueError("need 2 + 6 + 8 characters")
    if any(ch not in _CHAR_VALUE for ch in authority_type + region + org_body):
        raise ValueError(f"character outside GB 32100 set in {org_body!r}")
    first17 = authority_type + region + org_body + _org_check_char(org_body)
    return first17 + _final_check_char(first17)


# ---- vectorised check -----------------------------------------------------


def _lookup_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return byte -> GB 32100 value (255 if illegal), byte -> GB 11714 value,
    and the 256x256 table of allowed (authority, type) byte pairs."""
    charset_value = np.full(256, 255, dtype=np.uint16)
    for i, ch in enumerate(CHARSET):
        charset_value[ord(ch)] = i
    org_value = np.zeros(256, dtype=np.uint16)
    for ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        org_value[ord(ch)] = int(ch, 36)
    allowed = np.zeros((256, 256), dtype=bool)
    for auth, (_name, types) in AUTHORITIES.items():
        for kind in types:
            allowed[ord(auth), ord(kind)] = True
    return charset_value, org_value, allowed


_CHARSET_VALUE, _ORG_VALUE, _ALLOWED_PAIR = _lookup_tables()
_CHARSET_VALUE_U8 = _CHARSET_VALUE.astype(np.uint8)
_ORG_VALUE_U8 = _ORG_VALUE.astype(np.uint8)
# Org check value 0..10 -> expected byte: 10 is 'X' (GB 11714), 11 folds to 0.
_ORG_CHECK_BYTE = np.frombuffer(b"0123456789X", dtype=np.uint8)
_CHARSET_BYTES = np.frombuffer(CHARSET.encode(), dtype=np.uint8)


def _fixed_width_view(codes: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Return the mask of rows that are 18 bytes long and an (n, 18) uint8 view
    of just those rows, built without a Python loop."""
    lengths = pc.fill_null(pc.binary_length(codes), 0)
    right_length = lengths.to_numpy(zero_copy_only=False) == CODE_LENGTH
    kept = codes.filter(pa.array(right_length))
    if len(kept) == 0:
        return right_length, np.zeros((0, CODE_LENGTH), dtype=np.uint8)
    offsets_buf, data_buf = kept.buffers()[1], kept.buffers()[2]
    offset_type = np.int64 if pa.types.is_large_string(kept.type) else np.int32
    offsets = np.frombuffer(offsets_buf, dtype=offset_type)
    start = int(offsets[kept.offset])
    data = np.frombuffer(data_buf, dtype=np.uint8)
    flat = data[start : start + CODE_LENGTH * len(kept)]
    return right_length, flat.reshape(len(kept), CODE_LENGTH)


_CHECK_WEIGHTS = np.array(CHECK_WEIGHTS[: CODE_LENGTH - 1], dtype=np.uint16)[:, None]
_ORG_WEIGHT_COLUMN = np.array(ORG_WEIGHTS, dtype=np.uint16)[:, None]


def _invalid_rows(chars: np.ndarray) -> np.ndarray:
    """Return True for each row of an (n, 18) byte matrix that is not a valid
    code; works on the transposed matrix, one byte row per position."""
    columns = np.ascontiguousarray(chars.T)
    values = _CHARSET_VALUE_U8.take(columns)
    bad = ~_ALLOWED_PAIR[columns[0], columns[1]]
    bad |= values[2:8].max(axis=0) >= 10
    bad |= values.max(axis=0) >= len(CHARSET)
    # uint16 suffices for valid rows: the largest weighted sum is
    # 30 * 30 * 17 = 15300 (rows with an illegal byte are refused above).
    total = (values[: CODE_LENGTH - 1] * _CHECK_WEIGHTS).sum(axis=0, dtype=np.uint16)
    org_values = _ORG_VALUE_U8.take(columns[8:16])
    org_total = (org_values * _ORG_WEIGHT_COLUMN).sum(axis=0, dtype=np.uint16)
    bad |= columns[16] != _ORG_CHECK_BYTE[(11 - org_total % 11) % 11]
    bad |= columns[17] != _CHARSET_BYTES[(31 - total % 31) % 31]
    return np.asarray(bad, dtype=bool)


def code_problems_mask(codes: pa.Array | pa.ChunkedArray | list[str]) -> np.ndarray:
    """Return a bool array, True where a normalised code is invalid (nulls too);
    `code_problem` explains each flagged row."""
    if isinstance(codes, pa.ChunkedArray):
        codes = codes.combine_chunks()
    array = codes if isinstance(codes, pa.Array) else pa.array(codes, pa.string())
    right_length, chars = _fixed_width_view(array)

    result = np.ones(len(array), dtype=bool)
    result[right_length] = _invalid_rows(chars)
    return result
