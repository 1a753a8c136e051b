"""Detecting the text encoding of registry extracts.

Market-regulation extracts arrive as UTF-8 (with or without a BOM) or as
GBK/GB18030 from Windows tools. GB18030 is decoded for GBK too: it is a
superset, so one codec serves both.
"""

import codecs

from charset_normalizer import from_bytes

from finsentry.registry.errors import SourceError


def detect_encoding(sample: bytes, path: str) -> tuple[str, int]:
    """Return the codec name and the BOM length for a file from its first bytes."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8", len(codecs.BOM_UTF8)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError(path, "不支持 UTF-16 编码，请另存为 UTF-8 或 GBK 后重试")

    # Cut at the last newline so a multi-byte character is never split.
    cut = sample.rfind(b"\n")
    body = sample[: cut + 1] if cut >= 0 else sample
    for codec in ("utf-8", "gb18030"):
        try:
            body.decode(codec)
        except UnicodeDecodeError:
            continue
        return codec, 0

    # A few broken lines in an otherwise clean file: the codec that breaks
    # least wins, and the broken lines are rejected one by one later.
    broken = {c: _broken_lines(body, c) for c in ("utf-8", "gb18030")}
    codec = min(broken, key=broken.__getitem__)
    if broken[codec] <= max(1, body.count(b"\n") // 100):
        return codec, 0

    best = from_bytes(body).best()
    if best is None or best.encoding is None:
        raise SourceError(path, "无法识别文件编码，请另存为 UTF-8 或 GBK 后重试")
    return best.encoding, 0


def _broken_lines(body: bytes, codec: str) -> int:
    """Return how many lines of a sample do not decode with a codec."""
    text = body.decode(codec, errors="replace")
    return sum(1 for line in text.splitlines() if "\ufffd" in line)
