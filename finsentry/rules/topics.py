"""What a page is about: the catalogue domains its words point to.

Rules carry a scope (P2P-05 is about P2P pages; the same promise on an
insurance page is INS-01), and the yield comparison needs the benchmark of
the page's business. Both are decided here from counts of marker words
(`data/page_domains.yaml`), which the engine counts in its one scan.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

import yaml

ANY = "any"


@dataclass(frozen=True)
class Topics:
    """Marker words per domain, and how many occurrences make a page about one."""

    version: str
    min_hits: int
    min_top: int
    markers: dict[str, tuple[str, ...]]

    @property
    def domains(self) -> tuple[str, ...]:
        """Return the known page domains in file order."""
        return tuple(self.markers)


@functools.cache
def topics() -> Topics:
    """Return the packaged page-domain markers, parsed once per process."""
    ref = resources.files("finsentry.rules").joinpath("data/page_domains.yaml")
    raw = yaml.safe_load(ref.read_text(encoding="utf-8"))
    markers = {str(k): tuple(str(w) for w in v) for k, v in raw["markers"].items()}
    min_top = int(raw.get("min_top", 1))
    return Topics(str(raw["version"]), int(raw["min_hits"]), min_top, markers)


def page_domains(
    counts: Mapping[str, int], min_hits: int, min_top: int = 1
) -> frozenset[str]:
    """Return the domains a page is about: those with `min_hits`, and the top one."""
    about = {domain for domain, n in counts.items() if n >= min_hits}
    top = strongest(counts, tuple(counts))
    if top is not None and counts[top] >= min_top:
        about.add(top)
    return frozenset(about)


def strongest(counts: Mapping[str, int], candidates: tuple[str, ...]) -> str | None:
    """Return the candidate with the most marker words (earlier wins ties), or None."""
    best: str | None = None
    for domain in candidates:
        n = counts.get(domain, 0)
        if n > 0 and (best is None or n > counts.get(best, 0)):
            best = domain
    return best


def in_scope(scope: tuple[str, ...], about: frozenset[str]) -> bool:
    """Return True when a rule with `scope` applies to a page about `about`."""
    return not scope or ANY in scope or not about.isdisjoint(scope)
