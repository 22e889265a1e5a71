"""Exercises of notebook 02: the answers agree with the library; mistakes never crash the check."""

import numpy as np

from course_lib import exercises, imbalance, metrics, operating_point


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


def test_mistakes_are_optional_and_never_crash(capsys):
    plain = exercises.Exercise("q?", exercises.close_to(1.0), "a hint", "a solution")
    assert plain.mistakes == {}
    assert not exercises.check("02.f1", 0.1)  # no mistake matches: the plain hint
    assert "Not quite. Hint:" in capsys.readouterr().out
    assert not exercises.check("02.f1", [0.97])  # a judge that cannot read the answer is skipped
    assert "Hint:" in capsys.readouterr().out
