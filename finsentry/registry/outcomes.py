"""What screening says about one record: its word hits and its outcome.

Shared by the scalar reference (screening.py), the decision (decision.py) and
the bulk path (screening_batch.py), so that none imports the others for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from finsentry.registry.clauses import load_rule_file

# Catalogue domains in catalogue order (violations.yaml `domains`).
DOMAINS: dict[str, str] = dict(load_rule_file()["domains"])
CROSS = "cross"
REAL_ESTATE = "real_estate"


@dataclass(frozen=True)
class Hit:
    """One occurrence of a word in the normalised name or raw scope, by character."""

    word: str
    field: str
    start: int
    end: int


@dataclass(frozen=True)
class Screening:
    """The outcome of screening one record.

    `flagged` holds only for a market entity with a hit that is not licensed;
    `keywords` are the distinct words of `hits` in order; `reasons` are short
    Chinese sentences for staff; `licence_kind` is a LICENCE_KINDS key.
    """

    flagged: bool
    licensed: bool
    domains: tuple[str, ...]
    keywords: tuple[str, ...]
    reasons: tuple[str, ...]
    hits: tuple[Hit, ...]
    licence_kind: str | None


CLEAN = Screening(False, False, (), (), (), (), None)
NOT_SCREENED = Screening(
    False, False, (), (), ("非市场监管登记主体，不在本次筛查范围",), (), None
)
