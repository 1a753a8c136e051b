"""How well scores foresee failures: ROC AUC, precision at the top, recall.

Each month m of the evaluation, every labelled platform that reported in m
and had not yet failed is one case: its score is the one of month m (data up
to m only), and it is positive when the platform fails within the next
`horizon` months. A failing platform counts as caught (recall) when its
score reached the flag level in one of the `horizon` months before failing.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from finsentry.docking.validation import platform_key
from finsentry.risk.errors import LabelsError
from finsentry.risk.operating import OperatingScores
from finsentry.risk.panel import month_number

_FAILED_WORDS = {
    "1",
    "failed",
    "fail",
    "problem",
    "问题",
    "爆雷",
    "跑路",
    "true",
    "yes",
}


@dataclass
class Evaluation:
    """The figures of one evaluation and the counts they come from."""

    platforms: int
    failed: int
    cases: int
    positives: int
    auc: float
    precision_top: float
    recall: float
    caught: int
    lead_months: float
    horizon: int
    top_share: float
    flag_level: str


def load_labels(path: Path) -> dict[str, int | None]:
    """Return platform → month number of failure (None: did not fail) from a CSV.

    Columns: `platform` (or `uscc`), then `failed_month` (YYYY-MM, empty when
    it did not fail) and/or `outcome`/`label` (failed, 1, 问题 … mean failed).
    A failure without a month is taken as the month after the last report.
    """
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise LabelsError(f"{path}：无法打开标注文件：{exc.strerror}") from exc
    labels: dict[str, int | None] = {}
    with handle:
        reader = csv.DictReader(handle)
        fields = set(reader.fieldnames or ())
        key = "platform" if "platform" in fields else "uscc"
        if key not in fields or not fields & {"failed_month", "outcome", "label"}:
            raise LabelsError(
                f"{path}，第 1 行：标注文件需要 platform 列，"
                "以及 failed_month、outcome 或 label 列"
            )
        for line, row in enumerate(reader, start=2):
            platform = platform_key(row.get(key) or "")[0]
            month = (row.get("failed_month") or "").strip()
            word = (row.get("outcome") or row.get("label") or "").strip().lower()
            if not platform:
                raise LabelsError(f"{path}，第 {line} 行，{key}：为空")
            if month:
                try:
                    labels[platform] = month_number(month)
                except ValueError as exc:
                    raise LabelsError(
                        f"{path}，第 {line} 行，failed_month：无法识别 {month}"
                    ) from exc
            else:
                labels[platform] = -1 if word in _FAILED_WORDS else None
    return labels


def rank_auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Return the ROC AUC of scores for the positives, ties counted as half."""
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        return math.nan
    values, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    average_rank = ends - (counts - 1) / 2.0
    ranks = average_rank[inverse]
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def top_hits(scores: np.ndarray, positive: np.ndarray, share: float) -> tuple:
    """Return (expected positives, count) in the top share; a tie is shared evenly."""
    k = math.ceil(share * len(scores))
    if k == 0:
        return 0.0, 0
    cut = np.sort(scores)[::-1][k - 1]
    above = scores > cut
    tied = scores == cut
    room = k - int(above.sum())
    tied_rate = positive[tied].mean() if tied.any() else 0.0
    return float(positive[above].sum() + room * tied_rate), k


def evaluate(
    scores: OperatingScores,
    labels: dict[str, int | None],
    horizon: int = 6,
    start: str = "2015-01",
    top_share: float = 0.1,
    flag_level: str = "high",
) -> Evaluation:
    """Return the figures of scores against labels, month by month from `start`."""
    panel = scores.panel
    month_numbers = np.array([month_number(m) for m in panel.months])
    failure = np.full(len(panel.platforms), -1, dtype=np.int64)
    labelled = np.zeros(len(panel.platforms), dtype=bool)
    for p, platform in enumerate(panel.platforms):
        if platform not in labels:
            continue
        labelled[p] = True
        month = labels[platform]
        if month == -1:
            reported = np.flatnonzero(panel.reported[p])
            month = int(month_numbers[reported[-1]]) + 1 if reported.size else None
        failure[p] = -1 if month is None else month

    fails = failure >= 0
    ahead = failure[:, None] - month_numbers[None, :]
    alive = panel.reported & labelled[:, None] & (~fails[:, None] | (ahead > 0))
    alive &= (month_numbers >= month_number(start))[None, :]
    positive = fails[:, None] & (ahead >= 1) & (ahead <= horizon)

    flat_scores = scores.score[alive].astype(float)
    flat_positive = positive[alive]
    hits, picked = 0.0, 0
    for m in range(len(panel.months)):
        here = alive[:, m]
        if here.any():
            got, k = top_hits(scores.score[here, m], positive[here, m], top_share)
            hits, picked = hits + got, picked + k

    bar = scores.weights.levels.get(flag_level, 0)
    in_window = positive & panel.reported
    flagged = np.where(in_window, scores.score >= bar, False)
    counted = fails & labelled & in_window.any(axis=1)
    caught = counted & flagged.any(axis=1)
    leads = [
        float(ahead[p, np.flatnonzero(flagged[p])].max())
        for p in np.flatnonzero(caught)
    ]
    return Evaluation(
        platforms=int(labelled.sum()),
        failed=int(counted.sum()),
        cases=int(alive.sum()),
        positives=int(flat_positive.sum()),
        auc=rank_auc(flat_scores, flat_positive),
        precision_top=hits / picked if picked else math.nan,
        recall=float(caught.sum() / counted.sum()) if counted.any() else math.nan,
        caught=int(caught.sum()),
        lead_months=float(np.median(leads)) if leads else math.nan,
        horizon=horizon,
        top_share=top_share,
        flag_level=flag_level,
    )
