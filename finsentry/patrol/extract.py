"""Text, links and facts of a fetched page, as detectors and linking read them.

`PageContent.text` is the whole visible text of the page, footer included:
credit codes, ICP numbers and risk disclosures sit in footers, and findings
give character offsets into this text, so the same bytes must always give
the same text. It is built with selectolax (Lexbor), which costs about a
millisecond a page:

* script, style, noscript, template, svg, head, iframe and object content
  is dropped (it is not read by a visitor);
* each block element (div, p, li, tr, h1, ...) and each <br> starts a line,
  table cells on one row are separated by a space;
* runs of whitespace (U+3000 and no-break spaces included) become one space,
  zero-width characters are dropped, lines are trimmed and empty lines
  dropped; punctuation is kept as written;
* text hidden only by CSS (display:none) is kept: it was served, and keyword
  stuffing hidden that way is itself evidence.

`main_text` is the article body found by trafilatura, for people reading a
snapshot. It costs about 17-20 ms for a 30 KB page, against about 2 ms for
decoding, whole text, links and facts together, so callers on the hot path
may pass ``with_main_text=False``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import trafilatura
from selectolax.lexbor import LexborHTMLParser

from finsentry.patrol.decode import decode_body
from finsentry.patrol.facts import PageFacts, find_facts

log = logging.getLogger(__name__)

_HIDDEN = [
    "head",
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "math",
    "iframe",
    "frame",
    "object",
    "embed",
    "noembed",
    "noframes",
    "canvas",
]
_BLOCKS = (
    "address, article, aside, blockquote, body, caption, center, dd, details, "
    "dialog, dir, div, dl, dt, fieldset, figcaption, figure, footer, form, "
    "frameset, h1, h2, h3, h4, h5, h6, header, hgroup, hr, legend, li, main, "
    "menu, nav, ol, option, p, pre, section, select, summary, table, tbody, "
    "textarea, tfoot, thead, tr, ul, br"
)
_CELLS = "td, th"
_LINK_SOURCES = "a[href], area[href], frame[src], iframe[src]"
# A control character no page shows: marks line breaks until whitespace is
# collapsed, so the page's own newlines (mere spaces in HTML) do not count.
_BREAK = "\x1f"
# Invisible characters put between the characters of a phrase hide it from
# keyword search (保\u200b本); a reader never sees them.
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_ZERO_WIDTH_RUN = re.compile(f"[{_ZERO_WIDTH}]+")


@dataclass(frozen=True)
class PageContent:
    """What one fetched page says: its title, texts, outgoing links and facts.

    `text` is deterministic for given bytes and is the text findings' offsets
    refer to; `links` are absolute http(s) URLs without fragments, each once,
    in page order; `encoding` is the codec the body was decoded with.
    """

    title: str
    text: str
    main_text: str
    links: tuple[str, ...]
    facts: PageFacts = field(default_factory=PageFacts)
    encoding: str = "utf-8"


def extract_page(
    body: bytes,
    url: str,
    content_type: str | None = None,
    *,
    with_main_text: bool = True,
) -> PageContent:
    """Return the title, visible text, main text, links and facts of a fetched page."""
    html, encoding = decode_body(body, content_type)
    return extract_html(html, url, encoding=encoding, with_main_text=with_main_text)


def extract_html(
    html: str, url: str, *, encoding: str = "utf-8", with_main_text: bool = True
) -> PageContent:
    """Return the content of an already decoded page; see `extract_page`."""
    tree = LexborHTMLParser(html)
    title = _title(tree)
    links = _links(tree, url)
    text = visible_text(tree)
    main_text = _main_text(html, url) if with_main_text else ""
    facts = find_facts(f"{title}\n{text}" if title else text)
    return PageContent(title, text, main_text, links, facts, encoding)


def visible_text(tree: LexborHTMLParser) -> str:
    """Return the visible text of a parsed page, a line per block; alters the tree."""
    tree.strip_tags(_HIDDEN, recursive=True)
    for node in tree.css(_BLOCKS):
        node.insert_before(_BREAK)
        node.insert_after(_BREAK)
    for node in tree.css(_CELLS):
        node.insert_before(" ")
    raw = tree.root.text() if tree.root is not None else ""
    if any(ch in raw for ch in _ZERO_WIDTH):
        raw = _ZERO_WIDTH_RUN.sub("", raw)
    lines = (" ".join(part.split()) for part in raw.split(_BREAK))
    return "\n".join(line for line in lines if line)


def _title(tree: LexborHTMLParser) -> str:
    """Return the page title with whitespace collapsed, '' when there is none."""
    node = tree.css_first("head title") or tree.css_first("title")
    return " ".join(node.text().split()) if node is not None else ""


def _links(tree: LexborHTMLParser, url: str) -> tuple[str, ...]:
    """Return the absolute http(s) links of a page, fragments cut, each once."""
    base = url
    base_node = tree.css_first("base[href]")
    if base_node is not None:
        base = _absolute(_Base(url), base_node.attributes.get("href") or "") or url
    resolve_against = _Base(base)

    targets = []
    for node in tree.css(_LINK_SOURCES):
        attrs = node.attributes
        targets.append(attrs.get("href") or attrs.get("src") or "")
    for node in tree.css("meta[http-equiv][content]"):
        if (node.attributes.get("http-equiv") or "").lower() == "refresh":
            targets.append(_refresh_target(node.attributes.get("content") or ""))

    found: dict[str, None] = {}
    for target in targets:
        absolute = _absolute(resolve_against, target)
        if absolute:
            found.setdefault(absolute, None)
    return tuple(found)


class _Base:
    """A base URL split once into the prefixes plain relative links append to."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            parts = urlsplit(url)
        except ValueError:
            parts = urlsplit("")
        self.origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
        path = parts.path or "/"
        self.directory = self.origin + path[: path.rfind("/") + 1]


def _refresh_target(content: str) -> str:
    """Return the URL of a meta refresh (``5; url=/next``), '' when it has none."""
    _, _, rest = content.partition(";")
    rest = rest.strip()
    if rest[:3].lower() == "url":
        rest = rest[3:].lstrip(" =")
    return rest.strip("'\" ")


def _absolute(base: _Base, href: str) -> str | None:
    """Return `href` made absolute without its fragment, None unless http(s)."""
    # Browsers drop tabs and newlines inside URLs (WHATWG URL, basic parser).
    cleaned = href.strip()
    if "\n" in cleaned or "\t" in cleaned or "\r" in cleaned:
        cleaned = cleaned.replace("\n", "").replace("\t", "").replace("\r", "")
    cleaned = cleaned.partition("#")[0]
    if not cleaned:
        return None

    # Most links are full URLs, site-absolute or plain relative paths: skip
    # urljoin (a third of the page's time) unless dot segments need resolving.
    if base.origin and "/." not in cleaned and cleaned[0] not in ".?":
        if cleaned[0] == "/":
            if cleaned[1:2] != "/":
                return base.origin + cleaned
        elif ":" not in cleaned.partition("/")[0]:
            return base.directory + cleaned
        elif cleaned.startswith(("http://", "https://")):
            return cleaned if urlsplit(cleaned).netloc else None
    try:
        absolute = urljoin(base.url, cleaned)
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return absolute.partition("#")[0]


def _main_text(html: str, url: str) -> str:
    """Return the article text trafilatura finds, '' when it finds none or fails."""
    try:
        text = trafilatura.extract(
            html,
            url=url,
            include_comments=False,
            include_tables=True,
            deduplicate=False,
        )
    except Exception as exc:  # the extractor must not cost us the page
        log.warning("main text extraction failed url=%s error=%s", url, exc)
        return ""
    return text or ""
