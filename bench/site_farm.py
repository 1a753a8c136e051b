"""A farm of generated platform sites on loopback addresses, for the patrol benchmark.

Each site listens on its own address (127.0.1.1, 127.0.1.2, ...) so that the
crawler's per-host politeness limits apply to each as they would to real
hosts (Scrapy keys its download slots by host name, not port). Pages are
Chinese platform pages of 15-25 KB with navigation, product text, claims a
detector should find, and a footer with an ICP number and a credit code; every
site has 100 pages reachable from its home page within two clicks.

Run on its own: `python -m bench.site_farm --sites 100 --port 8800` serves until
interrupted. One asyncio loop serves every site, with keep-alive, so the farm
costs little of the machine the crawler is measured on.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import random

from finsentry.registry.uscc import make_code

PAGES_PER_SITE = 100
_CLAIMS = (
    "本平台承诺保本保息，到期还本付息，零风险。",
    "年化收益率高达{y}%，远超银行存款。",
    "月息{m}分，按月付息，到期还本。",
    "资金由平台统一归集管理，随存随取，灵活便捷。",
    "新手专享加息券，注册即送888元红包。",
    "首付不够？首付贷帮您轻松上车，最高可贷首付的50%。",
    "股票配资1:10，T+0操作，当日到账。",
    "平台资金已由某某银行存管，出借人资金与平台自有资金隔离。",
    "市场有风险，出借需谨慎。平台不承诺保本保息。",
)
_FILLER = (
    "我们专注于为小微企业和个人提供信息撮合服务，坚持合规经营，"
    "依托大数据风控体系对每一笔借款进行严格审核。平台成立以来累计撮合交易额稳步增长，"
    "服务用户遍布全省各市州。公司秉承诚信、专业、稳健的经营理念，"
    "持续完善信息披露和风险提示，保护出借人合法权益。"
)


def site_address(index: int) -> str:
    """Return the loopback address of the index-th site (0-based)."""
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


def site_url(index: int, port: int) -> str:
    """Return the home page URL of the index-th site."""
    return f"http://{site_address(index)}:{port}/"


def _links(page: int) -> list[int]:
    # Home links to pages 1-9; page k (1-9) links to 10k .. 10k+9: 100 pages,
    # all within two clicks, each also linking home and to a neighbour.
    if page == 0:
        return list(range(1, 10))
    if page < 10:
        return [p for p in range(10 * page, 10 * page + 10) if p < PAGES_PER_SITE]
    return [0, (page + 1) % PAGES_PER_SITE]


@functools.lru_cache(maxsize=4096)
def page_body(site: int, page: int) -> bytes:
    """Return the HTML bytes of one generated page (deterministic per site and page)."""
    rng = random.Random(site * 1000 + page)
    brand = "鑫汇融通达安盛富隆恒信瑞".__getitem__(site % 12) + "融贷"
    name = f"吉林省{brand}网络科技有限公司"
    code = make_code("91", "220102", f"MB{site:06d}")
    nav = "".join(f'<li><a href="/p/{p}.html">栏目{p}</a></li>' for p in _links(page))
    paragraphs = []
    for _ in range(rng.randint(28, 45)):
        text = _FILLER[rng.randint(0, 20) :]
        if rng.random() < 0.25:
            claim = rng.choice(_CLAIMS)
            text += claim.format(
                y=rng.choice((8, 12, 15, 18, 24)), m=rng.choice((1, 2, 3))
            )
        paragraphs.append(f"<p>{text}</p>")
    html = (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{brand} - 第{page}页</title>"
        "<style>body{font-family:sans-serif}</style>"
        "<script>var _hm=[];</script></head><body>"
        f'<header><h1>{brand}</h1><nav><ul><li><a href="/">首页</a></li>'
        f"{nav}</ul></nav></header>"
        f"<main><article>{''.join(paragraphs)}</article></main>"
        f"<footer>版权所有：{name} 统一社会信用代码：{code} "
        f"吉ICP备{10000000 + site}号-1 客服电话：400-800-{site % 10000:04d}</footer>"
        "</body></html>"
    )
    return html.encode("utf-8")


def _response(status: str, body: bytes, content_type: str) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    )
    return head.encode("ascii") + body


def _route(site: int, path: str) -> bytes:
    if path == "/robots.txt":
        return _response("200 OK", b"User-agent: *\nAllow: /\n", "text/plain")
    if path in ("/", "/index.html"):
        return _response("200 OK", page_body(site, 0), "text/html; charset=utf-8")
    if path.startswith("/p/") and path.endswith(".html"):
        number = path[3:-5]
        if number.isdigit() and int(number) < PAGES_PER_SITE:
            body = page_body(site, int(number))
            return _response("200 OK", body, "text/html; charset=utf-8")
    return _response("404 Not Found", b"not found", "text/plain")


async def _serve_client(
    site: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ", 2)[1].decode("latin-1").split("?")[0]
            writer.write(_route(site, path))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, IndexError):
        pass
    finally:
        writer.close()


async def serve(sites: int, port: int, ready: asyncio.Event | None = None) -> None:
    """Serve `sites` generated sites on their loopback addresses until cancelled."""
    servers = []
    for index in range(sites):
        handler = functools.partial(_serve_client, index)
        servers.append(await asyncio.start_server(handler, site_address(index), port))
    if ready is not None:
        ready.set()
    await asyncio.gather(*(s.serve_forever() for s in servers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--port", type=int, default=8800)
    args = parser.parse_args()
    print(f"serving {args.sites} sites from {site_url(0, args.port)}", flush=True)
    asyncio.run(serve(args.sites, args.port))


if __name__ == "__main__":
    main()
