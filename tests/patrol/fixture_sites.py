"""Web sites served on 127.0.0.1 for patrol tests, one port per site.

Each `FixtureSite` is a threaded HTTP server answering from a table of pages
that a test may change between rounds, or stop to make the site disappear.
`standard_sites()` builds the set the issue asks for: a P2P platform with
claims and a footer, GBK pages with a wrong or missing charset, broken HTML,
a redirect loop, a slow server, a huge page, a robots.txt that forbids
everything, a server that answers 500, and one that can vanish.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# A credit code of a planted firm: 91 + Changchun Chaoyang + MA000001 + check.
P2P_USCC = "91220104MA0000015U"
P2P_ICP = "吉ICP备16001234号"
P2P_NAME = "长春市鑫融网络借贷信息中介有限公司"


@dataclass
class Page:
    """One answer of a fixture site: status, headers and body bytes."""

    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    chunked: bool = False


Route = Page | Callable[[], Page]


def html(title: str, body: str, charset: str = "utf-8") -> bytes:
    """Return a small HTML document encoded in `charset`."""
    meta = f'<meta charset="{charset}">' if charset else ""
    doc = (
        f"<!doctype html><html><head>{meta}<title>{title}</title></head>"
        f"<body>{body}</body></html>"
    )
    return doc.encode(charset or "utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            # The crawler hangs up on purpose (size limit, timeout).
            pass

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        site = self.server.site
        site.hits.append(self.path)
        route = site.pages.get(self.path.split("#")[0])
        page = route() if callable(route) else route
        if page is None:
            page = Page(html("404", "<p>页面不存在</p>"), status=404)
        if page.delay:
            time.sleep(page.delay)
        self.send_response(page.status)
        if page.content_type:
            self.send_header("Content-Type", page.content_type)
        for name, value in page.headers.items():
            self.send_header(name, value)
        if page.chunked:
            self._send_chunked(page.body)
            return
        self.send_header("Content-Length", str(len(page.body)))
        self.end_headers()
        self.wfile.write(page.body)

    def _send_chunked(self, body: bytes) -> None:
        # No Content-Length: the crawler only learns the size while reading.
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for at in range(0, len(body), 65536):
            part = body[at : at + 65536]
            self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: FixtureSite


class FixtureSite:
    """One site on its own loopback port; `pages` maps a path to its answer."""

    def __init__(self, name: str, pages: dict[str, Route]) -> None:
        self.name = name
        self.pages = pages
        self.hits: list[str] = []
        self._server: _Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> FixtureSite:
        """Listen (on the same port as before when restarted) and serve in a thread."""
        self._server = _Server(("127.0.0.1", self.port), _Handler)
        self._server.site = self
        self.port = self._server.server_address[1]
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        return self

    def stop(self) -> None:
        """Close the listening socket so that connections are refused."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def p2p_pages(rate: str = "18%") -> dict[str, Route]:
    """Return the pages of a P2P platform promising guaranteed high returns."""
    footer = (
        f"<footer>{P2P_NAME} 统一社会信用代码：{P2P_USCC} {P2P_ICP} "
        "客服电话：0431-88886666 地址：吉林省长春市朝阳区人民大街1号</footer>"
    )
    nav = (
        '<nav><a href="/">首页</a> <a href="/index.html">主页</a> '
        '<a href="/products.html">理财产品</a> '
        '<a href="about.html">关于我们</a> <a href="news.html#top">新闻</a> '
        '<a href="/missing.html">旧页面</a> <a href="/logo.png">标志</a> '
        '<a href="/terms">协议</a> '
        '<a href="http://example.invalid/">外站</a> <a href="mailto:a@b.cn">邮件</a>'
        "</nav>"
    )
    home = html(
        "鑫融贷 - 安全稳健的网络借贷平台",
        f"{nav}<main><h1>鑫融贷</h1><p>平台承诺保本保息，100%本息保障，"
        f"年化收益率{rate}，随存随取。</p></main>{footer}",
    )
    products = html(
        "理财产品",
        f"{nav}<main><h2>月月盈</h2><p>月息2分，期限灵活，平台提供担保，"
        f"资金池统一运作。</p></main>{footer}",
    )
    about = html(
        "关于我们",
        f"{nav}<main><p>{P2P_NAME}成立于2014年，致力于普惠金融。</p></main>{footer}",
    )
    news = html(
        "平台新闻", f"{nav}<main><p>平台累计成交额突破十亿元。</p></main>{footer}"
    )
    return {
        "/": Page(home),
        "/index.html": Page(home),
        "/products.html": Page(products),
        "/about.html": Page(about),
        "/news.html": Page(news),
        "/logo.png": Page(b"\x89PNG\r\n\x1a\n", content_type="image/png"),
        # A document that is not a page: kept as evidence, its bytes not read.
        "/terms": Page(
            b'%PDF-1.4 <a href="/hidden.html">x</a>', content_type="application/pdf"
        ),
        "/hidden.html": Page(html("隐藏", "<p>不应被抓取</p>")),
    }


def gbk_pages() -> dict[str, Route]:
    """Return GBK pages: one declared as UTF-8 by its header, one with no charset."""
    text = "<p>吉林汇财：投资理财，保本保息，年化收益15%，欢迎咨询。</p>"
    wrong = html("汇财理财", text + '<a href="/plain.html">更多</a>', charset="")
    plain = html("汇财简介", "<p>本公司专注于财富管理与资产配置服务。</p>", "")
    return {
        "/": Page(wrong.decode().encode("gbk")),
        "/plain.html": Page(plain.decode().encode("gbk"), content_type="text/html"),
    }


def broken_pages() -> dict[str, Route]:
    """Return a page whose markup is unclosed and misnested."""
    body = (
        "<html><head><title>残缺页面</title><body><div><p>高额回报<b>稳赚不赔"
        "<table><tr><td>年化收益率20%<div></p></b><a href='/next.html'>下一页"
    ).encode()
    return {"/": Page(body), "/next.html": Page(html("下一页", "<p>正常</p>"))}


def loop_pages() -> dict[str, Route]:
    """Return two paths that redirect to each other forever."""
    return {
        "/": Page(status=302, headers={"Location": "/a"}, content_type=None),
        "/a": Page(status=302, headers={"Location": "/b"}, content_type=None),
        "/b": Page(status=302, headers={"Location": "/a"}, content_type=None),
    }


def slow_pages(delay: float) -> dict[str, Route]:
    """Return a home page that answers only after `delay` seconds."""
    return {"/": Page(html("慢", "<p>慢</p>"), delay=delay)}


def huge_pages(size: int) -> dict[str, Route]:
    """Return a page of `size` bytes announced by length, and one sent in chunks."""
    filler = ("<p>" + "填充内容" * 64 + "</p>").encode() * (size // 780 + 1)
    body = html("大", "<p>大文件</p>") + filler
    links = '<a href="/big.html">大</a> <a href="/chunked.html">分块</a>'
    return {
        "/": Page(html("大页面", links)),
        "/big.html": Page(body),
        "/chunked.html": Page(body, chunked=True),
    }


def robots_pages() -> dict[str, Route]:
    """Return a site whose robots.txt forbids every path to every agent."""
    return {
        "/robots.txt": Page(b"User-agent: *\nDisallow: /\n", content_type="text/plain"),
        "/": Page(html("私有", '<p>内部理财，保本保息</p><a href="/x.html">x</a>')),
        "/x.html": Page(html("x", "<p>x</p>")),
    }


def error_pages() -> dict[str, Route]:
    """Return a site whose every page fails with 500."""
    return {"/": Page(html("错误", "<p>服务器错误</p>"), status=500)}


STANDARD = ("p2p", "gbk", "broken", "loop", "slow", "huge", "robots", "error")


@dataclass
class FixtureWeb:
    """A running set of fixture sites, by name."""

    sites: dict[str, FixtureSite]

    def __getitem__(self, name: str) -> FixtureSite:
        return self.sites[name]

    def stop(self) -> None:
        """Stop every site."""
        for site in self.sites.values():
            site.stop()


def standard_sites(slow_delay: float = 3.0, huge_size: int = 600_000) -> FixtureWeb:
    """Start the standard fixture sites and return them (call `stop()` after)."""
    tables = {
        "p2p": p2p_pages(),
        "gbk": gbk_pages(),
        "broken": broken_pages(),
        "loop": loop_pages(),
        "slow": slow_pages(slow_delay),
        "huge": huge_pages(huge_size),
        "robots": robots_pages(),
        "error": error_pages(),
    }
    return FixtureWeb(
        {name: FixtureSite(name, t).start() for name, t in tables.items()}
    )


def serving(sites: FixtureWeb) -> Iterator[FixtureWeb]:
    """Yield running sites and stop them afterwards (for fixtures)."""
    try:
        yield sites
    finally:
        sites.stop()
