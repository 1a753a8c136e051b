"""Decoding fetched pages into text, as Chinese sites really send them.

Sites of the province send UTF-8 or the GB family (GB2312, GBK, GB18030), and
often say so wrongly: a UTF-8 header over a GBK page, a GB2312 declaration
over characters only GBK has, no charset at all. `decode_body` trusts a
declaration only after the bytes prove it, in this order:

1. a byte-order mark (it cannot be there by accident);
2. the charset of the Content-Type header, then the one the page declares
   itself (``<meta charset>``, ``<meta http-equiv>``, an XML declaration),
   each kept only if the body decodes with it;
3. UTF-8, then GB18030 when the body decodes with it cleanly (Big5 bytes also
   read as GBK, so a body valid in both goes to detection);
4. a declared codec that leaves under 1 in 100 non-ASCII bytes broken (a
   UTF-8 page with a GBK footer pasted in);
5. detection by charset-normalizer over the first 64 KB;
6. whichever candidate replaces the fewest bytes, UTF-8 when nothing does.

GB2312 and GBK are decoded as GB18030, their superset: pages declared GB2312
routinely use GBK-only characters. It never raises.
"""

from __future__ import annotations

import codecs
import functools
import logging
import re

from charset_normalizer import from_bytes

log = logging.getLogger(__name__)

DETECT_BYTES = 64 * 1024
# Where to look for an in-page declaration: the HTML standard stops at 1024
# bytes, but Chinese sites often put long comments and scripts first.
SNIFF_BYTES = 8 * 1024

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels browsers map onto another codec (WHATWG Encoding, "labels").
_ALIASES = {
    "gb2312": "gb18030",
    "gb_2312": "gb18030",
    "gb_2312-80": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "euc-cn": "gb18030",
    "csgb2312": "gb18030",
    "chinese": "gb18030",
    "big5-hkscs": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "utf8": "utf-8",
    "utf8mb4": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
}

# Every byte string decodes in these, so success proves nothing about them.
_SINGLE_BYTE = frozenset({"cp1252", "latin-1", "iso8859-1", "ascii"})

_ASCII_BYTES = bytes(range(128))

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE
)
_XML_ENCODING = re.compile(
    rb"<\?xml[^>]{0,100}?encoding\s*=\s*[\"']([\w.:-]+)", re.IGNORECASE
)


def codec_name(label: str | None) -> str | None:
    """Return the Python codec for a charset label, None when it names none."""
    if not label:
        return None
    key = label.strip().strip("\"'").lower()
    key = _ALIASES.get(key.replace("_", "-"), _ALIASES.get(key, key))
    try:
        name = codecs.lookup(key).name
    except LookupError:
        return None
    # codecs.lookup("gbk") gives "gbk"; GB2312 pages need the superset too.
    return "gb18030" if name in ("gbk", "gb2312") else name


def declared_charsets(body: bytes, content_type: str | None) -> list[str]:
    """Return the codecs the header and the page itself declare, header first."""
    labels: list[str] = []
    if content_type:
        found = _HEADER_CHARSET.search(content_type)
        if found:
            labels.append(found.group(1))
    head = body[:SNIFF_BYTES]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        found_bytes = pattern.search(head)
        if found_bytes:
            labels.append(found_bytes.group(1).decode("ascii", "replace"))

    codecs_seen: list[str] = []
    for label in labels:
        name = codec_name(label)
        # A declaration of UTF-16 without a BOM, or of EBCDIC, cannot be true
        # of a page whose declaration we just read as ASCII (WHATWG treats
        # such a meta as UTF-8).
        if name and name not in codecs_seen and _ascii_compatible(name):
            codecs_seen.append(name)
    return codecs_seen


@functools.cache
def _ascii_compatible(codec: str) -> bool:
    """Return True when a codec reads ASCII markup as ASCII."""
    sample = b'<meta charset="x">'
    try:
        return sample.decode(codec) == sample.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False


def decodes_cleanly(body: bytes, codec: str) -> bool:
    """Return True when every byte decodes, a character cut off at the end allowed."""
    # A page cut at the size limit may end inside a multi-byte character.
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    try:
        decoder.decode(body, final=False)
    except UnicodeDecodeError:
        return False
    return True


def decode_body(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Return the text of a fetched body and the codec name it was decoded with."""
    if not body:
        return "", "utf-8"

    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace"), codec

    declared = declared_charsets(body, content_type)
    has_high_bytes = not body.isascii()
    for codec in declared:
        if codec in _SINGLE_BYTE and has_high_bytes:
            # Chinese sites declaring ISO-8859-1 usually send GBK or UTF-8.
            continue
        if decodes_cleanly(body, codec):
            return body.decode(codec, errors="replace"), codec
    if not has_high_bytes:
        return body.decode("ascii"), declared[0] if declared else "utf-8"

    if decodes_cleanly(body, "utf-8"):
        return body.decode("utf-8", errors="replace"), "utf-8"
    if decodes_cleanly(body, "gb18030") and not decodes_cleanly(body, "big5"):
        return body.decode("gb18030", errors="replace"), "gb18030"
    for codec in declared:
        if codec not in _SINGLE_BYTE:
            text = body.decode(codec, errors="replace")
            if text.count("\ufffd") <= _tolerated_damage(body):
                return text, codec

    detected = _detect(body)
    if detected is not None:
        return body.decode(detected, errors="replace"), detected
    return _least_damaged(body, declared)


def _tolerated_damage(body: bytes) -> int:
    """Return how many bad characters a declared codec may leave and still be right.

    A UTF-8 page with a GBK footer pasted in is still UTF-8; a GBK page read
    as UTF-8 breaks at nearly every Chinese character, far above 1 in 100.
    """
    high_bytes = len(body) - len(body.translate(None, _ASCII_BYTES))
    return max(1, high_bytes // 100)


def _detect(body: bytes) -> str | None:
    """Return the codec charset-normalizer finds for the start of a body, or None."""
    try:
        best = from_bytes(body[:DETECT_BYTES]).best()
    except Exception as exc:  # a detector bug must not lose the page
        log.warning("charset detection failed error=%s", exc)
        return None
    if best is None or best.encoding is None:
        return None
    return codec_name(best.encoding)


def _least_damaged(body: bytes, declared: list[str]) -> tuple[str, str]:
    """Return the decoding that replaces the fewest characters, UTF-8 on a tie."""
    best_text, best_codec, best_damage = "", "utf-8", -1
    for codec in ("utf-8", "gb18030", *declared):
        text = body.decode(codec, errors="replace")
        damage = text.count("\ufffd")
        if best_damage < 0 or damage < best_damage:
            best_text, best_codec, best_damage = text, codec, damage
    return best_text, best_codec
