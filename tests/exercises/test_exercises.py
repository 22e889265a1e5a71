"""Every exercise of every notebook: its answer is accepted, its mistakes get their own feedback,
hints come only after a wrong attempt and grow more specific, and no question gives its answer away.

Each notebook's own test file checks that the reference answers agree with what its library computes.
"""

import math

import numpy as np
import pytest

from course_lib import exercises
from course_lib.exercises import CodeExercise, Exercise, Prediction

NOTEBOOKS = ("01", "02", "03", "04", "05")
KEYS = exercises.keys()
VALUE_KEYS = [k for k in KEYS if isinstance(exercises.get(k), Exercise)]
PREDICTION_KEYS = [k for k in KEYS if isinstance(exercises.get(k), Prediction)]
CODE_KEYS = [k for k in KEYS if isinstance(exercises.get(k), CodeExercise)]


@pytest.fixture(autouse=True)
def fresh_attempts():
    exercises.reset()
    yield
    exercises.reset()


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_each_notebook_has_3_to_5_exercises_of_the_kinds_that_make_students_think(notebook):
    kinds = [type(exercises.get(k)).__name__ for k in exercises.keys(notebook)]
    assert 3 <= len(kinds) <= 5, kinds
    assert kinds.count("Prediction") >= 2, f"{notebook}: at least two predict-then-run questions"
    assert kinds.count("CodeExercise") >= 1, f"{notebook}: at least one write-the-code exercise"


@pytest.mark.parametrize("key", KEYS)
def test_the_reference_answer_is_accepted(key, capsys):
    ex = exercises.get(key)
    answer = ex.reference if isinstance(ex, CodeExercise) else ex.answer
    assert exercises.check(key, answer)
    out = capsys.readouterr().out
    assert "Correct" in out or "Right" in out


@pytest.mark.parametrize("key", KEYS)
def test_unanswered_is_one_line_and_gives_no_hint(key, capsys):
    assert not exercises.check(key, ...)
    out = capsys.readouterr().out.strip()
    assert "\n" not in out and "Hint" not in out and "Not answered yet" in out


@pytest.mark.parametrize("key", VALUE_KEYS + CODE_KEYS)
def test_hints_come_after_a_wrong_attempt_and_grow_more_specific(key, capsys):
    ex = exercises.get(key)
    wrong = (lambda *args: -12345.0) if isinstance(ex, CodeExercise) else -12345
    for n in range(1, len(ex.hints) + 2):
        assert not exercises.check(key, wrong)
        out = capsys.readouterr().out
        assert f"Hint {min(n, len(ex.hints))}/{len(ex.hints)}" in out
    assert len(ex.hints) >= 2, "a second, more specific hint for a student still stuck"


@pytest.mark.parametrize("key", VALUE_KEYS)
def test_every_listed_mistake_gets_its_own_message(key, capsys):
    ex = exercises.get(key)
    for judge, message in ex.mistakes.items():
        example = judge.example  # every mistake judge carries an answer it recognises
        assert not ex.is_correct(example), f"{key}: the mistake {example!r} is accepted as right"
        assert not exercises.check(key, example)
        assert message in capsys.readouterr().out, f"{key}: {example!r} did not get its message"
        assert not judge(ex.answer), f"{key}: the right answer is taken for the mistake {message!r}"


@pytest.mark.parametrize("key", VALUE_KEYS)
def test_a_percentage_for_a_fraction_is_recognised(key, capsys):
    ex = exercises.get(key)
    expected = getattr(ex.is_correct, "expected", None)
    if expected is None or not 0 < abs(expected) <= 1:
        pytest.skip("not a fraction")
    exercises.check(key, expected * 100)
    out = capsys.readouterr().out
    assert "percentage" in out or "fraction" in out


def _spellings(value) -> set[str]:
    """Ways a numeric answer could be written in a question or hint."""
    if isinstance(value, str):
        return {value.lower()}
    if isinstance(value, bool) or not isinstance(value, int | float) or value == 0:
        return set()
    spellings = {f"{value:g}", f"{value:.2g}", f"{value:.3g}", f"{value:,}"}
    exponent = math.floor(math.log10(abs(value)))
    if exponent <= -3:
        spellings.add(f"1e{exponent}")
    return {s for s in spellings if len(s.strip("0.-")) > 0 and s not in {"1", "2", "0.5"}}


@pytest.mark.parametrize("key", VALUE_KEYS)
def test_no_question_or_first_hint_contains_its_answer(key):
    ex = exercises.get(key)
    for text in (ex.question, ex.hints[0]):
        for spelling in _spellings(ex.answer):
            assert spelling not in text.lower(), f"{key}: {spelling!r} appears in {text!r}"


@pytest.mark.parametrize("key", PREDICTION_KEYS)
def test_every_choice_of_a_prediction_gets_its_own_feedback(key, capsys):
    ex = exercises.get(key)
    assert ex.answer in ex.choices and set(ex.feedback) == set(ex.choices) and len(ex.choices) >= 2
    assert len(set(ex.feedback.values())) == len(ex.choices)
    for letter, text in ex.choices.items():
        assert bool(exercises.check(key, letter)) == (letter == ex.answer)
        assert bool(exercises.check(key, text)) == (letter == ex.answer)  # the choice's text works too
        assert ex.feedback[letter] in capsys.readouterr().out
    assert not exercises.check(key, "none of these")
    assert "Answer with one of" in capsys.readouterr().out


@pytest.mark.parametrize("key", CODE_KEYS)
def test_each_code_exercise_rejects_classic_wrong_implementations_with_their_own_message(key, capsys):
    ex = exercises.get(key)
    assert len(ex.wrong) >= 2
    for message, wrong in ex.wrong.items():
        assert not exercises.check(key, wrong)
        assert message in capsys.readouterr().out


@pytest.mark.parametrize("key", CODE_KEYS)
def test_a_code_mismatch_shows_the_smallest_differing_input(key, capsys):
    assert not exercises.check(key, lambda *args: np.full(3, 123.0))
    out = capsys.readouterr().out
    assert "smallest input" in out and "expected" in out


@pytest.mark.parametrize("key", CODE_KEYS)
def test_a_code_exercise_survives_a_function_that_raises(key, capsys):
    def broken(*args):
        raise ZeroDivisionError("oops")

    assert not exercises.check(key, broken)
    assert "ZeroDivisionError" in capsys.readouterr().out


@pytest.mark.parametrize("key", KEYS)
def test_every_exercise_has_a_worked_solution(key, capsys):
    exercises.solution(key)
    assert len(capsys.readouterr().out.strip()) > 40


def test_a_verdict_is_truthy_and_displays_nothing_in_a_notebook(capsys):
    from IPython.core.formatters import format_display_data

    key = KEYS[0]
    ex = exercises.get(key)
    verdict = exercises.check(key, ex.reference if isinstance(ex, CodeExercise) else ex.answer)
    assert verdict
    capsys.readouterr()
    verdict._ipython_display_()  # IPython calls this instead of showing a repr
    assert capsys.readouterr().out == ""
    assert format_display_data(verdict)[0] == {}


def test_bad_keys_are_named():
    with pytest.raises(ValueError, match="key"):
        exercises.get("nonsense")
    with pytest.raises(ValueError, match="key"):
        exercises.get("01.nonsense")


@pytest.mark.parametrize("key", CODE_KEYS)
def test_a_skeleton_that_still_returns_ellipsis_counts_as_unanswered(key, capsys):
    def skeleton(*args):
        ...
        return ...

    assert not exercises.check(key, skeleton)
    out = capsys.readouterr().out.strip()
    assert "Not answered yet" in out and "Hint" not in out
