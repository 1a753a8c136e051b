"""Evaluation figures: AUC by rank, precision at the top, recall, labels files."""

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from django.core.management import call_command

from finsentry.risk.errors import LabelsError
from finsentry.risk.evaluation import evaluate, load_labels, rank_auc, top_hits
from finsentry.risk.platform_scores import score_table


def test_rank_auc_counts_pairs_and_halves_ties() -> None:
    scores = np.array([1.0, 2.0, 2.0, 3.0, 0.0])
    positive = np.array([False, True, False, True, False])

    pairs = [
        1.0 if a > b else 0.5 if a == b else 0.0
        for a in scores[positive]
        for b in scores[~positive]
    ]
    assert rank_auc(scores, positive) == pytest.approx(sum(pairs) / len(pairs))


def test_top_share_splits_a_tie_at_the_cut_evenly() -> None:
    scores = np.array([9, 5, 5, 5, 5, 1, 1, 1, 1, 1])
    positive = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 1], dtype=bool)

    assert top_hits(scores, positive, 0.2) == (1.25, 2)


def test_demo_scores_foresee_failures(
    demo_table: pa.Table, demo_files: tuple[Path, Path]
) -> None:
    result = evaluate(score_table(demo_table), load_labels(demo_files[1]))

    assert result.platforms > 30 and result.failed > 5
    assert result.auc > 0.7
    assert result.precision_top > result.positives / result.cases
    assert 0 < result.recall <= 1


def test_labels_file_without_a_label_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("platform,name\np1,x\n", encoding="utf-8")

    with pytest.raises(LabelsError, match="第 1 行"):
        load_labels(path)


def test_failure_without_a_month_is_the_month_after_the_last_report(
    tmp_path: Path,
) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("platform,label\np1,1\np2,0\n", encoding="utf-8")

    assert load_labels(path) == {"p1": -1, "p2": None}


def test_evaluate_command_runs_on_files_in_the_docking_format(
    demo_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    reports, truth = demo_files

    call_command("evaluate", "--reports", str(reports), "--labels", str(truth))

    out = capsys.readouterr().out
    assert "ROC AUC" in out and "precision@10%" in out and "recall" in out
