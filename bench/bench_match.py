"""Benchmark of `finsentry.registry.matching`: build, memory, latency, accuracy.

Builds a `NameIndex` over the demo generator's registry (3 million rows by
default, cached as Parquet after the first run), then asks it loose names
derived from random companies with a known answer, one category at a time:

    abbrev          字号 + shortened industry        礼祥友金服
    region_brand    region + 字号                    长春鑫汇
    brand_industry  字号 + first word of industry    鑫汇投资
    bracket         字号（region）industry           鑫汇（吉林）金融信息服务
    typo            one 字号 character replaced      鑫会投资管理 / full name
    fullwidth       full name, spaces, ASCII brackets, full-width Latin
    suffix          full name with another company form
    brand_only      字号 alone (reported apart: inherently ambiguous)

"strict" counts the planted firm only. "equivalent" also accepts a firm
that no reader could tell from it given what the query says: same 字号, and
the same industry / region / form wherever the query states one. Common 字号
(鑫汇 alone is ~4% of generated firms) make many queries ambiguous, so strict
top-1 is bounded well below 100% by the data, not by the matcher.

    .venv/bin/python bench/bench_match.py --firms 3000000 --queries 1000
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from finsentry.demo import names as demo_names
from finsentry.demo.names import FirmName
from finsentry.registry.matching import NameIndex
from finsentry.registry.name_parts import (
    expand_industry,
    region_key,
    region_tokens,
    vocabulary,
)
from finsentry.registry.normalize import normalize_name
from finsentry.registry.uscc import make_code

COMPANY_FORMS = ("有限公司", "有限责任公司", "股份有限公司", "集团有限公司")
CATEGORIES = (
    "abbrev",
    "region_brand",
    "brand_industry",
    "bracket",
    "typo",
    "fullwidth",
    "suffix",
)


def rss_mb() -> tuple[float, float]:
    """Return (current, peak) resident memory of this process in MiB."""
    fields = dict(
        line.split(":", 1)
        for line in Path("/proc/self/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(
        fields["VmHWM"].split()[0]
    ) / 1024


def generator_firms(count: int, seed: int) -> Iterator[tuple[str, FirmName]]:
    """Yield (uscc, name parts) from the demo registry generator."""
    from finsentry.demo.generator import generate_firms

    for firm in generate_firms(count, seed):
        yield firm.uscc, firm.name_parts


def company_firms(count: int, seed: int) -> Iterator[tuple[str, FirmName]]:
    """Yield (uscc, name parts) of companies drawn with `names.generate_name` alone.

    Every row is a company (no shops, cooperatives or branches), named in one of
    the ways the demo generator writes regions, with its ordinary and finance
    industries: a harder registry than the full demo mix.
    """
    rng = random.Random(seed)
    vocab = demo_names.vocabulary()
    scopes = yaml.safe_load(
        (Path(demo_names.__file__).parent / "data/scopes.yaml").read_text("utf-8")
    )
    finance = [i for d in scopes["suspect"].values() for i in d["industries"]]
    industries = list(vocab["ordinary_industries"]) + finance
    forms = list(vocab["company_forms"])
    form_weights = list(vocab["company_forms"].values())
    cities = yaml.safe_load(
        (Path(demo_names.__file__).parent / "data/regions.yaml").read_text("utf-8")
    )["cities"]
    seen: set[str] = set()
    row = 0
    while row < count:
        city = rng.choice(cities)
        code, county, _, county_short = rng.choice(city["counties"])
        region = rng.choice(
            (
                "吉林",
                "吉林省",
                city["short"],
                city["name"],
                county_short or city["name"] + county,
                "",
            )
        )
        name = demo_names.generate_name(
            rng,
            region=region,
            industry=rng.choice(industries),
            form=rng.choices(forms, form_weights)[0],
        )
        if name.full in seen:
            continue
        seen.add(name.full)
        body = f"{row:08d}"
        yield make_code("91", code, body), name
        row += 1


def registry(count: int, seed: int, cache: Path, source: str) -> pa.Table:
    """Return the generated registry (uscc, name, truth parts), cached as Parquet."""
    path = cache / f"firms-{source}-{count}-{seed}.parquet"
    if path.exists():
        return pq.read_table(path)
    started = time.perf_counter()
    columns: dict[str, list[str]] = defaultdict(list)
    make = generator_firms if source == "generator" else company_firms
    for uscc, parts in make(count, seed):
        columns["uscc"].append(uscc)
        columns["name"].append(parts.full)
        for field in ("region", "region_style", "brand", "industry", "form"):
            columns[field].append(getattr(parts, field))
    table = pa.table(dict(columns))
    cache.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    print(f"generated {count} firms in {time.perf_counter() - started:.0f} s")
    return table


def short_forms() -> dict[str, str]:
    """Return full industry phrase -> shortest abbreviation from the table."""
    found: dict[str, str] = {}
    for short, phrases in vocabulary().abbreviations.items():
        for phrase in phrases:
            if phrase != short and len(short) < len(found.get(phrase, phrase)):
                found[phrase] = short
    return found


def full_width(text: str) -> str:
    """Return ``text`` with ASCII letters and digits in full width."""
    return "".join(
        chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text
    )


def make_query(
    rng: random.Random, category: str, firm: dict[str, str]
) -> tuple[str, dict[str, Any]]:
    """Return a loose name for ``firm`` and what it states (for equivalence)."""
    brand, industry, form = firm["brand"], firm["industry"], firm["form"]
    tokens = region_tokens(firm["region"]) or ()
    region = tokens[0] if tokens else ""
    full: dict[str, Any] = {"industry": {industry}, "region": region, "form": form}
    if category == "abbrev":
        short = short_forms()[industry]
        return brand + short, {"industry": set(expand_industry(short))}
    if category == "region_brand":
        return region + brand, {"region": region}
    if category == "brand_industry":
        return brand + industry[:2], {"industry_prefix": industry[:2]}
    if category == "bracket":
        return f"{brand}（{region}）{industry}", {**full, "form": ""}
    if category == "typo":
        at = rng.randrange(len(brand))
        chars = demo_names.vocabulary()["brand_chars"]
        wrong = rng.choice([c for c in chars if c not in brand])
        typo = brand[:at] + wrong + brand[at + 1 :]
        if rng.random() < 0.5:
            return typo + industry, {"industry": {industry}, "typo": typo}
        return firm["name"].replace(brand, typo, 1), {**full, "typo": typo}
    if category == "fullwidth":
        text = full_width(firm["name"]).replace("（", "(").replace("）", ")")
        if firm["region"] and firm["region_style"] == "prefix":
            text = text.replace(firm["region"], firm["region"] + "\u3000", 1)
        return text.replace(brand, brand + " ", 1), full
    if category == "suffix":
        other = rng.choice([f for f in COMPANY_FORMS[:3] if f != form])
        return firm["name"][: -len(form)] + other, {**full, "form": ""}
    return brand, {}


def equivalent(
    states: dict[str, Any], target: dict[str, str], other: dict[str, str]
) -> bool:
    """Return whether no reader could prefer ``target`` to ``other`` from the query.

    Same 字号 (for a typo: a 字号 exactly as close to the misspelt one), and
    agreement on every part the query states: an industry the query's words
    stand for, the stated region, the stated form.
    """
    brand, wanted = normalize_name(other["brand"]), normalize_name(target["brand"])
    typo = states.get("typo")
    if typo:
        closer = Levenshtein.distance(typo, brand)
        if closer > Levenshtein.distance(typo, wanted):
            return False
        if closer < Levenshtein.distance(typo, wanted):
            # The misspelling is another firm's exact 字号 (the demo's 130
            # common characters make that frequent): only the industry counts.
            return other["industry"] in states["industry"]
    elif brand != wanted:
        return False
    industries = states.get("industry")
    if industries and other["industry"] not in industries:
        return False
    prefix = states.get("industry_prefix")
    if prefix and not other["industry"].startswith(prefix):
        # 支付 stands for 支付科技 as much as for 网络支付技术 (abbreviations.yaml).
        if other["industry"] not in expand_industry(prefix):
            return False
    if states.get("form") and other["form"] != states["form"]:
        return False
    region = states.get("region")
    return not region or region in region_key(other["region"])


def distinguishable(
    states: dict[str, Any],
    target: dict[str, str],
    firms: dict[str, list[str]],
    by_brand: dict[str, list[int]],
) -> bool:
    """Return whether the planted firm is the only one the query fits as well."""
    brands = [normalize_name(target["brand"])]
    typo = states.get("typo")
    if typo:
        names = list(by_brand)
        distances = process.cdist([typo], names, scorer=Levenshtein.distance)[0]
        limit = Levenshtein.distance(typo, brands[0])
        brands = [
            b for b, d in zip(names, distances.tolist(), strict=True) if d <= limit
        ]
    fields = ("uscc", "brand", "industry", "region", "form")
    for brand in brands:
        for row in by_brand[brand]:
            other = {field: firms[field][row] for field in fields}
            if other["uscc"] != target["uscc"] and equivalent(states, target, other):
                return False
    return True


def eligible(firm: dict[str, str], category: str) -> bool:
    """Return whether a query of ``category`` can be made from ``firm``."""
    if (
        firm["form"] not in COMPANY_FORMS
        or len(firm["brand"]) < 2
        or not firm["industry"]
    ):
        return False
    if category == "abbrev":
        return firm["industry"] in short_forms()
    if category in ("region_brand", "bracket"):
        return bool(region_tokens(firm["region"]))
    return True


def load_only(path: str) -> None:
    """Print load seconds and RSS of a fresh process holding the saved index."""
    before = rss_mb()[0]
    started = time.perf_counter()
    index = NameIndex.load(path)
    seconds = time.perf_counter() - started
    index.search("鑫汇投资")
    print(json.dumps({"load_s": seconds, "rss_mb": rss_mb()[0], "base_mb": before}))


def main() -> None:
    """Run the benchmark and print a JSON summary and a table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=3_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--brand-only", type=int, default=150)
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument(
        "--cache", type=Path, default=Path("/tmp/finsentry-bench-match")
    )
    parser.add_argument(
        "--source", choices=("generator", "companies"), default="generator"
    )
    parser.add_argument("--load-only")
    args = parser.parse_args()
    if args.load_only:
        load_only(args.load_only)
        return

    table = registry(args.firms, args.seed, args.cache, args.source)
    firms = {column: table.column(column).to_pylist() for column in table.column_names}
    rss_before = rss_mb()[0]
    started = time.perf_counter()
    index = NameIndex.build(zip(firms["uscc"], firms["name"], strict=True))
    build_s = time.perf_counter() - started
    rss_after, rss_peak = rss_mb()

    path = args.cache / f"index-{args.firms}.npz"
    started = time.perf_counter()
    index.save(path)
    save_s = time.perf_counter() - started
    loaded = json.loads(
        subprocess.run(
            [sys.executable, __file__, "--load-only", str(path)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )

    row_of = {key: row for row, key in enumerate(firms["uscc"])}
    by_brand: dict[str, list[int]] = defaultdict(list)
    for row, brand in enumerate(firms["brand"]):
        by_brand[normalize_name(brand)].append(row)
    rng = random.Random(args.seed)
    plan = [c for c in CATEGORIES for _ in range(args.queries // len(CATEGORIES))]
    plan += ["brand_only"] * args.brand_only
    queries = []
    for category in plan:
        while True:
            row = rng.randrange(args.firms)
            firm = {column: values[row] for column, values in firms.items()}
            if eligible(firm, category):
                break
        text, states = make_query(rng, category, firm)
        queries.append((category, text, states, firm))

    for _, text, _, _ in queries[:100]:  # warm the similarity caches
        index.search(text + "有限公司")

    results: dict[str, list[tuple[float, bool, bool, bool, bool, bool]]] = defaultdict(
        list
    )
    samples = []
    failures: dict[str, int] = defaultdict(int)
    for category, text, states, target in queries:
        started = time.perf_counter()
        found = index.search(text, limit=10)
        elapsed = (time.perf_counter() - started) * 1000
        keys = [m.key for m in found]
        same = [
            equivalent(
                states,
                target,
                {
                    c: firms[c][row_of[k]]
                    for c in ("brand", "industry", "region", "form")
                },
            )
            for k in keys
        ]
        unique = distinguishable(states, target, firms, by_brand)
        results[category].append(
            (
                elapsed,
                bool(keys) and keys[0] == target["uscc"],
                target["uscc"] in keys,
                bool(same) and same[0],
                target["uscc"] in keys or any(same),
                unique,
            )
        )
        if not (same and same[0]) and failures[category] < 3:
            failures[category] += 1
            top = found[0] if found else None
            summary = top and (top.name, top.score, top.why)
            samples.append((category, text, target["name"], summary))

    # The loop above scans the bench's own data between queries, so the index
    # starts cold each time; back to back, as a busy server runs, it stays warm.
    hot = []
    for _, text, _, _ in queries:
        started = time.perf_counter()
        index.search(text, limit=10)
        hot.append((time.perf_counter() - started) * 1000)

    report = {
        "firms": args.firms,
        "source": args.source,
        "distinct_brands": index.brand_count(),
        "build_s": round(build_s, 1),
        "build_rss_delta_mb": round(rss_after - rss_before, 0),
        "peak_rss_mb": round(rss_peak, 0),
        "save_s": round(save_s, 1),
        "file_mb": round(path.stat().st_size / 2**20, 0),
        "load_s": round(loaded["load_s"], 1),
        "loaded_rss_mb": round(loaded["rss_mb"], 0),
        "loaded_index_mb": round(loaded["rss_mb"] - loaded["base_mb"], 0),
        "hot_p50_ms": round(float(np.percentile(hot, 50)), 2),
        "hot_p99_ms": round(float(np.percentile(hot, 99)), 2),
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    heads = ("n", "p50 ms", "p99 ms", "top-1 strict", "top-10 strict")
    heads += ("top-1 equiv", "top-10 equiv", "distinguishable", "top-1 of those")
    print("| category | " + " | ".join(heads) + " |")
    print("|---" * (len(heads) + 1) + "|")
    overall: list[tuple[float, bool, bool, bool, bool, bool]] = []
    for category in (*CATEGORIES, "brand_only"):
        rows = results[category]
        if category != "brand_only":
            overall += rows
        print(line(category, rows))
    print(line("**overall (7 categories)**", overall))
    every = [r for rows in results.values() for r in rows]
    print(line("all incl. brand_only", every))
    for sample in samples:
        print(sample)


def line(label: str, rows: list[tuple[float, bool, bool, bool, bool, bool]]) -> str:
    """Return one Markdown table row of latency percentiles and accuracies."""
    times = np.array([r[0] for r in rows])
    shares = [100 * np.mean([r[i] for r in rows]) for i in (1, 2, 3, 4)]
    unique = [r for r in rows if r[5]]
    solo = 100 * np.mean([r[1] for r in unique]) if unique else float("nan")
    p50, p99 = np.percentile(times, 50), np.percentile(times, 99)
    cells = " | ".join(f"{s:.1f}%" for s in shares)
    return (
        f"| {label} | {len(rows)} | {p50:.2f} | {p99:.2f} | {cells} "
        f"| {len(unique)} | {solo:.1f}% |"
    )


if __name__ == "__main__":
    main()
