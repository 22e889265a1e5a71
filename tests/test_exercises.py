"""Every exercise accepts its solution's answer and rejects a wrong one, with a hint."""

import importlib

import pytest
from torch import nn

from course_lib import approximation, exercises
from course_lib.models import MLP, count_parameters

# The right answer of every exercise of the course; each notebook's test file checks that these
# agree with what its library computes.
CORRECT = {
    "01.param_count": 139, "01.collapse": 33, "01.pieces": 127,
    "02.f1": 0.667, "02.pr_baseline": 0.05, "02.threshold": 0.6,
    "03.sigmoid_chain": 0.25**10, "03.bn_params": 128, "03.skip_gradient": 1,
    "04.max_lr": 0.04, "04.accumulation": 4, "04.sgd_decay": 1e-3,
    "05.choose": "linear probe", "05.scaling": 2.0, "05.probe_params": 195,
}


def test_every_exercise_of_every_notebook_has_a_known_answer():
    keys = {f"{n}.{name}" for n in ("01", "02", "03", "04", "05")
            for name in importlib.import_module(f"course_lib.exercises.ex{n}").EXERCISES}
    assert keys == set(CORRECT)


@pytest.mark.parametrize("key, answer", CORRECT.items())
def test_correct_answers_pass(key, answer, capsys):
    assert exercises.check(key, answer)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("key", CORRECT)
def test_wrong_and_missing_answers_get_a_hint_and_a_solution(key, capsys):
    assert not exercises.check(key, -12345)
    assert not exercises.check(key, ...)
    assert not exercises.check(key, "not an answer")
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


# Classic wrong answers of every notebook and a word of the targeted feedback each must get.
MISTAKES = [
    ("01.param_count", 120, "bias"), ("01.param_count", 105, "section 1"),
    ("01.collapse", 3253, "the stack has"), ("01.collapse", 30, "bias"),
    ("01.pieces", 128, "m + 1"), ("01.pieces", 14, "deep network"),
    ("02.f1", 0.97, "accuracy"), ("02.f1", 66.7, "fraction"), ("02.f1", 0.75, "precision"),
    ("02.f1", 0.6, "recall"), ("02.f1", 0.675, "harmonic"),
    ("02.threshold", 0.65, "only 2 of 4"), ("02.threshold", 0.7, "benign"), ("02.threshold", 0.3, "recall 1"),
    ("02.threshold", 0.5, "not the highest"), ("02.threshold", 0.75, "recall target"),
    ("02.pr_baseline", 0.5, "ROC baseline"), ("02.pr_baseline", 5, "fraction"),
    ("04.max_lr", 1.0, "smallest eigenvalue"), ("04.max_lr", 0.02, "1/50"),
    ("04.accumulation", 0.25, "multiply"), ("04.accumulation", 64, "16x"),
    ("04.sgd_decay", 5e-4, "λ itself"), ("04.sgd_decay", 2.5e-4, "½λ"),
    ("05.choose", "LoRA", "321"), ("05.choose", "Full fine-tune", "4,353"), ("05.choose", "scratch", "worst"),
    ("05.scaling", 5.657, "rsLoRA"), ("05.probe_params", 192, "biases"),
]


@pytest.mark.parametrize("key, answer, words", MISTAKES)
def test_classic_mistakes_get_targeted_feedback_and_the_hint(key, answer, words, capsys):
    assert not exercises.check(key, answer)
    out = capsys.readouterr().out
    assert words in out and "Hint:" in out


@pytest.mark.parametrize("key", CORRECT)
def test_a_right_answer_is_never_taken_for_a_mistake(key):
    assert not any(judge(CORRECT[key]) for judge in exercises.get(key).mistakes)
