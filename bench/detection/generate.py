"""Write the labelled pages of the detection benchmark and their labels.

`python -m bench.detection.generate` renders bench/detection/pages/*.html
and labels.yaml from the texts in bases.yaml (what each kind of site says
anyway), claims.yaml (claims with the codes a reader would record, and traps)
and specials.yaml (licensed institutions, news, lawyers). Every page is a
whole site page: navigation, body, sidebar, footer with ICP number, credit
code, address and phone, and scripts and styles that a visitor never reads.
The output is deterministic (a fixed seed); about one page in six is GBK.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from finsentry.registry.uscc import make_code

HERE = Path(__file__).resolve().parent
PAGES = HERE / "pages"
SEED = 2016

CITIES = [
    "长春",
    "吉林",
    "四平",
    "通化",
    "白山",
    "松原",
    "白城",
    "辽源",
    "延吉",
    "梅河口",
]
DISTRICTS = [
    "朝阳区",
    "南关区",
    "宽城区",
    "二道区",
    "绿园区",
    "船营区",
    "铁西区",
    "东昌区",
]
STREETS = [
    "人民大街",
    "自由大路",
    "亚泰大街",
    "解放大路",
    "重庆路",
    "吉林大路",
    "长江路",
]
ZIHAO = ["鑫盛", "恒通", "聚财", "瑞丰", "金桥", "华信", "汇泽", "博远", "宏达", "润禾",
         "安泰",
         "嘉禾", "盛隆", "百川", "德信", "永和"]  # fmt: skip
BANKS = ["松辽银行", "长白山银行", "北方商业银行", "东方实业银行", "吉北银行"]
INSURERS = ["安泰人寿", "华信人寿", "长青保险", "国泰安康人寿"]
PERSONS = ["李明", "王晓东", "张伟", "刘洋", "陈静", "赵磊"]
ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass
class Page:
    """One page to write: its file name, HTML, codes, trap codes, encoding."""

    name: str
    html: str
    codes: list[str]
    traps: list[str] = field(default_factory=list)
    encoding: str = "utf-8"


class Writer:
    """Renders pages from the data files with one seeded random source."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.bases = _load("bases.yaml")
        self.claims = _load("claims.yaml")
        self.specials = _load("specials.yaml")["pages"]
        self.round2 = _load("round2.yaml")
        self.round3 = _load("round3.yaml")
        self.round4 = _load("round4.yaml")
        self.holdout = _load("holdout.yaml")
        self.pages: list[Page] = []
        self.counter: dict[str, int] = {}

    def values(self, domain: str) -> dict[str, Any]:
        """Return the placeholder values for one page of a kind of site."""
        rng = self.rng
        base = self.bases.get(domain, self.bases["p2p"])
        city = rng.choice(CITIES)
        brand = rng.choice(base["brands"])
        company = f"{city}{rng.choice(ZIHAO)}{rng.choice(base['industries'])}"
        region = rng.choice(
            ["220101", "220102", "220104", "220201", "220301", "220501"]
        )
        body = "MA" + "".join(rng.choice(ORG_CHARS) for _ in range(6))
        street = rng.choice(STREETS)
        address = (
            f"吉林省{city}市{rng.choice(DISTRICTS)}{street}{rng.randint(8, 3999)}号"
        )
        return {
            "city": city,
            "brand": brand,
            "company": company,
            "bank": rng.choice(BANKS),
            "insurer": rng.choice(INSURERS),
            "ins": rng.choice(["安泰", "华信", "国泰"]),
            "person": rng.choice(PERSONS),
            "uscc": make_code("91", region, body),
            "icp": f"{rng.randint(15, 17)}{rng.randint(100000, 999999)}",
            "phone": f"0431-8{rng.randint(1000000, 9999999)}",
            "address": address,
            "y1": f"{rng.uniform(7, 11.5):.1f}",
            "y2": f"{rng.uniform(7, 11.5):.1f}",
            "y3": f"{rng.uniform(6.5, 10):.1f}",
            "a1": f"{rng.uniform(3.8, 5.6):.2f}",
            "a2": f"{rng.uniform(3.5, 5.2):.2f}",
            "m1": f"{rng.uniform(2.1, 3.8):.3f}",
            "m2": f"{rng.uniform(0.6, 1.04):.4f}",
            "amount": f"{rng.uniform(1, 40):.2f}",
            "users": str(rng.randint(2, 90)),
            "earned": f"{rng.randint(300, 9000):,}",
            "late": f"{rng.uniform(0, 2.5):.2f}",
            "year": str(rng.choice([2016, 2017])),
            "n": str(rng.randint(1000, 9999)),
            "m": str(rng.randint(10000, 99999)),
            "n3": str(rng.randint(100, 999)),
            "n5": str(rng.randint(10000, 99999)),
            "pct": str(rng.randint(10, 95)),
            "pct2": str(rng.randint(10, 95)),
            "count": str(rng.randint(12, 160)),
            "date": f"2016年{rng.randint(3, 12)}月{rng.randint(1, 28)}日",
        }

    def add(self, kind: str, body: str, codes: list[str], traps: list[str]) -> None:
        """Record a rendered page under the next number of its kind."""
        number = self.counter.get(kind, 0) + 1
        self.counter[kind] = number
        encoding = "gbk" if self.rng.random() < 0.17 else "utf-8"
        name = f"{kind}-{number:03d}.html"
        page = Page(name, body, sorted(set(codes)), sorted(set(traps) - set(codes)))
        page.encoding = encoding
        self.pages.append(page)

    def site_page(
        self,
        domain: str,
        inserts: list[str],
        values: dict[str, Any] | None = None,
        with_disclaimer: bool = True,
    ) -> str:
        """Return a full page of a kind of site with `inserts` among its sections."""
        rng = self.rng
        base = self.bases[domain]
        v = values or self.values(domain)
        sections = rng.sample(
            base["sections"], k=min(len(base["sections"]), rng.randint(2, 4))
        )
        body = [_fill(s, v) for s in sections]
        body += [
            _fill(s, v) for s in rng.sample(self.bases["filler"], k=rng.randint(3, 8))
        ]
        for text in inserts:
            body.insert(rng.randint(0, len(body)), f"<p>{_fill(text, v)}</p>")
        title = _fill(rng.choice(base["titles"]), v)
        if domain == "asset_mgmt" and rng.random() < 0.25:
            with_disclaimer = False  # some sellers never mention risk
        disclaimer = (
            _fill(rng.choice(base["disclaimers"]), v) if with_disclaimer else ""
        )
        return render(title, v["brand"], base["nav"], body, footer(v, disclaimer), rng)


def footer(v: dict[str, Any], disclaimer: str) -> str:
    """Return a site footer: disclaimer, copyright, ICP, credit code, contact."""
    lines = [
        f"<p class='risk'>{html.escape(disclaimer)}</p>" if disclaimer else "",
        f"<p>版权所有 &copy; 2016 {v['company']} 吉ICP备{v['icp']}号-1</p>",
        f"<p>统一社会信用代码：{v['uscc']}</p>",
        f"<p>地址：{v['address']} 客服热线：{v['phone']}（工作日 9:00-18:00）</p>",
    ]
    return "\n".join(line for line in lines if line)


def render(
    title: str,
    brand: str,
    nav: list[str],
    body: list[str],
    foot: str,
    rng: random.Random,
) -> str:
    """Return the HTML of a page: head with script and style, nav, body, footer."""
    links = "".join(
        f"<li><a href='/{i}.html'>{html.escape(n)}</a></li>" for i, n in enumerate(nav)
    )
    sidebar = rng.choice(
        [
            "<aside><h3>联系客服</h3><p>在线客服 9:00-21:00</p>"
            "<p>官方微信：扫码关注</p></aside>",
            "<aside><h3>下载APP</h3><p>扫描二维码下载客户端</p></aside>",
            "",
        ]
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{{charset}}">
<title>{html.escape(title)}</title>
<meta name="keywords" content="{html.escape(brand)}">
<link rel="stylesheet" href="/static/css/main.css">
<style>.nav li{{display:inline-block;margin:0 12px}} .risk{{color:#999}}</style>
<script>var _hmt = _hmt || [];
window.siteConfig = {{"brand": "{html.escape(brand)}"}};</script>
</head>
<body>
<div class="top-bar">欢迎来到{html.escape(brand)}！
<a href="/login">登录</a> | <a href="/register">注册</a></div>
<header><div class="logo"><a href="/">{html.escape(brand)}</a></div>
<nav><ul class="nav">{links}</ul></nav></header>
<div class="container">
<main>
{chr(10).join(body)}
</main>
{sidebar}
</div>
<footer>
<div class="links"><a href="/about">关于我们</a> | <a href="/contact">联系我们</a> |
<a href="/help">帮助中心</a></div>
{foot}
</footer>
<script src="/static/js/app.js"></script>
</body>
</html>
"""


def _fill(text: str, v: dict[str, Any]) -> str:
    """Return `text` with its {placeholders} filled, HTML tags kept."""
    for key, value in v.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def _load(name: str) -> Any:
    """Return a parsed data file beside this module."""
    return yaml.safe_load((HERE / name).read_text(encoding="utf-8"))


def write(pages: list[Page]) -> None:
    """Write the pages and labels.yaml, replacing what was there."""
    PAGES.mkdir(exist_ok=True)
    for old in PAGES.glob("*.html"):
        old.unlink()
    labels: dict[str, dict[str, list[str]]] = {}
    for page in pages:
        text = page.html.replace("{charset}", page.encoding)
        try:
            raw = text.encode(page.encoding)
        except UnicodeEncodeError:
            raw = page.html.replace("{charset}", "utf-8").encode("utf-8")
        (PAGES / page.name).write_bytes(raw)
        labels[page.name] = {"codes": page.codes, "traps": page.traps}
    header = (
        "# Expected codes per page of the detection benchmark, and the codes each\n"
        "# page sets a trap for (it names the conduct without doing it). Written by\n"
        "# `python -m bench.detection.generate`; policy in README.md.\n"
    )
    dumped = yaml.safe_dump(labels, allow_unicode=True, sort_keys=True, width=100)
    (HERE / "labels.yaml").write_text(header + dumped, encoding="utf-8")


def main() -> None:
    """Generate every page of the labelled set."""
    from bench.detection.compose import compose

    writer = Writer()
    compose(writer)
    write(writer.pages)
    print(f"{len(writer.pages)} pages written to {PAGES}")


if __name__ == "__main__":
    main()
