"""Decoding page bodies as Chinese sites send them."""

import codecs

import pytest

from finsentry.patrol.decode import codec_name, declared_charsets, decode_body

TEXT = "吉林鑫汇贷：年化收益率12%，保本保息。镕（GBK 独有字）"


def html(charset_meta: str = "") -> str:
    return (
        f"<html><head>{charset_meta}<title>鑫汇贷</title></head>"
        f"<body><p>{TEXT}</p></body></html>"
    )


def test_utf8_declared_in_header_decodes() -> None:
    body = html().encode("utf-8")

    text, encoding = decode_body(body, "text/html; charset=UTF-8")

    assert TEXT in text
    assert encoding == "utf-8"


def test_gbk_body_declared_utf8_comes_out_right() -> None:
    meta = '<meta charset="utf-8">'
    body = html(meta).encode("gbk")

    text, encoding = decode_body(body, "text/html; charset=utf-8")

    assert TEXT in text
    assert encoding == "gb18030"


def test_gb2312_declaration_decodes_gbk_only_characters() -> None:
    # 镕 is outside GB2312; pages declared GB2312 use such characters all the time.
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    body = html(meta).encode("gbk")

    text, encoding = decode_body(body, "text/html")

    assert TEXT in text
    assert encoding == "gb18030"


def test_missing_charset_gbk_is_detected() -> None:
    body = html().encode("gbk")

    text, encoding = decode_body(body, None)

    assert TEXT in text
    assert encoding == "gb18030"


def test_missing_charset_utf8_is_detected() -> None:
    text, encoding = decode_body(html().encode("utf-8"), "text/html")

    assert TEXT in text
    assert encoding == "utf-8"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_bom_wins_over_a_wrong_declaration(bom: bytes, codec: str) -> None:
    body = bom + html('<meta charset="gbk">').encode(codec)

    text, encoding = decode_body(body, "text/html; charset=gbk")

    assert TEXT in text
    assert not text.startswith("\ufeff")
    assert encoding == codec


def test_latin1_declaration_over_gbk_bytes_is_not_trusted() -> None:
    body = html('<meta charset="iso-8859-1">').encode("gbk")

    text, encoding = decode_body(body, "text/html; charset=ISO-8859-1")

    assert TEXT in text
    assert encoding == "gb18030"


def test_big5_page_with_meta_decodes() -> None:
    page = "<html><head><meta charset=big5></head><body>台灣銀行存款利率</body></html>"

    text, encoding = decode_body(page.encode("big5"), None)

    assert "台灣銀行存款利率" in text
    assert encoding == "big5"


def test_page_cut_inside_a_character_keeps_its_declared_codec() -> None:
    body = html('<meta charset="utf-8">').encode("utf-8")
    cut = body[: body.index("保".encode()) + 1]

    text, encoding = decode_body(cut, None)

    assert encoding == "utf-8"
    assert text.endswith("\ufffd")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\xff\xfe\xfd" * 50,
        bytes(range(256)) * 40,
        b"<html><meta charset=no-such-codec><body>\x81\x30</body>",
        "正常文字".encode() + "乱码".encode("gbk") + b"\xff" * 5,
    ],
)
def test_undecodable_bodies_never_raise(body: bytes) -> None:
    text, encoding = decode_body(body, "text/html; charset=bogus")

    assert isinstance(text, str)
    assert codecs.lookup(encoding)


def test_ascii_page_reports_declared_codec() -> None:
    assert decode_body(b"<p>hello</p>", "text/html; charset=gbk") == (
        "<p>hello</p>",
        "gb18030",
    )


def test_declarations_are_read_from_header_meta_and_xml() -> None:
    body = b'<?xml version="1.0" encoding="GBK"?><html><meta charset="utf-8">'

    assert declared_charsets(body, 'text/html; charset="big5"') == [
        "big5",
        "utf-8",
        "gb18030",
    ]


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("GB2312", "gb18030"),
        ("gbk", "gb18030"),
        ("x-gbk", "gb18030"),
        ("UTF8", "utf-8"),
        ("iso-8859-1", "cp1252"),
        ("nonsense", None),
        (None, None),
    ],
)
def test_codec_names_follow_browser_labels(label: str | None, codec: str) -> None:
    assert codec_name(label) == codec


def test_utf8_page_with_a_pasted_gbk_footer_stays_utf8() -> None:
    body = html('<meta charset="utf-8">').encode("utf-8") * 20
    body += "<p>版权所有：长春某某有限公司</p>".encode("gbk")

    text, encoding = decode_body(body, "text/html; charset=utf-8")

    assert encoding == "utf-8"
    assert TEXT in text


@pytest.mark.parametrize("label", ["utf-16", "utf-16le", "cp037"])
def test_ascii_incompatible_declarations_are_ignored(label: str) -> None:
    body = f'<meta charset="{label}"><p>{TEXT}</p>'.encode()

    text, encoding = decode_body(body, None)

    assert TEXT in text
    assert encoding == "utf-8"
