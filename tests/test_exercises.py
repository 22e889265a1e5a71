"""Every exercise accepts its solution's answer and rejects a wrong one, with a hint."""

import pytest

from course_lib import exercises
from course_lib.models import MLP, count_parameters

CORRECT = {"01.param_count": 139, "01.collapse": 33, "01.pieces": 127}


@pytest.mark.parametrize("key, answer", CORRECT.items())
def test_correct_answers_pass(key, answer, capsys):
    assert exercises.check(key, answer)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("key", CORRECT)
def test_wrong_and_missing_answers_get_a_hint(key, capsys):
    assert not exercises.check(key, 1)
    assert not exercises.check(key, ...)
    assert not exercises.check(key, "not a number")
    out = capsys.readouterr().out
    assert out.count("Hint:") >= 3 and "Not answered yet" in out
    exercises.solution(key)
    assert capsys.readouterr().out.strip()


def test_answers_agree_with_the_library():
    model = MLP(4, out_features=3, hidden=(8, 8), task="multiclass")
    assert count_parameters(model) == CORRECT["01.param_count"]
