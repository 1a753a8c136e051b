"""Readings of a loose name, and the scores that rank registered firms against them.

A loose name has no marked boundaries: 鑫汇投资 may be 字号 鑫汇 + industry 投资
or 字号 鑫汇投资. Every reading is a `Hypothesis`; a firm's score is the best
over readings of

    100 × (60·字号 + 35·行业 + 15·地区 + 5·形式) / (weights of the parts given)

so a loose name giving only a 字号 is judged on the 字号 alone, and each part it
does give can raise or lower the score. The 字号 dominates because it is the
part a firm is known by (企业名称登记管理规定 art. 8); the region and industry
separate firms sharing one 字号. Industry weighs more than half the 字号, so a
loose name whose 字号 is one character off but whose industry agrees (利创广告
for 利德广告) beats a firm that has the 字号 exactly but another industry: with
the demo's 130 common 字号 characters, most one-character slips land on some
other existing 字号.

Part values (industry phrases, region token sets, forms) are small closed
vocabularies, so each reading's similarity to every value is one vector and a
whole block of firms is scored by indexing into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from finsentry.registry.name_parts import (
    NameParts,
    form_similarity,
    industry_similarity,
    region_key,
    region_similarity,
    region_tokens,
    split_normalized,
)

BRAND_WEIGHT, INDUSTRY_WEIGHT, REGION_WEIGHT, FORM_WEIGHT = 60.0, 35.0, 15.0, 5.0
# One substitution in a two-character 字号 is the loosest typo still worth
# proposing; below half the characters the 字号 names another firm.
MIN_BRAND_SIMILARITY = 0.5
_MAX_BRAND_CHARS = 8
BRANCH_OF = re.compile("股份有限公司|有限责任公司|集团有限公司|有限公司")


@dataclass(frozen=True)
class Hypothesis:
    """One reading of a loose name as region + 字号 + industry + form."""

    region: str
    tokens: tuple[str, ...]
    brand: str
    industry: str
    form: str


def hypotheses(text: str) -> list[Hypothesis]:
    """Return every reading of the normalised loose name ``text``."""
    parts = split_normalized(text)
    tokens = region_tokens(parts.region) or () if parts.region else ()
    core = parts.brand + parts.industry
    readings = [(parts.region, tokens, core, parts.form)]
    if parts.region and text.startswith(parts.region):
        # The "region" may open the 字号 itself (长白山, 松原).
        readings.append(("", (), parts.region + core, parts.form))
    if 0 < len(parts.form) <= 2:
        # A one-character "form" may end an industry word: 汇润酒店 is 酒店管理.
        readings.append((parts.region, tokens, core + parts.form, ""))
    found: list[Hypothesis] = []
    for region, region_parts, letters, form in readings:
        longest = min(len(letters), _MAX_BRAND_CHARS)
        for cut in range(2, longest + 1):
            brand, industry = letters[:cut], letters[cut:]
            found.append(Hypothesis(region, region_parts, brand, industry, form))
        if len(letters) < 2:
            found.append(Hypothesis(region, region_parts, letters, "", form))
    return found


def brand_similarity(loose: str, registered: str) -> float:
    """Return 1 - edits / length of the loose 字号, floored at 0.

    Dividing by the loose 字号 alone, not the longer of the two, keeps an
    inserted character (誉越 → 誉富越) from looking closer than a substituted
    one (誉越 → 誉华): both are one slip in a two-character 字号.
    """
    return max(0.0, 1.0 - Levenshtein.distance(loose, registered) / len(loose))


def brand_evidence(hyp: Hypothesis, similarity: float) -> float:
    """Return the 字号 score of a reading: squared when the 字号 stands alone.

    A near 字号 with nothing else to back it (安达广告 read whole against 安达广)
    is weak evidence next to a reading whose industry agrees.
    """
    if hyp.industry or hyp.tokens:
        return similarity
    return similarity**2


@dataclass(frozen=True)
class QueryContext:
    """Per-reading similarity vectors over the part vocabularies, and weights."""

    industry: np.ndarray  # (readings, industries)
    region: np.ndarray  # (readings, regions)
    form: np.ndarray  # (readings, forms)
    weights: np.ndarray  # (readings, 5): brand, industry, region, form, non-brand sum


class PartVocabulary:
    """The distinct industries, region token sets and forms seen in names.

    Id 0 is always the empty part. Similarity vectors are cached per loose
    part and recomputed when the vocabulary has grown since.
    """

    def __init__(
        self,
        industries: list[str] | None = None,
        regions: list[tuple[str, ...]] | None = None,
        forms: list[str] | None = None,
    ) -> None:
        self.industries = industries or [""]
        self.regions = regions or [()]
        self.forms = forms or [""]
        self._industry_ids = {text: i for i, text in enumerate(self.industries)}
        self._region_ids = {tokens: i for i, tokens in enumerate(self.regions)}
        self._region_text_ids: dict[str, int] = {"": 0}
        self._form_ids = {text: i for i, text in enumerate(self.forms)}
        self._cache: dict[tuple[str, Any], tuple[int, np.ndarray]] = {}

    def industry_id(self, text: str) -> int:
        """Return the id of an industry phrase, adding it if new."""
        found = self._industry_ids.get(text)
        if found is None:
            found = self._industry_ids[text] = len(self.industries)
            self.industries.append(text)
        return found

    def region_id(self, text: str) -> int:
        """Return the id of a written region's token set, adding it if new."""
        found = self._region_text_ids.get(text)
        if found is None:
            tokens = region_key(text)
            found = self._region_ids.get(tokens)
            if found is None:
                found = self._region_ids[tokens] = len(self.regions)
                self.regions.append(tokens)
            self._region_text_ids[text] = found
        return found

    def form_id(self, text: str) -> int:
        """Return the id of an organisational form, adding it if new."""
        branch = BRANCH_OF.match(text)
        if branch and branch.end() < len(text):
            # A branch's tail names a street or city; only its parent's form
            # is compared, so all branches of one form share an id.
            text = branch.group(0) + "分支机构"
        found = self._form_ids.get(text)
        if found is None:
            found = self._form_ids[text] = len(self.forms)
            self.forms.append(text)
        return found

    def _vector(self, kind: str, value: Any) -> np.ndarray:
        """Return (cached) similarities of one loose part to every known value."""
        values: list[Any] = getattr(self, kind)
        cached = self._cache.get((kind, value))
        if cached is not None and cached[0] == len(values):
            return cached[1]
        if kind == "industries":
            sims = [industry_similarity(value, known) for known in values]
        elif kind == "regions":
            sims = [region_similarity(value, known) for known in values]
        else:
            sims = [form_similarity(value, known) for known in values]
        vector = np.array(sims, dtype=np.float64)
        if len(self._cache) > 20_000:
            self._cache.clear()
        self._cache[(kind, value)] = (len(values), vector)
        return vector

    def context(self, hyps: list[Hypothesis]) -> QueryContext:
        """Return the similarity vectors and weights for each reading."""
        industry = np.stack([self._vector("industries", h.industry) for h in hyps])
        region = np.stack([self._vector("regions", h.tokens) for h in hyps])
        form = np.stack([self._vector("forms", h.form) for h in hyps])
        given = np.array(
            [[1.0, bool(h.industry), bool(h.tokens), bool(h.form)] for h in hyps]
        )
        raw = given * [BRAND_WEIGHT, INDUSTRY_WEIGHT, REGION_WEIGHT, FORM_WEIGHT]
        scaled = 100.0 * raw / raw.sum(axis=1, keepdims=True)
        weights = np.column_stack([scaled, scaled[:, 1:].sum(axis=1)])
        return QueryContext(industry, region, form, weights)

    def arrays(self) -> dict[str, np.ndarray]:
        """Return the vocabularies as plain string arrays for saving."""
        return {
            "vocab_industries": np.array(self.industries, dtype=np.str_),
            "vocab_regions": np.array(["/".join(t) for t in self.regions], np.str_),
            "vocab_forms": np.array(self.forms, dtype=np.str_),
        }

    @classmethod
    def from_arrays(cls, saved: Any) -> PartVocabulary:
        """Return the vocabulary saved by `arrays`."""
        regions = [tuple(t.split("/")) if t else () for t in saved["vocab_regions"]]
        return cls(
            industries=saved["vocab_industries"].tolist(),
            regions=regions,
            forms=saved["vocab_forms"].tolist(),
        )


def candidate_pairs(
    hyps: list[Hypothesis],
    owners: np.ndarray,
    found: tuple[np.ndarray, np.ndarray],
    brands: pa.LargeStringArray,
) -> np.ndarray:
    """Return (reading, 字号 id, 字号 evidence) for each close enough pair.

    The similarity is `brand_similarity`, computed for a batch in rapidfuzz.
    """
    which, brand_ids = found
    code = np.unique((owners[which] << 32) | brand_ids.astype(np.int64))
    hyp_col = code >> 32
    brand_col = code & 0xFFFFFFFF
    names = brands.take(pa.array(brand_col)).to_pylist()
    sims = np.zeros(len(code), dtype=np.float64)
    bounds = np.searchsorted(hyp_col, np.arange(len(hyps) + 1))
    for hyp, (low, high) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        if high > low:
            edits = process.cdist(
                [hyps[hyp].brand], names[low:high], scorer=Levenshtein.distance
            )[0]
            sims[low:high] = np.maximum(0.0, 1.0 - edits / len(hyps[hyp].brand))
    keep = sims >= MIN_BRAND_SIMILARITY
    alone = np.array([not (h.industry or h.tokens) for h in hyps])[hyp_col]
    sims = np.where(alone, sims**2, sims)  # as in brand_evidence
    pairs = np.empty(
        int(keep.sum()), dtype=[("hyp", "i8"), ("brand", "i8"), ("sim", "f8")]
    )
    pairs["hyp"], pairs["brand"], pairs["sim"] = (
        hyp_col[keep],
        brand_col[keep],
        sims[keep],
    )
    return pairs


def explain(hyp: Hypothesis, parts: NameParts, region: tuple[str, ...]) -> str:
    """Return a short Chinese account of how a firm's parts meet one reading."""
    if hyp.brand == parts.brand:
        pieces = [f"字号“{parts.brand}”一致"]
    else:
        pieces = [f"字号“{hyp.brand}”≈“{parts.brand}”"]
    if hyp.industry:
        if hyp.industry == parts.industry:
            pieces.append(f"行业“{parts.industry}”一致")
        elif industry_similarity(hyp.industry, parts.industry) > 0:
            pieces.append(f"行业“{parts.industry}”≈“{hyp.industry}”")
        else:
            pieces.append(f"行业不符（“{parts.industry or '无'}”）")
    if hyp.tokens:
        agreement = region_similarity(hyp.tokens, region)
        if agreement >= 0.8:
            pieces.append(f"地区“{hyp.region}”一致")
        elif agreement == 0.5:
            pieces.append(f"地区“{hyp.region}”部分一致")
        elif not region:
            pieces.append("登记名称无地区")
        else:
            written = "、".join(t for t in region if not t.startswith("~"))
            pieces.append(f"地区不符（“{written}”）")
    if hyp.form and hyp.form != parts.form:
        pieces.append(f"组织形式不同（“{parts.form or '无'}”）")
    return "；".join(pieces)


def keep_best(
    best: tuple[np.ndarray, np.ndarray, np.ndarray],
    batch: tuple[np.ndarray, np.ndarray, np.ndarray],
    keep: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return up to ``keep`` distinct rows of both sets, best score first."""
    scores, rows, hyps = (np.concatenate(p) for p in zip(best, batch, strict=True))
    if len(scores) > keep:
        top = np.argpartition(-scores, keep)[:keep]
        scores, rows, hyps = scores[top], rows[top], hyps[top]
    order = np.argsort(-scores, kind="stable")
    # One firm reached through two readings keeps its better score only.
    _, first = np.unique(rows[order], return_index=True)
    order = order[np.sort(first)]
    return scores[order], rows[order], hyps[order]


def score_floor(base: np.ndarray, hyp: np.ndarray, limit: int) -> float:
    """Return a score the limit-th best firm is sure to reach, or 0.

    Within one reading the groups are distinct firms, and every group scores at
    least its base on its first row: the limit-th best base of any one reading
    bounds the final cut from below.
    """
    floor = 0.0
    counts = np.bincount(hyp)
    for reading in np.flatnonzero(counts >= limit).tolist():
        bases = base[hyp == reading]
        floor = max(floor, float(np.partition(bases, -limit)[-limit]))
    return floor
