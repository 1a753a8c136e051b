"""Detection quality and cost on the labelled pages of bench/detection/.

`python -m bench.bench_detection [--pages DIR --labels FILE] [--errors]`
extracts each page as the patrol does, runs every detector with the
packaged packs, and prints precision and recall per code and overall (a page
counts once per code), then the time per page for extraction, detection and
both, and with --errors each missed or wrongly found code with its evidence.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections import Counter
from pathlib import Path

import yaml

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finsentry.config.settings")

from finsentry.patrol.extract import extract_page  # noqa: E402
from finsentry.rules.engine import analyse  # noqa: E402
from finsentry.rules.licences import page_licences  # noqa: E402
from finsentry.rules.ruleset import RuleSet, packaged_ruleset  # noqa: E402

HERE = Path(__file__).resolve().parent / "detection"
ROUNDS = 5


def _ratio(a: int, b: int) -> str:
    """Return a/b with three decimals, or a dash when b is zero."""
    return f"{a / b:.3f}" if b else "  -  "


class Tally:
    """Pages, hits and misses per code for one subset of the labelled pages."""

    def __init__(self) -> None:
        self.tp: Counter[str] = Counter()
        self.fp: Counter[str] = Counter()
        self.fn: Counter[str] = Counter()
        self.traps: Counter[str] = Counter()
        self.pages = 0

    def add(self, expected: set[str], found: set[str], traps: list[str]) -> None:
        """Count one page."""
        self.pages += 1
        self.traps.update(traps)
        self.tp.update(expected & found)
        self.fp.update(found - expected)
        self.fn.update(expected - found)

    def print(self, title: str) -> None:
        """Print the precision and recall table of this subset."""
        print(f"### {title}: {self.pages} pages")
        print()
        print("| code | pages with | trap pages | TP | FP | FN | precision | recall |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        tp, fp, fn = self.tp, self.fp, self.fn
        for code in sorted(set(tp) | set(fp) | set(fn) | set(self.traps)):
            print(
                f"| {code} | {tp[code] + fn[code]} | {self.traps[code]} | {tp[code]} "
                f"| {fp[code]} | {fn[code]} | {_ratio(tp[code], tp[code] + fp[code])} "
                f"| {_ratio(tp[code], tp[code] + fn[code])} |"
            )
        all_tp, all_fp, all_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
        print(
            f"| **all** | {all_tp + all_fn} | {sum(self.traps.values())} | {all_tp} "
            f"| {all_fp} | {all_fn} | {_ratio(all_tp, all_tp + all_fp)} "
            f"| {_ratio(all_tp, all_tp + all_fn)} |"
        )
        print()


def run(pages: Path, labels_file: Path, show_errors: bool) -> None:
    """Print the quality tables and the timings for the pages in `labels_file`."""
    labels = yaml.safe_load(labels_file.read_text(encoding="utf-8"))
    ruleset = packaged_ruleset()
    tallies = {"all": Tally(), "development": Tally(), "held out": Tally()}
    errors: list[str] = []
    extract_ms: list[float] = []
    detect_ms: list[float] = []
    sizes: list[int] = []
    text_sizes: list[int] = []
    texts: list[str] = []

    for name, label in sorted(labels.items()):
        body = (pages / name).read_bytes()
        url = f"http://bench.invalid/{name}"
        best_extract = best_detect = float("inf")
        for _ in range(ROUNDS):
            began = time.process_time()
            page = extract_page(body, url, with_main_text=False)
            middle = time.process_time()
            licences = page_licences(page.facts.company_names, text=page.text)
            result = analyse(page.text, ruleset=ruleset, licences=licences)
            ended = time.process_time()
            best_extract = min(best_extract, middle - began)
            best_detect = min(best_detect, ended - middle)
        extract_ms.append(best_extract * 1000)
        detect_ms.append(best_detect * 1000)
        sizes.append(len(body))
        text_sizes.append(len(page.text.encode("utf-8")))
        texts.append(page.text)

        expected = set(label["codes"])
        found = {hit.code for hit in result.hits}
        subset = "held out" if name.startswith("holdout-") else "development"
        for key in ("all", subset):
            tallies[key].add(expected, found, label.get("traps", []))
        for code in sorted(found - expected):
            hit = next(h for h in result.hits if h.code == code)
            errors.append(f"FP {code} {name} [{hit.rule}] {hit.snippet}")
        for code in sorted(expected - found):
            errors.append(f"FN {code} {name}")

    print(f"{len(labels)} pages, packs {ruleset.versions}")
    print()
    for title, tally in tallies.items():
        tally.print(title)
    both = [a + b for a, b in zip(extract_ms, detect_ms, strict=True)]
    print(
        f"page size: HTML median {statistics.median(sizes) / 1024:.1f} KB "
        f"(max {max(sizes) / 1024:.1f} KB), extracted text median "
        f"{statistics.median(text_sizes) / 1024:.1f} KB; "
        f"CPU time, best of {ROUNDS} runs"
    )
    for label, values in (
        ("extract", extract_ms),
        ("detect", detect_ms),
        ("both", both),
    ):
        ordered = sorted(values)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        print(
            f"{label:8} mean {statistics.mean(values):.2f} ms, "
            f"median {statistics.median(values):.2f} ms, p95 {p95:.2f} ms, "
            f"max {ordered[-1]:.2f} ms"
        )
    print()
    large_pages(texts, ruleset)
    if show_errors:
        print()
        print("\n".join(errors) or "no errors")


def large_pages(texts: list[str], ruleset: RuleSet) -> None:
    """Print the detection cost on texts of 5-20 KB made by joining page texts."""
    rng = random.Random(2016)
    for joined in (2, 5, 7):
        samples = ["\n".join(rng.sample(texts, joined)) for _ in range(100)]
        costs = []
        for text in samples:
            best = float("inf")
            for _ in range(ROUNDS):
                began = time.process_time()
                analyse(text, ruleset=ruleset)
                best = min(best, time.process_time() - began)
            costs.append(best * 1000)
        size = statistics.mean(len(t.encode("utf-8")) for t in samples) / 1024
        ordered = sorted(costs)
        print(
            f"detect on {joined} page texts joined ({size:.1f} KB of text): "
            f"mean {statistics.mean(costs):.2f} ms, p95 {ordered[94]:.2f} ms, "
            f"max {ordered[-1]:.2f} ms"
        )


def main() -> None:
    """Parse the command line and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=HERE / "pages")
    parser.add_argument("--labels", type=Path, default=HERE / "labels.yaml")
    parser.add_argument("--errors", action="store_true", help="list every FP and FN")
    args = parser.parse_args()
    run(args.pages, args.labels, args.errors)


if __name__ == "__main__":
    main()
