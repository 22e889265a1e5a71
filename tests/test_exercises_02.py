"""Exercises of notebook 02: right answers pass, wrong ones get a hint, answers agree with the library."""

import numpy as np
import pytest

from course_lib import exercises, imbalance, metrics, operating_point

CORRECT = {"02.f1": 0.667, "02.pr_baseline": 0.05, "02.threshold": 0.6}


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
    threshold = operating_point.choose_threshold([1, 1, 1, 1, 0, 0, 0, 0],
                                                 [0.9, 0.8, 0.6, 0.3, 0.7, 0.4, 0.2, 0.1],
                                                 "recall", target_recall=0.75)
    assert exercises.get("02.threshold").is_correct(threshold)
    y_true, _ = imbalance.binormal_scores(0.05, num_positives=2000, seed=0)
    rng = np.random.default_rng(0)
    aps = [metrics.average_precision_score(y_true, rng.random(len(y_true))) for _ in range(5)]
    assert exercises.get("02.pr_baseline").is_correct(np.mean(aps))


@pytest.mark.parametrize("key, answer, feedback", [
    ("02.f1", 0.97, "accuracy"), ("02.f1", 66.7, "fraction"), ("02.f1", 0.75, "precision"),
    ("02.f1", 0.6, "recall"), ("02.f1", 0.675, "harmonic"),
    ("02.threshold", 0.65, "only 2 of 4"), ("02.threshold", 0.7, "benign"), ("02.threshold", 0.3, "recall 1"),
    ("02.threshold", 0.5, "not the highest"), ("02.threshold", 0.75, "recall target"),
    ("02.pr_baseline", 0.5, "ROC baseline"), ("02.pr_baseline", 5, "fraction"),
])
def test_classic_mistakes_get_targeted_feedback(key, answer, feedback, capsys):
    assert not exercises.check(key, answer)
    out = capsys.readouterr().out
    assert feedback in out and "Hint:" in out


def test_mistakes_are_optional_and_never_crash(capsys):
    plain = exercises.Exercise("q?", exercises.close_to(1.0), "a hint", "a solution")
    assert plain.mistakes == {}
    assert not exercises.check("02.f1", 0.1)  # no mistake matches: the plain hint
    assert "Not quite. Hint:" in capsys.readouterr().out
    assert not exercises.check("02.f1", [0.97])  # a judge that cannot read the answer is skipped
    assert "Hint:" in capsys.readouterr().out
    for key in CORRECT:  # a right answer is never taken for a mistake
        mistakes = exercises.get(key).mistakes
        assert not any(judge(CORRECT[key]) for judge in mistakes)
