"""Which pages the labelled set holds: claims, yields, traps, specials, clean.

The labels follow README.md: a claim page carries the codes listed with its
claim in claims.yaml; a yield page the MKT codes its figure earns against the
site's benchmark; an asset-management page that states a yield and never
mentions risk also AM-04 (未揭示风险).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bench.detection.generate import footer, render

if TYPE_CHECKING:
    from bench.detection.generate import Writer

# The kind of site each claim group is written for.
SITE_OF = {
    "p2p": "p2p",
    "crowdfunding": "crowdfunding",
    "insurance": "insurance",
    "insurance_fraud": "asset_mgmt",
    "asset_mgmt": "asset_mgmt",
    "payment": "payment",
    "real_estate": "real_estate",
    "lending_ad": "lending_ad",
    "securities": "securities",
}
# Percent a year; crowdfunding and real-estate sites compare with p2p.
BENCHMARK = {"p2p": 10, "crowdfunding": 10, "asset_mgmt": 6, "insurance": 4}

# (form, figures, annual percent) per kind of site: positives, then traps.
YIELDS: dict[str, list[tuple[str, dict[str, Any], float]]] = {
    "p2p": [
        ("预期年化收益率{v}%", {"v": 16}, 16),
        ("年化{lo}%-{hi}%", {"lo": 12, "hi": 18}, 18),
        ("历史年化回报{v}%", {"v": 24}, 24),
        ("年化利率高达{v}%", {"v": 36}, 36),
        ("享受{v}%的年化收益", {"v": 48}, 48),
        ("月息{fen}分", {"fen": 2}, 24),
        ("月利率{v}%", {"v": 3}, 36),
        ("日息千分之{t}", {"t": "一"}, 36.5),
        ("日利率{v}%", {"v": 0.05}, 18.25),
        ("出借年化{v}%起", {"v": 19.8}, 19.8),
        ("预期年化收益率{v}%", {"v": 12}, 12),
        ("年化{lo}%-{hi}%", {"lo": 9, "hi": 13.5}, 13.5),
        ("月利率{v}%", {"v": 1}, 12),
        ("年收益率{v}%", {"v": 14.5}, 14.5),
    ],
    "asset_mgmt": [
        ("预期年化收益率{v}%", {"v": 12}, 12),
        ("月收益{v}%", {"v": 1}, 12),
        ("年化{lo}%-{hi}%", {"lo": 15, "hi": 20}, 20),
        ("预期年化收益率{v}%", {"v": 5.5}, 5.5),
        ("年收益率{v}%", {"v": 7.8}, 7.8),
    ],
    "insurance": [
        ("预期年化收益率{v}%", {"v": 8}, 8),
        ("年化{v}%", {"v": 13}, 13),
        ("预期年化收益率{v}%", {"v": 3.5}, 3.5),
    ],
    "crowdfunding": [
        ("年化回报{v}%", {"v": 25}, 25),
        ("年化回报{v}%", {"v": 40}, 40),
        ("年化回报{v}%", {"v": 12}, 12),
    ],
}
PRODUCTS = {
    "p2p": ["优选月盈计划", "车贷精选标", "稳盈宝", "季季赢"],
    "asset_mgmt": ["稳健增利2号", "鑫享理财计划", "季度盈"],
    "insurance": ["金福年金保险", "安享两全保险"],
    "crowdfunding": ["连锁餐饮项目", "影视投资项目"],
}


def compose(writer: Writer) -> None:
    """Add every page of the labelled set to `writer`, the held-out ones last."""
    claim_pages(writer, writer.claims)
    yield_pages(writer)
    trap_pages(writer, writer.claims)
    special_pages(writer, writer.specials)
    clean_pages(writer)
    rounds = (
        ("round2-", writer.round2),
        ("round3-", writer.round3),
        ("round4-", writer.round4),
        ("holdout-", writer.holdout),
    )
    for prefix, data in rounds:
        claim_pages(writer, data, prefix)
        trap_pages(writer, data, prefix, rounds=2)
        special_pages(writer, data["pages"], prefix)


def claim_pages(writer: Writer, data: dict[str, Any], prefix: str = "") -> None:
    """Add one page per claim text, sometimes with a second claim and traps."""
    rng = writer.rng
    for group, claims in data["claims"].items():
        site = SITE_OF[group]
        for claim in claims:
            for text in claim["texts"]:
                inserts = [text]
                codes = list(claim["codes"])
                if rng.random() < 0.25:
                    other = rng.choice(claims)
                    inserts.append(rng.choice(other["texts"]))
                    codes += other["codes"]
                traps = _some_traps(data, writer, site, codes)
                page = writer.site_page(site, inserts + [t["text"] for t in traps])
                codes += _undisclosed(site, page)
                trap_codes = [c for t in traps for c in t["traps"]]
                writer.add(f"{prefix}{site}-claim", page, codes, trap_codes)


def _some_traps(
    data: dict[str, Any], writer: Writer, site: str, codes: list[str]
) -> list[dict[str, Any]]:
    """Return up to two traps of the site's kind that do not trap its own codes."""
    pool = [t for t in data["traps"].get(site, []) if not set(t["traps"]) & set(codes)]
    if not pool or writer.rng.random() < 0.4:
        return []
    return writer.rng.sample(pool, k=min(len(pool), writer.rng.randint(1, 2)))


def _undisclosed(site: str, page: str) -> list[str]:
    """Return [AM-04] for an asset-management page that never mentions risk."""
    states_yield = any(word in page for word in ("收益", "业绩比较基准", "年化"))
    if site == "asset_mgmt" and states_yield and "风险" not in page:
        return ["AM-04"]
    return []


def yield_pages(writer: Writer) -> None:
    """Add one page per yield figure, labelled against the site's benchmark."""
    rng = writer.rng
    for site, figures in YIELDS.items():
        for form, numbers, annual in figures:
            figure = form.format(**numbers)
            product = rng.choice(PRODUCTS[site])
            text = f"{product}火热发售中，{figure}，期限{rng.choice([3, 6, 12])}个月。"
            codes = []
            if annual > BENCHMARK[site] * 1.5:
                codes.append("MKT-01")
            if annual > BENCHMARK[site] * 3:
                codes.append("MKT-02")
            traps = [] if codes else ["MKT-01"]
            page = writer.site_page(site, [text])
            codes += _undisclosed(site, page)
            writer.add(f"{site}-yield", page, codes, traps)
    for _ in range(2):
        text = "借款年利率18%起，最高可借20万元，按月等额还款。"
        writer.add("p2p-yield", writer.site_page("p2p", [text]), [], ["MKT-01"])


def trap_pages(
    writer: Writer, data: dict[str, Any], prefix: str = "", rounds: int = 4
) -> None:
    """Add pages whose only risky words are traps."""
    rng = writer.rng
    for site, traps in data["traps"].items():
        for _ in range(rounds):
            chosen = rng.sample(traps, k=min(len(traps), rng.randint(2, 3)))
            page = writer.site_page(site, [t["text"] for t in chosen])
            trap_codes = [c for t in chosen for c in t["traps"]]
            writer.add(
                f"{prefix}{site}-trap", page, _undisclosed(site, page), trap_codes
            )


def special_pages(
    writer: Writer, specials: list[dict[str, Any]], prefix: str = ""
) -> None:
    """Add two renderings of each licensed-institution, news and law page."""
    for spec in specials:
        for _ in range(2):
            v = writer.values("p2p")
            if "operator" in spec:
                v["company"] = _fill(spec["operator"], v)
            body = [_fill(part, v) for part in spec["body"]]
            filler = writer.rng.sample(
                writer.bases["filler"], k=writer.rng.randint(2, 5)
            )
            if spec["kind"] not in ("news", "law"):
                body += [_fill(part, v) for part in filler]
            foot = _fill(spec["footer"], v) if "footer" in spec else footer(v, "")
            title = _fill(spec["title"], v)
            site = _fill(spec.get("site", v["brand"]), v)
            page = render(title, site, spec["nav"], body, foot, writer.rng)
            writer.add(
                f"{prefix}{spec['kind']}",
                page,
                list(spec["codes"]),
                list(spec["traps"]),
            )


def clean_pages(writer: Writer) -> None:
    """Add two pages of each kind of site with nothing but its ordinary content."""
    for site in writer.bases:
        if site == "filler":
            continue
        for _ in range(2):
            page = writer.site_page(site, [])
            writer.add(f"{site}-clean", page, _undisclosed(site, page), [])


def _fill(text: str, v: dict[str, Any]) -> str:
    """Return `text` with its {placeholders} filled."""
    for key, value in v.items():
        text = text.replace("{" + key + "}", str(value))
    return text
