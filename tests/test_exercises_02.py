"""Exercises of notebook 02: right answers pass, wrong ones get a hint, answers agree with the library."""

import numpy as np
import pytest

from course_lib import exercises, imbalance, metrics

CORRECT = {"02.f1": 0.667, "02.auc_pairs": 4 / 6, "02.pr_baseline": 0.05}


@pytest.mark.parametrize("key, answer", CORRECT.items())
def test_correct_answers_pass(key, answer, capsys):
    assert exercises.check(key, answer)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("key", CORRECT)
def test_wrong_and_missing_answers_get_a_hint(key, capsys):
    assert not exercises.check(key, 0.97)
    assert not exercises.check(key, ...)
    assert not exercises.check(key, "not a number")
    out = capsys.readouterr().out
    assert out.count("Hint:") >= 3 and "Not answered yet" in out
    exercises.solution(key)
    assert capsys.readouterr().out.strip()


def test_answers_agree_with_the_library():
    y_true = [1] * 50 + [0] * 950
    y_pred = [1] * 30 + [0] * 20 + [1] * 10 + [0] * 940
    assert exercises.get("02.f1").is_correct(metrics.f1_score(y_true, y_pred))
    auc = metrics.roc_auc_score([1, 1, 1, 0, 0], [0.9, 0.6, 0.4, 0.7, 0.3])
    assert exercises.get("02.auc_pairs").is_correct(auc)
    y_true, _ = imbalance.binormal_scores(0.05, num_positives=2000, seed=0)
    rng = np.random.default_rng(0)
    aps = [metrics.average_precision_score(y_true, rng.random(len(y_true))) for _ in range(5)]
    assert exercises.get("02.pr_baseline").is_correct(np.mean(aps))
