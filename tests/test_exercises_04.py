"""Notebook 04's exercises accept the solution's answer, reject a wrong one, and agree with the library."""

import pytest

from course_lib import exercises, learning_rate

CORRECT = {"04.max_lr": 0.04, "04.accumulation": 4, "04.sgd_decay": 1e-3}


@pytest.mark.parametrize("key, answer", CORRECT.items())
def test_correct_answers_pass(key, answer, capsys):
    assert exercises.check(key, answer)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("key", CORRECT)
def test_wrong_and_missing_answers_get_a_hint(key, capsys):
    assert not exercises.check(key, 0.5)
    assert not exercises.check(key, ...)
    assert not exercises.check(key, "not a number")
    out = capsys.readouterr().out
    assert out.count("Hint:") >= 3 and "Not answered yet" in out
    exercises.solution(key)
    assert capsys.readouterr().out.strip()


def test_max_lr_agrees_with_the_bowl():
    assert learning_rate.gd_on_bowl(0.039, (2.0, 50.0), num_steps=300).converged
    assert learning_rate.gd_on_bowl(0.041, (2.0, 50.0), num_steps=300).diverged


def test_max_lr_solution_text_is_true():
    """Exactly what the solution says: 0.039 converges in 300 steps (not yet in 100), 0.041 diverges."""
    assert learning_rate.gd_on_bowl(0.039, (2.0, 50.0), num_steps=300).converged is True
    slow = learning_rate.gd_on_bowl(0.039, (2.0, 50.0))
    assert slow.converged is False and 1e-5 < slow.loss[-1] / slow.loss[0] < 1e-4  # "still 3e-5"
    assert learning_rate.gd_on_bowl(0.041, (2.0, 50.0), num_steps=300).diverged is True


@pytest.mark.parametrize("key, answer, words", [
    ("04.max_lr", 1.0, "smallest eigenvalue"), ("04.max_lr", 0.02, "1/50"),
    ("04.accumulation", 0.25, "multiply"), ("04.accumulation", 64, "16x"),
    ("04.sgd_decay", 5e-4, "λ itself"), ("04.sgd_decay", 2.5e-4, "½λ"),
])
def test_classic_mistakes_get_targeted_feedback(key, answer, words, capsys):
    assert not exercises.check(key, answer)
    out = capsys.readouterr().out
    assert words in out and "Hint:" in out


def test_sgd_decay_solution_calls_adam_an_l2_penalty_without_decoupled_decay():
    text = exercises.get("04.sgd_decay").solution
    assert "Adam(weight_decay=2λ) is an L2 penalty too" in text and "decoupled" in text
