"""A safe rendering of a stored page for the snapshot viewer.

The stored bytes stay exactly as fetched; what staff look at is a copy
cleaned by nh3 (the Ammonia sanitiser): only structural and text tags
survive, no script, style sheet, frame, form, event handler or link target
that could load or run anything. The view serves it with a Content Security
Policy that forbids scripts and inside a sandboxed frame as well, so a gap
in one layer is still closed by the others.
"""

from __future__ import annotations

import nh3

_TAGS = {
    "a", "abbr", "article", "b", "blockquote", "br", "caption", "code", "dd",
    "del", "div", "dl", "dt", "em", "figcaption", "figure", "footer", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "li", "main", "mark",
    "nav", "ol", "p", "pre", "s", "section", "small", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip

# Attributes that only shape tables; no URL-bearing attribute survives, so
# the rendering cannot fetch anything or navigate anywhere.
_ATTRIBUTES = {"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}

VIEWER_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

_FRAME = (
    '<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8">'
    "<style>body{font:14px/1.6 sans-serif;margin:1em;color:#222}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 4px}"
    "a{color:#1a4f8b;text-decoration:underline dotted}</style></head><body>"
    "{body}</body></html>"
)


def sanitised_page(html: str) -> str:
    """Return a self-contained HTML document showing `html` with nothing active left."""
    body = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        clean_content_tags={
            "script",
            "style",
            "template",
            "noscript",
            "iframe",
            "title",
        },
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )
    return _FRAME.replace("{body}", body)
