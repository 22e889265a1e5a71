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
