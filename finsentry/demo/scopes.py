"""Simulated business scopes (经营范围) that exercise the registry screening.

Scopes are lists of items joined by "；" or "、" and usually closed by the
approval boilerplate. Ordinary scopes never contain a finance word; excluded
scopes carry finance words only inside the exclusion clauses registration
offices append (plan 三(一): firms whose scope forbids finance are not
targets); suspect scopes list internet-finance activity of one domain.
"""

from __future__ import annotations

import random
from typing import Any

from finsentry.demo.draws import between, pick, some
from finsentry.demo.names import load_vocabulary

SUSPECT_DOMAINS = (
    "p2p",
    "crowdfunding",
    "insurance",
    "asset_mgmt",
    "payment",
    "real_estate",
    "cross",
)

# Spellings a filing clerk or a firm dodging the screen may use for P2P.
_P2P_SPELLINGS = ("Ｐ２Ｐ", "p2p", "P 2 P", "Ｐ2Ｐ", "P2p")
_SEPARATORS = ("；", "；", "；", "、", "，")


def scope_vocabulary() -> dict[str, Any]:
    """Return the scope vocabulary shipped in ``demo/data/scopes.yaml``."""
    return load_vocabulary("scopes")


def institution_vocabulary() -> dict[str, Any]:
    """Return the licensed and non-market vocabulary in ``institutions.yaml``."""
    return load_vocabulary("institutions")


def _ordinary_items(rng: random.Random, industry: str) -> list[str]:
    """Return a few deduplicated ordinary items fitting ``industry``."""
    vocab = scope_vocabulary()
    own = vocab["by_industry"].get(industry, [])
    # Company scopes in real extracts list ten to twenty items (~150 characters).
    items = some(rng, own, between(rng, 2, len(own))) if own else []
    items += some(rng, vocab["general"], between(rng, 3, 16))
    return list(dict.fromkeys(items))


def _close(rng: random.Random, items: list[str], tail: str = "") -> str:
    """Return ``items`` joined with one separator, then ``tail`` and boilerplate."""
    vocab = scope_vocabulary()
    text = pick(rng, _SEPARATORS).join(items) + tail
    roll = rng.random()
    if roll < 0.75:
        text += pick(rng, vocab["boilerplate"])
    elif roll < 0.90:
        text += "。"
    return text


def ordinary_scope(rng: random.Random, industry: str) -> str:
    """Return a scope for ``industry`` free of every finance word."""
    items = _ordinary_items(rng, industry)
    tail = ""
    if rng.random() < 0.15:
        tail = pick(rng, scope_vocabulary()["plain_exclusions"])
    return _close(rng, items, tail)


def excluded_scope(rng: random.Random, industry: str) -> str:
    """Return an ordinary scope whose only finance words sit in an exclusion clause."""
    items = _ordinary_items(rng, industry)
    clause = pick(rng, scope_vocabulary()["exclusions"])
    if clause.startswith("（"):
        return _close(rng, items, clause)
    # Sentence-style clauses stand as an item of their own, often the last.
    position = len(items) if rng.random() < 0.7 else between(rng, 0, len(items) - 1)
    items.insert(position, clause)
    return _close(rng, items)


def suspect_scope(
    rng: random.Random, domain: str, industry: str, *, with_exclusion: bool = False
) -> str:
    """Return a scope listing ``domain``'s finance items among ordinary ones."""
    vocab = scope_vocabulary()
    finance = vocab["suspect"][domain]["items"]
    items = some(rng, finance, between(rng, 1, 3))
    if domain == "real_estate":
        items += vocab["by_industry"]["房地产经纪"][:2]
    if rng.random() < 0.3:
        items.append(pick(rng, vocab["suspect"]["cross"]["items"]))
    items += _ordinary_items(rng, industry)[:4]
    rng.shuffle(items)

    # Some suspects hide behind a boilerplate exclusion clause (a trap for
    # screening that drops every scope with an exclusion in it).
    tail = pick(rng, vocab["exclusions"][:3]) if with_exclusion else ""
    return _close(rng, list(dict.fromkeys(items)), tail)


def spelling_variant(rng: random.Random, text: str) -> str:
    """Return ``text`` with P2P respelt or a space inside its first finance word."""
    if "P2P" in text:
        return text.replace("P2P", pick(rng, _P2P_SPELLINGS))
    for word in ("金融", "借贷", "众筹", "保险", "理财", "投资", "支付", "首付"):
        at = text.find(word)
        if at >= 0:
            space = pick(rng, (" ", "　"))
            return text[: at + 1] + space + text[at + 1 :]
    return text


def licensed_scope(kind: str) -> str:
    """Return the approved scope of a licensed institution of ``kind``."""
    spec = institution_vocabulary()["licensed"][kind]
    prefix: str = spec["scope_prefix"]
    return prefix + "".join(spec["scope"].split())


def local_licensed_scope(kind: str) -> str:
    """Return the approved scope of a locally licensed firm of ``kind``."""
    spec = institution_vocabulary()["local_licensed"][kind]
    return "".join(spec["scope"].split())


def non_market_scope(kind: str) -> str:
    """Return the 业务范围 of a non-market body of ``kind``."""
    scope: str = institution_vocabulary()["non_market"][kind]["scope"]
    return scope
