"""Every exercise accepts its solution's answer and rejects a wrong one, with a hint."""

import pytest
from torch import nn

from course_lib import approximation, exercises
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


def test_solutions_quote_the_right_parameter_counts():
    stack = [nn.Linear(10, 50), nn.Linear(50, 50), nn.Linear(50, 3)]
    total = sum(count_parameters(layer) for layer in stack)
    assert f"{total:,}" in exercises.get("01.collapse").solution
    assert count_parameters(approximation.collapse_linear(stack)) == CORRECT["01.collapse"]


def test_a_verdict_is_truthy_and_displays_nothing_in_a_notebook(capsys):
    from IPython.core.formatters import format_display_data

    verdict = exercises.check("01.pieces", 127)
    assert verdict and not exercises.check("01.pieces", 3)
    capsys.readouterr()
    verdict._ipython_display_()  # IPython calls this instead of showing a repr
    assert capsys.readouterr().out == ""
    assert format_display_data(verdict)[0] == {}
