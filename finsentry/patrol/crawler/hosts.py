"""Site addresses: reading a URL someone typed, and what counts as the same site.

A site is keyed by its host: lower-cased, IDNA-encoded, without a leading
`www.` and with the port only when it is not the scheme's default, so that
`http://WWW.Example.cn:80/` and `example.cn` name one site.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

_SCHEMES = {"http": 80, "https": 443}
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
# Links to files that are not pages; fetching them wastes the page budget.
_NOT_PAGES = {
    "7z", "apk", "avi", "bmp", "css", "doc", "docx", "exe", "flv", "gif", "gz",
    "ico", "jpeg", "jpg", "js", "mov", "mp3", "mp4", "pdf", "png", "ppt", "pptx",
    "rar", "svg", "swf", "tar", "tif", "tiff", "wav", "webp", "wmv", "xls",
    "xlsx", "zip",
}  # fmt: skip


class BadSiteAddress(ValueError):
    """A line that is not a usable web address; the message says why, in Chinese."""


def site_url(line: str) -> tuple[str, str]:
    """Return (root URL, host key) for an address as people write it, or raise."""
    text = line.strip()
    if not text:
        raise BadSiteAddress("空行")
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise BadSiteAddress(f"无法识别的网址：{line.strip()}") from exc
    if parts.scheme.lower() not in _SCHEMES:
        raise BadSiteAddress(f"只支持 http 和 https 网址：{line.strip()}")
    name = _host_name(parts.hostname or "")
    if name is None:
        raise BadSiteAddress(f"主机名无效：{line.strip()}")

    scheme = parts.scheme.lower()
    netloc = name if port in (None, _SCHEMES[scheme]) else f"{name}:{port}"
    root = urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
    return root, host_key(root)


def _host_name(raw: str) -> str | None:
    name = raw.strip().rstrip(".").lower()
    if not name or " " in name:
        return None
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    if re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", name):
        return name if all(int(p) < 256 for p in name.split(".")) else None
    labels = name.split(".")
    if len(labels) < 2 and name != "localhost":
        return None
    return name if all(_LABEL.match(label) for label in labels) else None


def host_key(url: str) -> str:
    """Return the site key of a URL: host without `www.`, port if not default."""
    parts = urlsplit(url)
    name = (parts.hostname or "").lower().rstrip(".")
    if name.startswith("www."):
        name = name[4:]
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None or port == _SCHEMES.get(scheme):
        return name
    return f"{name}:{port}"


def follow_url(base: str, href: str) -> str | None:
    """Return the absolute URL a link points to, or None if it is not a page."""
    url, _ = urldefrag(urljoin(base, href.strip()))
    parts = urlsplit(url)
    if parts.scheme not in _SCHEMES or not parts.hostname:
        return None
    last = parts.path.rsplit("/", 1)[-1]
    if "." in last and last.rsplit(".", 1)[1].lower() in _NOT_PAGES:
        return None
    return url
