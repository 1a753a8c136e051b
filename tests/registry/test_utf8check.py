"""The block UTF-8 check agrees with Python's decoder."""

import pytest

from finsentry.registry import utf8check


@pytest.mark.parametrize(
    "data",
    [
        "吉林省鑫汇金融信息服务有限公司,91220101MA0Y00001A\n".encode(),
        b"plain ascii\n",
        b"",
        "😀 four-byte characters 𠀀".encode(),
        b"\xff",  # never a UTF-8 byte
        "金融".encode()[:-1],  # cut inside a character
        b"\xc0\xaf",  # overlong
        b"\xed\xa0\x80",  # surrogate
        b"a\x80b",  # stray continuation byte
        ("金融信息服务；" * 40).encode(),  # longer than a binary view's inline 12
        ("金融信息服务；" * 40).encode() + b"\xff" + b"tail" * 4,
        "金融信息服务".encode()[:13],  # 13 bytes, the last character cut
    ],
)
def test_block_check_agrees_with_python(data: bytes) -> None:
    try:
        data.decode("utf-8")
        expected = True
    except UnicodeDecodeError:
        expected = False

    assert utf8check.is_utf8(data) is expected
    assert utf8check.is_utf8(memoryview(bytearray(data))) is expected
